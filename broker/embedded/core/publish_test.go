package core

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestDefaultExchangeRouting(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q1", nil)
	c.declare("q2", nil)
	c.declare("q3", nil)
	p := model.Properties{Headers: model.Table{"CC": ccHeader("q2", "ghost"), "BCC": ccHeader("q3")}, Has: model.HasHeaders}
	res, err := c.ch.Publish("", "q1", true, p, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	if joined(res.Routed) != "ghost,q1,q2,q3" || joined(res.Queues) != "q1,q2,q3" || res.Returned {
		t.Fatalf("routed %v queues %v", res.Routed, res.Queues)
	}
	for _, q := range []string{"q1", "q2", "q3"} {
		d := c.get(q, true)
		h := d.Message.Properties.Headers
		if d.Message.RoutingKey != "q1" || d.Message.Exchange != "" {
			t.Fatalf("%s: rk %q", q, d.Message.RoutingKey)
		}
		if _, ok := h["BCC"]; ok {
			t.Fatalf("%s: BCC delivered", q)
		}
		if joined(strs(h["CC"].Array)) != "q2,ghost" {
			t.Fatalf("%s: CC %v", q, h["CC"])
		}
	}
	if p.Headers["BCC"].Type != model.TypeArray {
		t.Fatal("the publisher's table was changed")
	}
}

func TestMandatoryAndUnroutable(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	res, err := c.ch.Publish("", "ghost", true, model.Properties{}, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Returned || len(res.Queues) != 0 || joined(res.Routed) != "ghost" {
		t.Fatalf("mandatory to a missing queue: %+v", res)
	}
	c.publish("amq.direct", "nothing-bound", "m")
	cv := b.Counters()
	if cv.ReturnUnroutable != 1 || cv.DropUnroutable != 1 || cv.Publish != 2 {
		t.Fatalf("counters %+v", cv)
	}
}

func TestAlternateAndE2ERouting(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.exchange("main", "direct", table("alternate-exchange", "alt"))
	c.exchange("alt", "fanout", nil)
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: "inner", Type: "topic", Internal: true}); err != nil {
		t.Fatal(err)
	}
	c.declare("known", nil)
	c.declare("unrouted", nil)
	c.declare("deep", nil)
	c.bind("known", "main", "k")
	c.bind("unrouted", "alt", "")
	if err := c.ch.ExchangeBind("inner", "main", "e2e", nil); err != nil {
		t.Fatal(err)
	}
	c.bind("deep", "inner", "#")
	cases := map[string]string{"k": "known", "zzz": "unrouted", "e2e": "deep"}
	for key, want := range cases {
		if got := joined(c.publish("main", key, "m").Queues); got != want {
			t.Errorf("key %q went to %q, want %q", key, got, want)
		}
	}
	snap := c.ch.Vhost().Snapshot()
	for _, x := range snap.Exchanges {
		if x.Name == "main" && (x.PublishIn != 3 || x.PublishOut != 3) {
			t.Fatalf("main counters in %d out %d", x.PublishIn, x.PublishOut)
		}
	}
	// A policy AE applies when the exchange has no argument.
	c.exchange("plain", "direct", nil)
	if err := c.ch.Vhost().SetPolicy(model.Policy{Name: "ae", Pattern: "^plain$", ApplyTo: "exchanges", Definition: table("alternate-exchange", "alt")}); err != nil {
		t.Fatal(err)
	}
	if got := joined(c.publish("plain", "x", "m").Queues); got != "unrouted" {
		t.Fatalf("policy AE: %q", got)
	}
}

func TestSnapshotBindings(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	c.bind("q", "amq.topic", "a.#")
	c.bind("q", "amq.topic", "a.#") // the same binding twice is one
	snap := c.ch.Vhost().Snapshot()
	if len(snap.Bindings) != 2 {
		t.Fatalf("bindings %+v", snap.Bindings)
	}
	implicit := snap.Bindings[0]
	if implicit.Source != "" || implicit.Destination != "q" || implicit.RoutingKey != "q" {
		t.Fatalf("implicit binding %+v", implicit)
	}
	if r := c.ch.Vhost().Router(); len(r.Route(model.Message{Exchange: "amq.topic", RoutingKey: "a.b"}).Queues) != 1 {
		t.Fatal("router does not see the binding")
	}
}

func TestMemoryWatermark(t *testing.T) {
	var alarms []bool
	b, _ := newTestBroker(t, Options{MemoryHighWatermark: 10, OnMemoryAlarm: func(on bool) { alarms = append(alarms, on) }})
	c := connect(t, b)
	c.declare("q1", nil)
	c.declare("q2", nil)
	p := model.Properties{Headers: model.Table{"CC": ccHeader("q2")}, Has: model.HasHeaders}
	c.publishProps("", "q1", p, "123456") // one body in two queues counts once
	if b.MemoryUsed() != 6 || b.Blocked() {
		t.Fatalf("used %d", b.MemoryUsed())
	}
	c.publish("", "q1", "123456")
	if !b.Blocked() {
		t.Fatal("not blocked above the watermark")
	}
	if _, err := c.ch.QueuePurge("q1"); err != nil {
		t.Fatal(err)
	}
	if b.Blocked() || b.MemoryUsed() != 6 {
		t.Fatalf("after purge: used %d blocked %v", b.MemoryUsed(), b.Blocked())
	}
	if joined([]string{boolStr(alarms[0]), boolStr(alarms[1])}) != "true,false" || len(alarms) != 2 {
		t.Fatalf("alarms %v", alarms)
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestQueueDeclareNeedsNoRebuild(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	v := c.ch.Vhost()
	c.publish("", "warm-up", "m")
	gen := v.gen.Load()
	name := c.declare("", nil)
	if v.gen.Load() != gen {
		t.Fatal("declaring an unbound queue changed the routing generation")
	}
	if got := joined(c.publish("", name, "m").Queues); got != name {
		t.Fatalf("published to %q", got)
	}
	if len(v.Router().Route(model.Message{Exchange: "", RoutingKey: name}).Queues) != 1 {
		t.Fatal("Router() does not know the new queue")
	}
	// An alternate exchange that is the default exchange needs the queue
	// names in the router: then declaring does rebuild.
	c.exchange("x", "direct", table("alternate-exchange", ""))
	c.publish("x", "nothing", "m")
	c.declare("late", nil)
	if got := joined(c.publish("x", "late", "m").Queues); got != "late" {
		t.Fatalf("AE to the default exchange reached %q", got)
	}
}
