package embedded

import (
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestMemoryAlarm: past the memory high watermark, a publishing
// connection gets connection.blocked and is not read until consumers make
// room; then connection.unblocked, and every publish goes through.
func TestMemoryAlarm(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{MemoryHighWatermark: 8 << 10})
	pubConn := dial(t, b)
	blocked := pubConn.NotifyBlocked(make(chan amqp.Blocking, 16))
	pub := openCh(t, pubConn)
	if _, err := pub.QueueDeclare("q", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := pub.Confirm(false); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 1024)
	const n = 20
	var dcs []*amqp.DeferredConfirmation
	for range n {
		dc, err := pub.PublishWithDeferredConfirmWithContext(ctxTimeout(t), "", "q", false, false, amqp.Publishing{Body: body})
		if err != nil {
			t.Fatal(err)
		}
		dcs = append(dcs, dc)
	}
	select {
	case bl := <-blocked:
		if !bl.Active || bl.Reason != "low on memory" {
			t.Fatalf("connection.blocked %+v", bl)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no connection.blocked past the watermark")
	}
	time.Sleep(100 * time.Millisecond)
	if dcs[n-1].Acked() {
		t.Fatal("the last publish was confirmed while the connection was blocked")
	}
	sub := openCh(t, dial(t, b))
	msgs, err := sub.Consume("q", "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		receive(t, msgs)
	}
	for i, dc := range dcs {
		if ok, err := dc.WaitContext(ctxTimeout(t)); !ok || err != nil {
			t.Fatalf("publish %d: %v %v", i, ok, err)
		}
	}
	unblocked := false
	for !unblocked {
		select {
		case bl := <-blocked:
			unblocked = !bl.Active
		case <-time.After(10 * time.Second):
			t.Fatal("no connection.unblocked")
		}
	}
	if b.Core().Blocked() {
		t.Fatal("still blocked with every message consumed")
	}
}
