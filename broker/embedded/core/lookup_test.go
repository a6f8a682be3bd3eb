package core

import (
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

func TestLookupMatchesSnapshot(t *testing.T) {
	b, clk := newTestBroker(t, Options{})
	c := connect(t, b)
	v, _ := b.Vhost("/")
	c.exchange("x", model.ExchangeTopic, nil)
	if err := v.SetPolicy(model.Policy{Name: "ae", Pattern: "^x$", ApplyTo: "exchanges", Definition: model.Table{"alternate-exchange": model.String("alt")}}); err != nil {
		t.Fatal(err)
	}
	c.declare("q", model.Table{"x-expires": model.Long(1000)})
	c.bind("q", "x", "#")
	c.publish("x", "a", "m")
	c.consume("q", false)

	snap := v.Snapshot()
	q, cons, ok := v.QueueInfo("q")
	if !ok || len(cons) != 1 || q.Messages() != 1 || q.Unacked != 1 || q.Counters.Publish != 1 {
		t.Fatalf("QueueInfo = %+v %+v %v", q, cons, ok)
	}
	if q.Name != snap.Queues[0].Name || q.Counters != snap.Queues[0].Counters || cons[0].Tag != snap.Consumers[0].Tag {
		t.Errorf("QueueInfo differs from Snapshot: %+v vs %+v", q, snap.Queues[0])
	}
	x, ok := v.ExchangeInfo("x")
	if !ok || x.Policy != "ae" || x.PublishIn != 1 || x.PublishOut != 1 {
		t.Errorf("ExchangeInfo = %+v %v", x, ok)
	}
	if d, ok := v.ExchangeInfo(""); !ok || d.Policy != "" || !d.Builtin {
		t.Errorf("default exchange = %+v %v", d, ok)
	}
	if _, _, ok := v.QueueInfo("nope"); ok {
		t.Error("QueueInfo found a missing queue")
	}
	if _, ok := v.ExchangeInfo("nope"); ok {
		t.Error("ExchangeInfo found a missing exchange")
	}

	// Reading a queue is no use of it: an unused queue still expires.
	c.conn.Close()
	for range 5 {
		clk.Advance(300 * time.Millisecond)
		v.QueueInfo("q")
	}
	if _, _, ok := v.QueueInfo("q"); ok {
		t.Error("QueueInfo kept an unused queue from expiring")
	}
}
