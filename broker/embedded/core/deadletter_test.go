package core

import (
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

func ccHeader(keys ...string) model.Value {
	a := make([]model.Value, len(keys))
	for i, k := range keys {
		a[i] = model.String(k)
	}
	return model.Value{Type: model.TypeArray, Array: a}
}

// TestDeadLetterLive3108 replays the live RabbitMQ 3.10.8 example of
// semantics.md §2.10.
func TestDeadLetterLive3108(t *testing.T) {
	b, clk := newTestBroker(t, Options{Version: "3.10.8"})
	c := connect(t, b)
	c.exchange("dlx.x", "topic", nil)
	c.declare("dlx.sink", nil)
	c.bind("dlx.sink", "dlx.x", "#")
	c.declare("dlx.src", table("x-dead-letter-exchange", "dlx.x"))
	c.declare("dlx.ttl", table("x-dead-letter-exchange", "dlx.x", "x-dead-letter-routing-key", "ttl.rk", "x-message-ttl", 100))
	c.publishProps("", "dlx.src", model.Properties{Headers: model.Table{"CC": ccHeader("dlx.ttl")}, Has: model.HasHeaders}, "m")

	d := c.get("dlx.src", false)
	if err := c.ch.Reject(d.DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	got := c.get("dlx.sink", true)
	m := got.Message
	h := m.Properties.Headers
	if m.RoutingKey != "dlx.src" || m.Exchange != "dlx.x" || joined(strs(h["CC"].Array)) != "dlx.ttl" {
		t.Fatalf("rejected copy: rk %q exchange %q CC %v", m.RoutingKey, m.Exchange, h["CC"])
	}
	xd := h["x-death"].Array
	if len(xd) != 1 {
		t.Fatalf("x-death %v", xd)
	}
	death := xd[0].Table
	want := map[string]string{"reason": "rejected", "queue": "dlx.src", "exchange": ""}
	for k, v := range want {
		if death[k].Str != v || death[k].Type != model.TypeLongstr {
			t.Fatalf("x-death %s = %v, want %q", k, death[k], v)
		}
	}
	if !death["count"].Equal(model.Long(1)) || joined(strs(death["routing-keys"].Array)) != "dlx.src,dlx.ttl" {
		t.Fatalf("x-death count %v keys %v", death["count"], death["routing-keys"])
	}
	if death["time"].Type != model.TypeTimestamp || death["time"].Int != clk.Now().Unix() {
		t.Fatalf("x-death time %v", death["time"])
	}
	if h["x-first-death-queue"].Str != "dlx.src" || h["x-first-death-reason"].Str != "rejected" || h["x-first-death-exchange"].Str != "" {
		t.Fatalf("x-first-death %v", h)
	}
	if _, ok := h["x-last-death-queue"]; ok {
		t.Fatal("3.10.8 has no x-last-death-*")
	}

	clk.Advance(100 * time.Millisecond) // the dlx.ttl copy expires
	got = c.get("dlx.sink", true)
	m = got.Message
	h = m.Properties.Headers
	if m.RoutingKey != "ttl.rk" {
		t.Fatalf("expired copy rk %q", m.RoutingKey)
	}
	if _, ok := h["CC"]; ok {
		t.Fatal("a dead-letter routing key must remove CC")
	}
	death = h["x-death"].Array[0].Table
	if death["reason"].Str != "expired" || death["queue"].Str != "dlx.ttl" ||
		joined(strs(death["routing-keys"].Array)) != "dlx.src,dlx.ttl" {
		t.Fatalf("expired x-death %v", death)
	}
}

func TestDeathHistoryCountsAndReorders(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	// a and b dead-letter into each other through the default exchange.
	c.declare("a", table("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "b"))
	c.declare("b", table("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "a"))
	c.publish("", "a", "m")
	reject := func(q string) *Message {
		d := c.get(q, false)
		if d == nil {
			t.Fatalf("%s is empty", q)
		}
		if err := c.ch.Reject(d.DeliveryTag, false); err != nil {
			t.Fatal(err)
		}
		return d.Message
	}
	reject("a")
	reject("b")
	reject("a") // back to b with a's entry counted up and moved first
	m := c.get("b", true).Message
	h := m.Properties.Headers
	xd := h["x-death"].Array
	if len(xd) != 2 || xd[0].Table["queue"].Str != "a" || !xd[0].Table["count"].Equal(model.Long(2)) ||
		xd[1].Table["queue"].Str != "b" || !xd[1].Table["count"].Equal(model.Long(1)) {
		t.Fatalf("x-death %v", xd)
	}
	if h["x-first-death-queue"].Str != "a" || h["x-last-death-queue"].Str != "a" || h["x-last-death-reason"].Str != "rejected" {
		t.Fatalf("first/last death headers %v", h)
	}
}

func TestAutomaticDeadLetterCycleIsDropped(t *testing.T) {
	b, clk := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("a", table("x-message-ttl", 10, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "b"))
	c.declare("b", table("x-message-ttl", 10, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "a"))
	c.publish("", "a", "m")
	clk.Advance(10 * time.Millisecond) // a → b
	if c.queueInfo("b").Ready != 1 {
		t.Fatal("not dead-lettered to b")
	}
	clk.Advance(10 * time.Millisecond) // b → a would close an all-expired cycle
	if c.queueInfo("a").Ready != 0 || c.queueInfo("b").Ready != 0 {
		t.Fatal("cycle not cut")
	}
	// Back to itself is a cycle at once: the message would reach the
	// queue a second time with nothing but expiries in between.
	c.declare("self", table("x-message-ttl", 10, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "self"))
	c.publish("", "self", "m")
	clk.Advance(10 * time.Millisecond)
	if c.queueInfo("self").Ready != 0 {
		t.Fatal("expired back to itself must be dropped")
	}
	// A rejection in the cycle lets it through.
	c.publish("", "self", "r")
	d := c.get("self", false)
	if err := c.ch.Reject(d.DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	if c.queueInfo("self").Ready != 1 {
		t.Fatal("rejected back to itself must be kept")
	}
}

func TestDeadLetterRoutesWithAllOriginalKeys(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.exchange("dx", "direct", nil)
	c.declare("d1", nil)
	c.declare("d2", nil)
	c.bind("d1", "dx", "src")
	c.bind("d2", "dx", "hidden")
	c.declare("src", table("x-dead-letter-exchange", "dx"))
	c.declare("hidden", nil)
	res := c.publishProps("", "src", model.Properties{Headers: model.Table{"BCC": ccHeader("hidden")}, Has: model.HasHeaders}, "m")
	if joined(res.Queues) != "hidden,src" {
		t.Fatalf("queues %v", res.Queues)
	}
	d := c.get("src", false)
	if _, ok := d.Message.Properties.Headers["BCC"]; ok {
		t.Fatal("BCC delivered")
	}
	if err := c.ch.Nack(d.DeliveryTag, false, false); err != nil {
		t.Fatal(err)
	}
	// Without a dead-letter key the BCC key routes too; x-death leaves it out.
	for _, q := range []string{"d1", "d2"} {
		got := c.get(q, true)
		if got == nil {
			t.Fatalf("%s got nothing", q)
		}
		if keys := joined(strs(got.Message.Properties.Headers["x-death"].Array[0].Table["routing-keys"].Array)); keys != "src" {
			t.Fatalf("routing-keys %s", keys)
		}
	}
}

func TestMissingDeadLetterExchangeDrops(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", table("x-dead-letter-exchange", "nowhere"))
	c.publish("", "q", "m")
	d := c.get("q", false)
	if err := c.ch.Reject(d.DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	if b.MemoryUsed() != 0 || c.queueInfo("q").Ready != 0 {
		t.Fatal("dead letter kept somewhere")
	}
}

func TestPolicySetsDeadLettering(t *testing.T) {
	b, clk := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("dlq", nil)
	c.declare("work", table("x-message-ttl", 5000))
	if err := c.ch.Vhost().SetPolicy(model.Policy{
		Name: "dl", Pattern: "^work$", ApplyTo: "queues",
		Definition: table("dead-letter-exchange", "", "dead-letter-routing-key", "dlq", "message-ttl", 100),
	}); err != nil {
		t.Fatal(err)
	}
	c.publish("", "work", "m")
	clk.Advance(100 * time.Millisecond) // the smaller TTL wins
	if c.queueInfo("dlq").Ready != 1 {
		t.Fatal("policy not applied")
	}
	info := c.queueInfo("work")
	if info.Policy != "dl" || info.EffectivePolicy["dead-letter-routing-key"].Str != "dlq" {
		t.Fatalf("info %+v", info)
	}
	// A lower max-length applies at once.
	publishN(c, "work", 3)
	if err := c.ch.Vhost().SetPolicy(model.Policy{Name: "dl", Pattern: "^work$", Definition: table("max-length", 1)}); err != nil {
		t.Fatal(err)
	}
	if c.queueInfo("work").Ready != 1 {
		t.Fatal("max-length policy not applied at once")
	}
	if !c.ch.Vhost().DeletePolicy("dl") || len(c.ch.Vhost().Policies()) != 0 {
		t.Fatal("delete policy")
	}
	err := c.ch.Vhost().SetPolicy(model.Policy{Name: "bad", Pattern: "(", Definition: table("max-length", 1)})
	wantError(t, err, 406, "")
	err = c.ch.Vhost().SetPolicy(model.Policy{Name: "bad", Pattern: ".", Definition: table("overflow", "sideways")})
	wantError(t, err, 406, "")
}
