package core

import (
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

func propsExpiration(ms string) model.Properties {
	return model.Properties{Expiration: ms, Has: model.HasExpiration}
}

// ttlSetup declares a dead-letter queue "dlq" fed through the default
// exchange, and the queue under test with the given arguments plus a DLX.
func ttlSetup(t *testing.T, args model.Table) (*client, *fakeClock) {
	b, clk := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("dlq", nil)
	if args == nil {
		args = model.Table{}
	}
	args["x-dead-letter-exchange"] = model.String("")
	args["x-dead-letter-routing-key"] = model.String("dlq")
	c.declare("q", args)
	return c, clk
}

func TestQueueTTLExpiresAndDeadLetters(t *testing.T) {
	c, clk := ttlSetup(t, table("x-message-ttl", 1000))
	c.publish("", "q", "m")
	clk.Advance(999 * time.Millisecond)
	if c.queueInfo("q").Ready != 1 {
		t.Fatal("expired early")
	}
	clk.Advance(time.Millisecond) // the timer fires: nothing consumes
	if c.queueInfo("q").Ready != 0 || c.queueInfo("dlq").Ready != 1 {
		t.Fatal("not expired on time")
	}
	d := c.get("dlq", true)
	death := d.Message.Properties.Headers["x-death"].Array[0].Table
	if death["reason"].Str != "expired" || death["queue"].Str != "q" {
		t.Fatalf("x-death %v", death)
	}
	if _, ok := death["original-expiration"]; ok {
		t.Fatal("no per-message TTL was set")
	}
}

func TestMessageTTLIsTheSmallerOfBoth(t *testing.T) {
	c, clk := ttlSetup(t, table("x-message-ttl", 1000))
	c.publishProps("", "q", propsExpiration("300"), "short")
	c.publishProps("", "q", propsExpiration("5000"), "queue-ttl")
	clk.Advance(300 * time.Millisecond)
	if got := c.queueInfo("q").Ready; got != 1 {
		t.Fatalf("ready %d after 300ms", got)
	}
	clk.Advance(700 * time.Millisecond)
	if got := c.queueInfo("q").Ready; got != 0 {
		t.Fatalf("ready %d after 1s", got)
	}
	d := c.get("dlq", true)
	if d.Message.Properties.Has&model.HasExpiration != 0 {
		t.Fatal("dead letter keeps its expiration")
	}
	if got := d.Message.Properties.Headers["x-death"].Array[0].Table["original-expiration"].Str; got != "300" {
		t.Fatalf("original-expiration %q", got)
	}
}

func TestOnlyTheHeadExpires(t *testing.T) {
	c, clk := ttlSetup(t, nil)
	c.publishProps("", "q", propsExpiration("1000"), "long")
	c.publishProps("", "q", propsExpiration("100"), "short")
	clk.Advance(200 * time.Millisecond)
	if got := c.queueInfo("q").Ready; got != 2 {
		t.Fatalf("ready %d: a message behind the head expired", got)
	}
	clk.Advance(800 * time.Millisecond)
	if got := c.queueInfo("q").Ready; got != 0 {
		t.Fatalf("ready %d", got)
	}
	if got := c.queueInfo("dlq").Ready; got != 2 {
		t.Fatalf("dead letters %d", got)
	}
}

func TestTTLZero(t *testing.T) {
	c, _ := ttlSetup(t, table("x-message-ttl", 0))
	c.publish("", "q", "nobody home")
	if c.queueInfo("q").Ready != 0 || c.queueInfo("dlq").Ready != 1 {
		t.Fatal("TTL 0 without a consumer must expire at once")
	}
	c.consume("q", true)
	c.publish("", "q", "someone home")
	if got := joined(bodies(c.deliveries())); got != "someone home" {
		t.Fatalf("TTL 0 with a consumer must deliver, got %q", got)
	}
}

func TestExpiredMessagesAreSkippedOnGet(t *testing.T) {
	c, clk := ttlSetup(t, nil)
	c.publishProps("", "q", propsExpiration("100"), "old")
	c.publish("", "q", "fresh")
	d := c.get("q", false) // the ack-mode delivery keeps its expiry
	if string(d.Message.Body) != "old" {
		t.Fatal(string(d.Message.Body))
	}
	clk.Advance(time.Second)
	if err := c.ch.Nack(d.DeliveryTag, false, true); err != nil {
		t.Fatal(err)
	}
	if got := c.get("q", true); got == nil || string(got.Message.Body) != "fresh" {
		t.Fatalf("get %+v", got)
	}
	if c.queueInfo("dlq").Ready != 1 {
		t.Fatal("the requeued expired message was not dead-lettered")
	}
}

func TestQueueExpires(t *testing.T) {
	b, clk := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("dlq", nil)
	c.declare("q", table("x-expires", 1000, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dlq"))
	c.publish("", "q", "lost with the queue")
	clk.Advance(900 * time.Millisecond)
	c.get("q", false) // a use: the clock restarts
	clk.Advance(900 * time.Millisecond)
	if c.ch.Vhost().lookupQueue("q") == nil {
		t.Fatal("expired although used")
	}
	tag := c.consume("q", false)
	clk.Advance(time.Hour)
	if c.ch.Vhost().lookupQueue("q") == nil {
		t.Fatal("expired although consumed")
	}
	if err := c.ch.Cancel(tag, false); err != nil {
		t.Fatal(err)
	}
	clk.Advance(999 * time.Millisecond)
	if c.ch.Vhost().lookupQueue("q") == nil {
		t.Fatal("expired early")
	}
	clk.Advance(time.Millisecond)
	if c.ch.Vhost().lookupQueue("q") != nil {
		t.Fatal("not expired")
	}
	if c.queueInfo("dlq").Ready != 0 {
		t.Fatal("an expiring queue must not dead-letter its messages")
	}
}

func TestTTLWithRealClock(t *testing.T) {
	b := New(Options{})
	c := connect(t, b)
	c.declare("q", table("x-message-ttl", 20))
	c.publish("", "q", "m")
	deadline := time.Now().Add(5 * time.Second)
	for c.queueInfo("q").Ready != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the TTL timer never fired")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
