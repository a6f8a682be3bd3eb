package core

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestFirehose(t *testing.T) {
	b, _ := newTestBroker(t, Options{Node: "rabbit@test"})
	c := connect(t, b)
	v := c.ch.Vhost()
	c.declare("trace", nil)
	c.bind("trace", TraceExchange, "#")
	c.declare("work", nil)
	c.publish("", "work", "untraced")
	v.SetTracing(true)
	p := model.Properties{
		ContentType: "text/plain", DeliveryMode: 2, Priority: 0,
		Headers: model.Table{"CC": ccHeader("ghost"), "BCC": ccHeader("work")},
		Has:     model.HasContentType | model.HasDeliveryMode | model.HasPriority | model.HasHeaders,
	}
	c.publishProps("", "work", p, "body")
	c.get("work", false)

	pub := c.get("trace", true)
	if pub.Message.RoutingKey != "publish." || string(pub.Message.Body) != "body" || pub.Message.Properties.Has != model.HasHeaders {
		t.Fatalf("publish event %+v", pub.Message)
	}
	h := pub.Message.Properties.Headers
	checks := map[string]string{"exchange_name": "", "node": "rabbit@test", "vhost": "/", "user": "guest", "connection": "127.0.0.1:5000 -> 127.0.0.1:5672"}
	for k, want := range checks {
		if h[k].Str != want || h[k].Type != model.TypeLongstr {
			t.Fatalf("%s = %v", k, h[k])
		}
	}
	if joined(strs(h["routing_keys"].Array)) != "work,ghost,work" || joined(strs(h["routed_queues"].Array)) != "ghost,work" {
		t.Fatalf("keys %v routed %v", h["routing_keys"], h["routed_queues"])
	}
	if h["channel"].Type != model.TypeSignedInt || h["channel"].Int != 1 {
		t.Fatalf("channel %v", h["channel"])
	}
	props := h["properties"].Table
	if props["content_type"].Str != "text/plain" || props["delivery_mode"].Int != 2 || props["delivery_mode"].Type != model.TypeSignedInt {
		t.Fatalf("properties %v", props)
	}
	if _, ok := props["priority"]; !ok {
		t.Fatal("a set priority of 0 is listed")
	}
	if _, ok := props["correlation_id"]; ok {
		t.Fatal("unset properties are left out")
	}
	if _, ok := props["headers"].Table["BCC"]; ok {
		t.Fatal("BCC leaked into properties")
	}

	// The first message was taken by get before: "untraced" delivery.
	del := c.get("trace", true)
	if del.Message.RoutingKey != "deliver.work" || string(del.Message.Body) != "untraced" {
		t.Fatalf("deliver event %+v", del.Message)
	}
	if dh := del.Message.Properties.Headers; dh["redelivered"].Int != 0 || dh["redelivered"].Type != model.TypeSignedInt {
		t.Fatalf("redelivered %v", dh["redelivered"])
	}
	if _, ok := del.Message.Properties.Headers["routed_queues"]; ok {
		t.Fatal("deliver events have no routed_queues")
	}
	// Getting from the trace queue itself is not traced.
	if d := c.get("trace", true); d != nil {
		t.Fatalf("traced a trace message: %s", d.Message.RoutingKey)
	}
	v.SetTracing(false)
	c.publish("", "work", "quiet")
	if d := c.get("trace", true); d != nil {
		t.Fatal("traced with tracing off")
	}
}
