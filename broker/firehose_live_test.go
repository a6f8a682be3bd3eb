package broker

import (
	"errors"
	"slices"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// TestLiveFirehose: with consent, a firehose tap turns tracing on, shows
// every publish with the queues the broker routed it to, agrees with
// kaiten's own route (alternate exchange, exchange-to-exchange, default
// exchange), and turns tracing off at the end. Without consent it asks.
func TestLiveFirehose(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-firehose-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("ae", "fanout", false, false, false, false, nil))
		sc.queue(t, "unrouted", "ae", "", nil)
		must(t, sc.ch.ExchangeDeclare("fx", "topic", false, false, false, false, amqp.Table{"alternate-exchange": "ae"}))
		sc.queue(t, "qa", "fx", "a.#", nil)
		must(t, sc.ch.ExchangeDeclare("fx2", "fanout", false, false, false, false, nil))
		must(t, sc.ch.ExchangeBind("fx2", "b.*", "fx", false, nil))
		sc.queue(t, "qb", "fx2", "", nil)
		sc.queue(t, "qab", "fx", "#.b", nil)

		if _, err := sc.s.Tap(ctx, TapOptions{Firehose: true}); !errors.Is(err, ErrTracingOff) {
			t.Fatalf("a firehose tap without consent: %v", err)
		}
		tap, err := sc.s.Tap(ctx, TapOptions{Firehose: true, EnableTracing: true})
		must(t, err)
		if !tap.TracingEnabled() || !sc.tracing(t) {
			t.Fatal("tracing is not on")
		}
		got := collect(tap.Batches())
		probes := []struct {
			exchange, key string
			routed        []string // the broker's routed_queues
		}{
			{"fx", "a.1", []string{"qa"}},
			{"fx", "b.x", []string{"qb"}},
			{"fx", "a.b", []string{"qa", "qab"}},
			{"fx", "c", []string{"unrouted"}},
			{"", "qa", []string{"qa"}},
			{"", "no such queue", []string{"no such queue"}},
		}
		for _, p := range probes {
			sc.publish(t, p.exchange, p.key, amqp.Table{"h": int32(1)}, "probe "+p.key)
		}
		msgs := got.wait(t, len(probes))
		for i, p := range probes {
			m := msgs[i]
			fi := m.Firehose
			routed := slices.Clone(fi.RoutedQueues)
			slices.Sort(routed)
			if m.Exchange != p.exchange || m.RoutingKey != p.key || string(m.Body) != "probe "+p.key ||
				!slices.Equal(routed, p.routed) || !m.Properties.Headers["h"].Equal(model.Value{Type: model.TypeSignedInt, Int: 1}) {
				t.Errorf("probe %s %q: got %s %q %q routed %q headers %v", p.exchange, p.key, m.Exchange, m.RoutingKey, m.Body, routed, m.Properties.Headers)
			}
			if !fi.Compared || fi.Differs() {
				t.Errorf("probe %s %q: compared %v (%s), predicted %q, missing %q, extra %q",
					p.exchange, p.key, fi.Compared, fi.NotCompared, fi.Predicted, fi.Missing, fi.Extra)
			}
		}
		tr, err := tap.Trace(msgs[1], model.TraceOptions{})
		must(t, err)
		if !slices.Equal(tr.Queues, []string{"qb"}) {
			t.Errorf("trace of %q: %+v", msgs[1].RoutingKey, tr)
		}
		must(t, tap.Close())
		if sc.tracing(t) {
			t.Error("tracing is still on after the tap that turned it on closed")
		}
		if names := sc.queueNames(t); len(names) != 4 {
			t.Errorf("queues after the tap: %q", names)
		}

		// Tracing somebody else turned on stays on.
		must(t, sc.r.admin.SetTracing(ctx, sc.vhost, true))
		tap, err = sc.s.Tap(ctx, TapOptions{Firehose: true, Exchanges: []string{"fx"}})
		must(t, err)
		if tap.TracingEnabled() {
			t.Error("the tap claims tracing it did not turn on")
		}
		got = collect(tap.Batches())
		sc.publish(t, "", "qa", nil, "not this one")
		sc.publish(t, "fx", "a.2", nil, "this one")
		if msgs := got.wait(t, 1); msgs[0].RoutingKey != "a.2" {
			t.Errorf("a tap of fx saw %s %q", msgs[0].Exchange, msgs[0].RoutingKey)
		}
		must(t, tap.Close())
		if !sc.tracing(t) {
			t.Error("the tap turned off tracing it had not turned on")
		}
		must(t, sc.r.admin.SetTracing(ctx, sc.vhost, false))
	})
}

// tracing reports whether tracing is on for the scratch vhost.
func (sc *scratch) tracing(t *testing.T) bool {
	t.Helper()
	v, err := sc.r.admin.Vhost(testCtx(t), sc.vhost)
	must(t, err)
	return v.Tracing
}

// TestFirehoseDifferences: routed queues that kaiten's route does not
// reach, and the reverse, are flagged; queues the broker named but that
// do not exist are not.
func TestFirehoseDifferences(t *testing.T) {
	v := model.Vhost{
		Name:      "/",
		Exchanges: []model.Exchange{{Name: "x", Type: "direct"}},
		Queues:    []model.Queue{{Name: "q1"}, {Name: "q2"}, {Name: "q3"}},
		Bindings: []model.Binding{
			{Source: "x", Destination: "q1", DestinationType: model.DestQueue, RoutingKey: "k"},
			{Source: "x", Destination: "q2", DestinationType: model.DestQueue, RoutingKey: "k"},
		},
	}
	c := &routeChecker{}
	r := model.NewRouter(v, model.Options{})
	qs := map[string]bool{"q1": true, "q2": true, "q3": true}
	for _, tc := range []struct {
		routed, missing, extra []string
	}{
		{[]string{"q2", "q1"}, nil, nil},
		{[]string{"q1", "q3"}, []string{"q3"}, []string{"q2"}},
		{[]string{"q1", "q2", "gone"}, nil, nil},
	} {
		m := Message{Exchange: "x", RoutingKey: "k", Firehose: &FirehoseInfo{RoutingKeys: []string{"k"}, RoutedQueues: tc.routed}}
		c.fill(r, qs, &m)
		fi := m.Firehose
		if !slices.Equal(fi.Missing, tc.missing) || !slices.Equal(fi.Extra, tc.extra) || fi.Differs() != (tc.missing != nil) {
			t.Errorf("routed %q: missing %q extra %q", tc.routed, fi.Missing, fi.Extra)
		}
	}
	keys, filter := traceKeys([]string{"a.b", ""})
	if !slices.Equal(keys, []string{"publish.a.b", "publish."}) || filter != nil {
		t.Errorf("trace keys %q %v", keys, filter)
	}
	keys, filter = traceKeys([]string{"a.*.b"})
	if !slices.Equal(keys, []string{"publish.#"}) || !filter["a.*.b"] {
		t.Errorf("trace keys of a wildcard name %q %v", keys, filter)
	}
}
