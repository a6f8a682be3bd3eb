package broker

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
	amqp "github.com/rabbitmq/amqp091-go"
)

// oddNames are names that every path segment must survive.
const oddPrefix = "kaiten broker/#% "

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor polls until ok returns true or the time is up.
func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestLiveSnapshotSeesDeclaredTopology(t *testing.T) {
	r, vhost, s, ch := liveChannel(t)
	ctx := testCtx(t)

	must(t, ch.ExchangeDeclare("ex/#1 %", "topic", false, false, false, false, nil))
	must(t, ch.ExchangeDeclare("e2e dst", "direct", false, false, false, false, nil))
	must(t, ch.ExchangeDeclare("ae?x", "fanout", false, false, false, false, nil))
	for _, q := range []string{"q/1", "q#2", "q 3", "q%4", "q?5"} {
		_, err := ch.QueueDeclare(q, false, false, false, false, amqp.Table{"x-max-length": int32(1000)})
		must(t, err)
	}
	must(t, ch.QueueBind("q/1", "a.*", "ex/#1 %", false, nil))
	must(t, ch.ExchangeBind("e2e dst", "a.b", "ex/#1 %", false, nil))
	must(t, ch.QueueBind("q?5", "a.b", "e2e dst", false, nil))
	must(t, ch.QueueBind("q 3", "", "ae?x", false, nil))
	r.adminDo(t, http.MethodPut, apiPath("policies", vhost, "ae #1"), map[string]any{
		"pattern": "^ex/", "apply-to": "exchanges", "definition": map[string]any{"alternate-exchange": "ae?x"},
	})
	_, err := ch.Consume("q#2", "ctag 1", false, false, false, false, nil)
	must(t, err)

	var snap *Snapshot
	waitFor(t, "the policy, the consumer and the connection to show", 15*time.Second, func() bool {
		snap, err = s.Snapshot(ctx, SnapshotOptions{Vhost: vhost, Stats: true})
		must(t, err)
		x := findExchange(snap, vhost, "ex/#1 %")
		q := findQueue(snap, vhost, "q#2")
		return x != nil && x.Policy == "ae #1" && len(snap.Consumers) == 1 && len(snap.Connections) == 1 &&
			len(snap.Channels) >= 1 && q != nil && q.Consumers == 1
	})

	if snap.Vhost != vhost || len(snap.Vhosts) != 1 || snap.Vhosts[0].Name != vhost {
		t.Errorf("vhost %q, vhosts %+v", snap.Vhost, snap.Vhosts)
	}
	if x := findExchange(snap, vhost, "e2e dst"); x == nil || x.Type != "direct" {
		t.Errorf("exchange e2e dst: %+v", x)
	}
	if x := findExchange(snap, vhost, "amq.topic"); x == nil {
		t.Error("no amq.topic")
	}
	q := findQueue(snap, vhost, "q%4")
	if q == nil || q.Type != "classic" || q.State == "" || q.Arguments["x-max-length"].Int != 1000 {
		t.Errorf("queue q%%4: %+v", q)
	}
	if q := findQueue(snap, vhost, "q#2"); q == nil || q.Consumers != 1 {
		t.Errorf("queue q#2: %+v", q)
	}
	var e2e, implicit, declared int
	for _, b := range snap.Bindings {
		switch {
		case b.Implicit:
			implicit++
		case b.DestinationType == "exchange" && b.Destination == "e2e dst" && b.RoutingKey == "a.b":
			e2e++
		default:
			declared++
		}
	}
	if e2e != 1 || implicit != 5 || declared != 3 {
		t.Errorf("bindings: %d e2e, %d implicit, %d declared; %+v", e2e, implicit, declared, snap.Bindings)
	}
	if c := snap.Consumers[0]; c.Tag != "ctag 1" || c.Queue != "q#2" || c.Vhost != vhost || !c.AckRequired {
		t.Errorf("consumer %+v", c)
	}
	if c := snap.Connections[0]; c.ClientName != "kaiten" || c.Product != "kaiten" || c.Vhost != vhost {
		t.Errorf("connection %+v", c)
	}
	if len(snap.Policies) != 1 || snap.Policies[0].Name != "ae #1" || snap.Policies[0].ApplyTo != "exchanges" {
		t.Errorf("policies %+v", snap.Policies)
	}
	if snap.Overview.Version() == "" || snap.Overview.ObjectTotals.Queues < 5 {
		t.Errorf("overview %+v", snap.Overview)
	}

	defs, err := s.API().Definitions(ctx, vhost)
	must(t, err)
	if dv, ok := defs.Vhost(vhost); !ok || len(dv.Queues) != 5 || len(dv.Policies) != 1 {
		t.Errorf("definitions: %+v", defs)
	}

	// The cheap topology mode sees the same objects.
	topo, err := s.Snapshot(ctx, SnapshotOptions{Vhost: vhost, Kinds: TopologyKinds})
	must(t, err)
	if len(topo.Exchanges) != len(snap.Exchanges) || len(topo.Queues) != len(snap.Queues) ||
		len(topo.Bindings) != len(snap.Bindings) || topo.Connections != nil {
		t.Errorf("topology snapshot differs: %d/%d exchanges, %d/%d queues, %d/%d bindings",
			len(topo.Exchanges), len(snap.Exchanges), len(topo.Queues), len(snap.Queues), len(topo.Bindings), len(snap.Bindings))
	}
}

// liveChannel opens a session on a fresh scratch vhost, and a channel.
func liveChannel(t *testing.T) (*liveRabbit, string, *Session, *amqp.Channel) {
	t.Helper()
	r := live(t)
	vhost := r.vhost(t, oddPrefix)
	s := r.open(t, vhost)
	ch, err := s.Channel()
	must(t, err)
	t.Cleanup(func() { _ = ch.Close() })
	return r, vhost, s, ch
}

func findExchange(s *Snapshot, vhost, name string) *Exchange {
	i := slices.IndexFunc(s.Exchanges, func(x Exchange) bool { return x.Vhost == vhost && x.Name == name })
	if i < 0 {
		return nil
	}
	return &s.Exchanges[i]
}

func findQueue(s *Snapshot, vhost, name string) *Queue {
	i := slices.IndexFunc(s.Queues, func(q Queue) bool { return q.Vhost == vhost && q.Name == name })
	if i < 0 {
		return nil
	}
	return &s.Queues[i]
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(req)
}

func TestLivePaginationAndOddNames(t *testing.T) {
	_, vhost, s, ch := liveChannel(t)
	names := []string{"a/b", "c#d", "e f", "g%h", "i?j", "%2F", ".."}
	for _, n := range names {
		_, err := ch.QueueDeclare(n, false, false, false, false, nil)
		must(t, err)
	}

	ct := &countingTransport{next: http.DefaultTransport}
	api, err := NewAPI(s.Endpoints().API, TLSOptions{}, &http.Client{Transport: ct})
	must(t, err)
	ctx := testCtx(t)
	for _, stats := range []bool{false, true} {
		ct.n.Store(0)
		qs, err := api.Queues(ctx, vhost, ListOptions{PageSize: 2, Stats: stats})
		must(t, err)
		got := make([]string, 0, len(qs))
		for _, q := range qs {
			got = append(got, q.Name)
			if q.Vhost != vhost {
				t.Errorf("queue %q has vhost %q, want %q", q.Name, q.Vhost, vhost)
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(names))
		if !slices.Equal(got, want) {
			t.Errorf("stats=%v: queues %q, want %q", stats, got, want)
		}
		if n := ct.n.Load(); n != 4 {
			t.Errorf("stats=%v: %d requests for 7 queues in pages of 2, want 4", stats, n)
		}
	}
	xs, err := api.Exchanges(ctx, vhost, ListOptions{PageSize: 2})
	must(t, err)
	if len(xs) != 7 {
		t.Errorf("%d exchanges in pages of 2, want the 7 built-in ones", len(xs))
	}
	v, err := api.Vhost(ctx, vhost)
	if err != nil || v.Name != vhost {
		t.Errorf("vhost %q read back as %+v, %v", vhost, v, err)
	}
	bs, err := api.Bindings(ctx, vhost)
	must(t, err)
	if len(bs) != len(names) {
		t.Errorf("%d bindings, want the %d implicit ones", len(bs), len(names))
	}
	for _, b := range bs {
		if !b.Implicit || b.RoutingKey != b.Destination {
			t.Errorf("binding %+v is not an implicit default-exchange binding", b)
		}
	}
}

func TestLivePollerDiffsAndRates(t *testing.T) {
	_, vhost, s, ch := liveChannel(t)
	must(t, ch.ExchangeDeclare("rates x", "fanout", false, false, false, false, nil))
	for _, q := range []string{"kept", "doomed"} {
		_, err := ch.QueueDeclare(q, false, false, false, false, nil)
		must(t, err)
		must(t, ch.QueueBind(q, "", "rates x", false, nil))
	}

	ctx := testCtx(t)
	p := s.Poll(ctx, PollOptions{Snapshot: SnapshotOptions{Vhost: vhost, Stats: true}, Interval: time.Second})
	defer p.Stop()
	next := func() Update {
		t.Helper()
		select {
		case u := <-p.Updates():
			must(t, u.Err)
			return u
		case <-ctx.Done():
			t.Fatal("no update")
		}
		return Update{}
	}
	first := next()
	if len(first.Diff.Queues.Added) != 2 || len(first.Diff.Exchanges.Added) != 8 ||
		slices.ContainsFunc(first.Rates.Queues, func(r Rates) bool { return !r.Empty() }) {
		t.Fatalf("first update: %d queues added, %d exchanges added, rates %v",
			len(first.Diff.Queues.Added), len(first.Diff.Exchanges.Added), first.Rates)
	}

	_, err := ch.QueueDelete("doomed", false, false, false)
	must(t, err)
	_, err = ch.QueueDeclare("born", false, false, false, false, nil)
	must(t, err)
	var added, removed bool
	for !added || !removed {
		u := next()
		d := u.Diff.Queues
		added = added || slices.ContainsFunc(d.Added, func(q Queue) bool { return q.Name == "born" })
		removed = removed || slices.ContainsFunc(d.Removed, func(q Queue) bool { return q.Name == "doomed" })
		if len(d.Added) > 1 || len(d.Removed) > 1 || slices.ContainsFunc(d.Changed, func(q Queue) bool { return q.Name == "born" }) {
			t.Fatalf("diff reports more than happened: %+v", d)
		}
	}

	// Publish steadily until kaiten's own rates see the flow.
	pubCtx, stop := context.WithCancel(ctx)
	defer stop()
	var published atomic.Int64
	start := time.Now()
	go func() {
		pch, err := s.Channel()
		if err != nil {
			return
		}
		defer pch.Close()
		for pubCtx.Err() == nil {
			if pch.PublishWithContext(pubCtx, "rates x", "", false, false, amqp.Publishing{Body: []byte("x")}) == nil {
				published.Add(1)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	key := ObjectKey{vhost, "kept"}
	var changed bool
	for {
		u := next()
		changed = changed || slices.ContainsFunc(u.Diff.Queues.Changed, func(q Queue) bool { return q.Name == "kept" })
		if u.Rates == nil {
			continue
		}
		qr := u.Rates.Queue(key)
		xr := u.Rates.Exchange(ObjectKey{vhost, "rates x"})
		if qr.Value(StatPublish) > 0 && xr.Value(StatPublishIn) > 0 && u.Rates.Totals.Value(StatPublish) > 0 && qr.Value(StatMessages) > 0 {
			want := float64(published.Load()) / time.Since(start).Seconds()
			for name, got := range map[string]float64{
				"queue publish": qr.Value(StatPublish), "queue growth": qr.Value(StatMessages),
				"exchange publish_in": xr.Value(StatPublishIn), "vhost publish": u.Rates.Totals.Value(StatPublish),
			} {
				if got < want/2 || got > want*1.5 {
					t.Errorf("%s rate %.1f/s, but %.1f/s were published", name, got, want)
				}
			}
			break
		}
	}
	if !changed {
		t.Error("queue kept never showed as changed while messages poured in")
	}
}

// TestLiveRouterMatchesBroker publishes probes on a live topology and
// checks that the model, built from a snapshot, routes each one where the
// broker did.
func TestLiveRouterMatchesBroker(t *testing.T) {
	r, vhost, s, ch := liveChannel(t)
	for name, typ := range map[string]string{"t": "topic", "h": "headers", "f": "fanout", "d": "direct", "ae": "fanout", "e2e": "topic"} {
		must(t, ch.ExchangeDeclare(name, typ, false, false, false, false, nil))
	}
	binds := []struct {
		q, x, key string
		args      amqp.Table
	}{
		{"q.a", "t", "a.*", nil},
		{"q.hash", "t", "#.z", nil},
		{"q.h.all", "h", "", amqp.Table{"x-match": "all", "k": int32(1), "j": "x"}},
		{"q.h.any", "h", "", amqp.Table{"x-match": "any", "k": int32(2), "j": "y"}},
		{"q.f", "f", "", nil},
		{"q.d", "d", "k1", nil},
		{"q.e2e", "e2e", "#", nil},
		{"q.ae", "ae", "", nil},
	}
	for _, b := range binds {
		_, err := ch.QueueDeclare(b.q, false, false, false, false, nil)
		must(t, err)
		must(t, ch.QueueBind(b.q, b.key, b.x, false, b.args))
	}
	must(t, ch.ExchangeBind("e2e", "a.#", "t", false, nil))
	r.adminDo(t, http.MethodPut, apiPath("policies", vhost, "ae"), map[string]any{
		"pattern": "^t$", "apply-to": "exchanges", "definition": map[string]any{"alternate-exchange": "ae"},
	})
	ctx := testCtx(t)
	var snap *Snapshot
	waitFor(t, "the policy to reach the exchange", 10*time.Second, func() bool {
		var err error
		snap, err = s.Snapshot(ctx, SnapshotOptions{Vhost: vhost, Kinds: TopologyKinds, Stats: true})
		must(t, err)
		x := findExchange(snap, vhost, "t")
		return x != nil && x.Policy == "ae"
	})
	router, err := snap.Router(vhost)
	must(t, err)
	if w := router.Warnings(); len(w) > 0 {
		t.Errorf("router warnings: %v", w)
	}

	probes := []struct {
		x, key  string
		headers amqp.Table
	}{
		{"t", "a.b", nil},
		{"t", "x.y.z", nil},
		{"t", "nothing", nil},
		{"t", "a.z", nil},
		{"h", "", amqp.Table{"k": int32(1), "j": "x"}},
		{"h", "", amqp.Table{"k": int32(2)}},
		{"h", "", amqp.Table{"k": int32(1)}},
		{"f", "any", nil},
		{"d", "k1", nil},
		{"d", "k2", nil},
		{"", "q.d", nil},
		{"", "nope", nil},
	}
	must(t, ch.Confirm(false))
	for i, p := range probes {
		conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, p.x, p.key, false, false,
			amqp.Publishing{MessageId: strconv.Itoa(i), Headers: p.headers})
		must(t, err)
		if ok, err := conf.WaitContext(ctx); !ok || err != nil {
			t.Fatalf("probe %d not confirmed: %v", i, err)
		}
	}
	got := make([][]string, len(probes))
	for _, q := range snap.Queues {
		for {
			m, ok, err := ch.Get(q.Name, true)
			must(t, err)
			if !ok {
				break
			}
			i, _ := strconv.Atoi(m.MessageId)
			got[i] = append(got[i], q.Name)
		}
	}
	for i, p := range probes {
		headers := model.Table{}
		for k, v := range p.headers {
			switch v := v.(type) {
			case int32:
				headers[k] = model.Long(int64(v))
			case string:
				headers[k] = model.String(v)
			}
		}
		want := router.Route(model.Message{Exchange: p.x, RoutingKey: p.key, Headers: headers}).Queues
		slices.Sort(got[i])
		if !slices.Equal(got[i], want) {
			t.Errorf("probe %d (%q %q %v): broker routed to %q, model to %q", i, p.x, p.key, p.headers, got[i], want)
		}
	}
}
