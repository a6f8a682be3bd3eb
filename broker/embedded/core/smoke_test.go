package core

import "testing"

func TestSmoke(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	q := c.declare("q1", nil)
	res := c.publish("", q, "hello")
	if joined(res.Queues) != "q1" {
		t.Fatalf("queues %v", res.Queues)
	}
	c.consume("q1", false)
	ds := c.deliveries()
	if len(ds) != 1 || string(ds[0].Message.Body) != "hello" {
		t.Fatalf("got %+v", ds)
	}
	if err := c.ch.Ack(ds[0].DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	info := c.queueInfo("q1")
	if info.Ready != 0 || info.Unacked != 0 || info.Counters.Ack != 1 {
		t.Fatalf("info %+v", info)
	}
	if b.MemoryUsed() != 0 {
		t.Fatalf("memory %d", b.MemoryUsed())
	}
}
