package broker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// tapCase is an exchange of one type with queues bound to it, the
// messages published to it, and what the queues must get.
type tapCase struct {
	name    string
	typ     string
	queues  []bound
	publish []sent
	tapSees []string       // routing keys, in order
	depths  map[string]int // what each queue got
}

type bound struct {
	name, key string
	args      amqp.Table
}

type sent struct {
	key     string
	headers amqp.Table
}

// TestLiveTap: a tap of each exchange type sees every message the
// exchange routes, and the bound queues still get theirs.
func TestLiveTap(t *testing.T) {
	cases := []tapCase{
		{
			name: "topic", typ: "topic",
			queues:  []bound{{"qa", "a.#", nil}, {"qb", "b.*", nil}},
			publish: []sent{{"a.x.y", nil}, {"b.y", nil}, {"c", nil}, {"", nil}, {"a", nil}},
			tapSees: []string{"a.x.y", "b.y", "c", "", "a"},
			depths:  map[string]int{"qa": 2, "qb": 1},
		},
		{
			name: "fanout", typ: "fanout",
			queues:  []bound{{"f1", "", nil}, {"f2", "whatever", nil}},
			publish: []sent{{"k1", nil}, {"", nil}, {"k.2", nil}},
			tapSees: []string{"k1", "", "k.2"},
			depths:  map[string]int{"f1": 3, "f2": 3},
		},
		{
			// The catch-all of a headers exchange is a binding without
			// arguments; messages without headers must be caught too.
			name: "headers", typ: "headers",
			queues: []bound{
				{"h1", "", amqp.Table{"x-match": "all", "a": int32(1)}},
				{"h2", "", amqp.Table{"x-match": "any", "b": "x", "c": "y"}},
			},
			publish: []sent{
				{"one", amqp.Table{"a": int32(1)}},
				{"two", amqp.Table{"b": "x"}},
				{"three", nil},
				{"four", amqp.Table{"z": "nothing"}},
			},
			tapSees: []string{"one", "two", "three", "four"},
			depths:  map[string]int{"h1": 1, "h2": 1},
		},
	}
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				sc := newScratch(t, r, "kaiten-tap-"+randomHex(4))
				ctx := testCtx(t)
				x := "x/" + tc.name + " #"
				must(t, sc.ch.ExchangeDeclare(x, tc.typ, false, false, false, false, nil))
				for _, qu := range tc.queues {
					sc.queue(t, qu.name, x, qu.key, qu.args)
				}
				before := sc.queueNames(t)
				tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{x}})
				must(t, err)
				got := collect(tap.Batches())
				for _, p := range tc.publish {
					sc.publish(t, x, p.key, p.headers, "body of "+p.key)
				}
				msgs := got.wait(t, len(tc.tapSees))
				var taps []string
				for _, n := range sc.queueNames(t) {
					if !slices.Contains(before, n) {
						taps = append(taps, n)
					}
				}
				if len(taps) != 1 || !IsTapQueue(taps[0]) {
					t.Errorf("queues the tap added: %q, want one named %s…", taps, TapQueuePrefix)
				}
				if keys := keysOf(msgs); !slices.Equal(keys, tc.tapSees) {
					t.Errorf("tap saw keys %q, want %q", keys, tc.tapSees)
				}
				for _, m := range msgs {
					if m.Source != x || m.Exchange != x || string(m.Body) != "body of "+m.RoutingKey {
						t.Errorf("tapped message %+v", m)
					}
				}
				for name, n := range tc.depths {
					sc.waitDepth(t, name, n)
				}
				must(t, tap.Close())
				<-got.done
				if after := sc.queueNames(t); !slices.Equal(after, before) {
					t.Errorf("queues after the tap closed: %q, before: %q", after, before)
				}
			})
		}
	})
}

// TestLiveTapDirect: a tap of a direct exchange binds each key the
// exchange has, and follows bindings added and removed during the tap.
func TestLiveTapDirect(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-tap-direct-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("d", "direct", false, false, false, false, nil))
		sc.queue(t, "d1", "d", "k1", nil)
		sc.queue(t, "d2", "d", "k2", nil)
		sc.queue(t, "d2b", "d", "k2", nil)
		must(t, sc.ch.ExchangeDeclare("d-e2e", "fanout", false, false, false, false, nil))
		must(t, sc.ch.ExchangeBind("d-e2e", "k4", "d", false, nil))

		tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{"d"}, Refresh: 150 * time.Millisecond})
		must(t, err)
		defer tap.Close()
		if keys := tap.Keys("d"); !slices.Equal(keys, []string{"k1", "k2", "k4"}) {
			t.Fatalf("tap keys %q", keys)
		}
		got := collect(tap.Batches())
		for _, k := range []string{"k1", "k2", "k3", "k4"} {
			sc.publish(t, "d", k, nil, k)
		}
		if keys := keysOf(got.wait(t, 3)); !slices.Equal(keys, []string{"k1", "k2", "k4"}) {
			t.Errorf("tap saw %q", keys)
		}
		sc.waitDepth(t, "d1", 1)
		sc.waitDepth(t, "d2", 1)
		sc.waitDepth(t, "d2b", 1)

		// A binding added during the tap is caught on the next refresh.
		sc.queue(t, "d3", "d", "k3", nil)
		waitFor(t, "the tap to bind k3", 10*time.Second, func() bool { return slices.Contains(tap.Keys("d"), "k3") })
		got.waitEvent(t, EventNote)
		got.reset()
		sc.publish(t, "d", "k3", nil, "k3")
		if keys := keysOf(got.wait(t, 1)); !slices.Equal(keys, []string{"k3"}) {
			t.Errorf("after the binding, the tap saw %q", keys)
		}
		sc.waitDepth(t, "d3", 1)

		// A binding removed is dropped: the tap sees what the exchange
		// routes, no more.
		must(t, sc.ch.QueueUnbind("d1", "k1", "d", nil))
		must(t, tap.Refresh(ctx))
		if keys := tap.Keys("d"); !slices.Equal(keys, []string{"k2", "k3", "k4"}) {
			t.Errorf("after unbinding k1 the tap has %q", keys)
		}

		// A view's snapshot does as well as the tap's own polling.
		sc.queue(t, "d5", "d", "k5", nil)
		snap, err := sc.s.Snapshot(ctx, SnapshotOptions{Vhost: sc.vhost, Kinds: TopologyKinds})
		must(t, err)
		must(t, tap.Follow(snap))
		if keys := tap.Keys("d"); !slices.Equal(keys, []string{"k2", "k3", "k4", "k5"}) {
			t.Errorf("after following a snapshot the tap has %q", keys)
		}
	})
}

// TestLiveTapRefusals: the default exchange, a missing exchange and an
// exchange type a binding would take messages from are refused.
func TestLiveTapRefusals(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-tap-refusals-"+randomHex(4))
		ctx := testCtx(t)
		for _, tc := range []struct {
			exchange, want string
		}{
			{"", "firehose"},
			{"nope", `no exchange "nope"`},
		} {
			if _, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{tc.exchange}}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("tap of %q: %v, want %q", tc.exchange, err, tc.want)
			}
		}
		if _, err := sc.s.Tap(ctx, TapOptions{}); err == nil {
			t.Error("a tap of nothing started")
		}
		if names := sc.queueNames(t); len(names) != 0 {
			t.Errorf("refused taps left queues %q", names)
		}
	})
}

// TestTappable: exchange types that hand a message to one binding (and
// so would lose messages to a tap) are refused.
func TestTappable(t *testing.T) {
	for typ, want := range map[string]bool{
		"direct": true, "fanout": true, "topic": true, "headers": true,
		"x-consistent-hash": false, "x-random": false, "x-local-random": false, "x-modulus-hash": false,
	} {
		if tappable(typ) != want {
			t.Errorf("tappable(%q) = %v", typ, !want)
		}
	}
	if k, args := catchAll("headers"); k != "" || len(args) != 0 {
		t.Errorf("headers catch-all %q %v", k, args)
	}
}

// TestStreamBatches: pushes made while the reader is busy come as one
// batch; a dropping stream keeps the newest and counts the rest; a
// stream ends at its count.
func TestStreamBatches(t *testing.T) {
	st := newStream(5, true, 0)
	close(st.ended) // no attach loop runs here
	defer st.Close()
	msg := func(i int) Message { return Message{RoutingKey: fmt.Sprint(i)} }
	for i := range 8 {
		st.push([]Message{msg(i)})
	}
	st.event(EventNote, "hello")
	b := <-st.Batches()
	if len(b.Messages) != 5 || b.Messages[0].RoutingKey != "3" || b.Dropped != 3 || len(b.Events) != 1 {
		t.Errorf("first batch: %d messages from %v, dropped %d, events %v", len(b.Messages), b.Messages[0].RoutingKey, b.Dropped, b.Events)
	}

	counted := newStream(0, false, 3)
	counted.push([]Message{msg(1), msg(2)})
	if counted.push([]Message{msg(3), msg(4)}) {
		t.Error("push past the count reports room")
	}
	if counted.ctx.Err() == nil {
		t.Error("the count did not stop the stream")
	}
	counted.finish(nil)
	var n int
	for b := range counted.Batches() {
		n += len(b.Messages)
	}
	if n != 3 || counted.Err() != nil {
		t.Errorf("counted stream gave %d messages, err %v", n, counted.Err())
	}
	close(counted.ended)
	_ = counted.Close()

	failed := newStream(0, false, 0)
	failed.finish(errors.New("boom"))
	for range failed.Batches() {
	}
	if failed.Err() == nil {
		t.Error("no error")
	}
	close(failed.ended)
	_ = failed.Close()
}

// TestLiveTapExact: a tap of an exchange with an alternate exchange, or
// one asked to be exact, binds like the exchange's own bindings, so what
// they do not match still goes to the alternate exchange or back to a
// mandatory publisher; a catch-all tap takes it instead, as documented.
func TestLiveTapExact(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-tap-exact-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("ae", "fanout", false, false, false, false, nil))
		sc.queue(t, "unrouted", "ae", "", nil)
		must(t, sc.ch.ExchangeDeclare("tx", "topic", false, false, false, false, amqp.Table{"alternate-exchange": "ae"}))
		sc.queue(t, "q1", "tx", "a.*", nil)
		sc.queue(t, "q2", "tx", "a.*", nil)
		must(t, sc.ch.ExchangeDeclare("hx", "headers", false, false, false, false, nil))
		sc.queue(t, "h1", "hx", "", amqp.Table{"x-match": "any", "a": "1", "b": "2"})

		tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{"tx"}})
		must(t, err)
		got := collect(tap.Batches())
		if ev := got.waitEvent(t, EventNote); !strings.Contains(ev.Text, "alternate exchange") {
			t.Errorf("note %q", ev.Text)
		}
		if keys := tap.Keys("tx"); !slices.Equal(keys, []string{"a.*"}) {
			t.Errorf("tap of tx bound with %q", keys)
		}
		sc.publish(t, "tx", "zzz", nil, "to the alternate exchange")
		sc.publish(t, "tx", "a.1", nil, "to q1")
		if keys := keysOf(got.wait(t, 1)); !slices.Equal(keys, []string{"a.1"}) {
			t.Errorf("tap saw %q", keys)
		}
		sc.waitDepth(t, "unrouted", 1)
		must(t, tap.Close())

		unmatched := Publishing{Exchange: "hx", Properties: model.Properties{Headers: model.Table{"c": model.String("3")}}}
		for _, exact := range []bool{true, false} {
			tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{"hx"}, Exact: exact})
			must(t, err)
			got := collect(tap.Batches())
			res, err := sc.s.Publish(ctx, unmatched, DefaultPublishOptions())
			must(t, err)
			if returned := res.Returned == 1; returned != exact {
				t.Errorf("exact %v: an unmatched mandatory message returned: %v", exact, returned)
			}
			sc.publish(t, "hx", "", amqp.Table{"b": "2"}, "to h1")
			want := []string{"to h1"}
			if !exact {
				want = []string{"", "to h1"}
			}
			if msgs := got.wait(t, len(want)); !slices.Equal(bodies(msgs), want) {
				t.Errorf("exact %v: tap saw %q", exact, bodies(msgs))
			}
			must(t, tap.Close())
		}
	})
}
