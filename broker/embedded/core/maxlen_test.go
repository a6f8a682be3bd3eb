package core

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestMaxLengthDropHead(t *testing.T) {
	c, _ := ttlSetup(t, table("x-max-length", 2))
	publishN(c, "q", 3)
	var got []string
	for d := c.get("q", true); d != nil; d = c.get("q", true) {
		got = append(got, string(d.Message.Body))
	}
	if joined(got) != "m1,m2" {
		t.Fatalf("kept %v", got)
	}
	d := c.get("dlq", true)
	if string(d.Message.Body) != "m0" || d.Message.Properties.Headers["x-death"].Array[0].Table["reason"].Str != "maxlen" {
		t.Fatalf("dead letter %+v", d.Message)
	}
}

func TestMaxLengthBytes(t *testing.T) {
	c, _ := ttlSetup(t, table("x-max-length-bytes", 10))
	for _, body := range []string{"aaaa", "bbbb", "cccc"} {
		c.publish("", "q", body)
	}
	info := c.queueInfo("q")
	if info.Ready != 2 || info.ReadyBytes != 8 {
		t.Fatalf("ready %d bytes %d", info.Ready, info.ReadyBytes)
	}
}

func TestMaxLengthZeroStillDeliversToAConsumer(t *testing.T) {
	c, _ := ttlSetup(t, table("x-max-length", 0))
	c.publish("", "q", "dropped")
	c.consume("q", true)
	c.publish("", "q", "delivered")
	if got := joined(bodies(c.deliveries())); got != "delivered" {
		t.Fatalf("got %q", got)
	}
	if c.queueInfo("dlq").Ready != 1 {
		t.Fatal("drop-head did not dead-letter")
	}
}

func TestRejectPublish(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.exchange("fan", "fanout", nil)
	c.declare("limited", table("x-max-length", 1, "x-overflow", "reject-publish"))
	c.declare("open", nil)
	c.bind("limited", "fan", "")
	c.bind("open", "fan", "")
	if err := c.ch.ConfirmSelect(); err != nil {
		t.Fatal(err)
	}
	first := c.publish("fan", "", "1")
	if first.Nacked || first.ConfirmTag != 1 {
		t.Fatalf("first %+v", first)
	}
	res, err := c.ch.Publish("fan", "", true, model.Properties{}, []byte("2"))
	if err != nil {
		t.Fatal(err)
	}
	// Refused by one queue: nacked, not returned; the other queue has it.
	if !res.Nacked || res.Returned || joined(res.Queues) != "limited,open" || res.ConfirmTag != 2 {
		t.Fatalf("second %+v", res)
	}
	if c.queueInfo("limited").Ready != 1 || c.queueInfo("open").Ready != 2 {
		t.Fatal("wrong contents")
	}
	if got := b.Counters().Confirm; got != 1 {
		t.Fatalf("confirm counter %d (nacks do not count)", got)
	}
}

func TestRejectPublishDLX(t *testing.T) {
	c, _ := ttlSetup(t, table("x-max-length", 1, "x-overflow", "reject-publish-dlx"))
	c.publish("", "q", "kept")
	res := c.publish("", "q", "refused")
	if !res.Nacked {
		t.Fatal("not nacked")
	}
	d := c.get("dlq", true)
	if string(d.Message.Body) != "refused" || d.Message.Properties.Headers["x-first-death-reason"].Str != "maxlen" {
		t.Fatalf("dead letter %+v", d)
	}
	if c.queueInfo("q").Ready != 1 {
		t.Fatal("queue lost its message")
	}
}
