package conformance

import (
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerConsume checks delivery to consumers and basic.get:
// round-robin, prefetch, ack / nack / reject, requeue and redelivered,
// recover, cancel by the server, exclusive consumers.
func TestBrokerConsume(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"round-robin", consumeRoundRobin},
		{"prefetch-per-consumer", consumePrefetch},
		{"prefetch-global", consumePrefetchGlobal},
		{"ack-multiple", consumeAckMultiple},
		{"nack-multiple-requeue-order", consumeNackRequeueOrder},
		{"reject-requeue", consumeRejectRequeue},
		{"reject-no-requeue-dead-letters", consumeRejectDeadLetters},
		{"requeued-on-channel-close", consumeRequeuedOnClose},
		{"unknown-delivery-tag", consumeUnknownTag},
		{"recover", consumeRecover},
		{"get-and-get-empty", consumeGet},
		{"cancel", consumeCancel},
		{"server-cancel-on-queue-delete", consumeServerCancel},
		{"exclusive-consumer", consumeExclusive},
		{"consumer-tag-reused", consumeTagReused},
		{"missing-queue", consumeMissingQueue},
	})
}

// fill declares q and puts bodies m0..m(n-1) in it.
func fill(t *testing.T, v *vhost, q string, n int) {
	t.Helper()
	ch := v.confirmCh()
	v.queue(ch, q, nil)
	for i := range n {
		publishConfirmed(t, ch, "", q, text(fmt.Sprintf("m%d", i)))
	}
	_ = ch.Close()
}

func consumeRoundRobin(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	c1 := consume(t, v.ch(), "q", true)
	c2 := consume(t, v.ch(), "q", true)
	equal(t, "consumers", inspect(t, v.conn, "q").Consumers, 2)
	for i := range 6 {
		publishConfirmed(t, ch, "", "q", text(fmt.Sprintf("m%d", i)))
	}
	got1, _ := bodies(t, c1, 3)
	got2, _ := bodies(t, c2, 3)
	// Strict alternation; which consumer goes first is not asserted.
	odd, even := []string{"m1", "m3", "m5"}, []string{"m0", "m2", "m4"}
	if got1[0] == "m1" {
		odd, even = even, odd
	}
	equal(t, "first consumer", got1, even)
	equal(t, "second consumer", got2, odd)
}

func consumePrefetch(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 5)
	ch := v.ch()
	if err := ch.Qos(2, 0, false); err != nil {
		t.Fatal(err)
	}
	msgs := consume(t, ch, "q", false)
	got, ds := bodies(t, msgs, 2)
	equal(t, "first two", got, []string{"m0", "m1"})
	// Two unacked: the other three stay ready.
	equal(t, "ready", messages(t, v.conn, "q"), 3)
	select {
	case d := <-msgs:
		t.Fatalf("a third delivery %q past prefetch 2", d.Body)
	default:
	}
	if err := ds[0].Ack(false); err != nil {
		t.Fatal(err)
	}
	d := next(t, msgs)
	equal(t, "after one ack", string(d.Body), "m2")
	equal(t, "ready after one ack", messages(t, v.conn, "q"), 2)
}

// consumePrefetchGlobal: global=false limits each consumer, global=true
// the channel, and both apply together, but only in that order: RabbitMQ
// lifts the channel's limit when it gets a per-consumer basic.qos.
func consumePrefetchGlobal(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	for _, c := range []struct {
		name    string
		qos     [][2]int // prefetch count, global
		unacked int
	}{
		{"per-consumer 2 then channel 3", [][2]int{{2, 0}, {3, 1}}, 3},
		{"channel 3 then per-consumer 2", [][2]int{{3, 1}, {2, 0}}, 4},
	} {
		fill(t, v, "q", 10)
		ch := v.ch()
		for _, q := range c.qos {
			if err := ch.Qos(q[0], 0, q[1] == 1); err != nil {
				t.Fatal(err)
			}
		}
		a := consume(t, ch, "q", false)
		b := consume(t, ch, "q", false)
		for range c.unacked {
			select {
			case <-a:
			case <-b:
			case <-time.After(wait):
				t.Fatalf("%s: fewer than %d deliveries", c.name, c.unacked)
			}
		}
		equal(t, c.name+": ready", messages(t, v.conn, "q"), 10-c.unacked)
		_ = ch.Close()
		if _, err := v.ch().QueueDelete("q", false, false, false); err != nil {
			t.Fatal(err)
		}
	}
}

func consumeAckMultiple(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 4)
	ch := v.ch()
	_, ds := bodies(t, consume(t, ch, "q", false), 4)
	equal(t, "delivery tags", []uint64{ds[0].DeliveryTag, ds[3].DeliveryTag}, []uint64{1, 4})
	if err := ds[1].Ack(true); err != nil { // m0 and m1
		t.Fatal(err)
	}
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	got, ds := bodies(t, consume(t, v.ch(), "q", true), 2)
	equal(t, "requeued on close", got, []string{"m2", "m3"})
	equal(t, "redelivered", []bool{ds[0].Redelivered, ds[1].Redelivered}, []bool{true, true})
}

func consumeNackRequeueOrder(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 4)
	ch := v.ch()
	msgs := consume(t, ch, "q", false)
	_, ds := bodies(t, msgs, 4)
	for _, d := range ds {
		if d.Redelivered {
			t.Fatalf("%s redelivered on first delivery", d.Body)
		}
	}
	if err := ds[3].Nack(true, true); err != nil {
		t.Fatal(err)
	}
	got, ds := bodies(t, msgs, 4)
	equal(t, "requeued, in order", got, []string{"m0", "m1", "m2", "m3"})
	for i, d := range ds {
		equal(t, string(d.Body)+" tag and redelivered", []any{d.DeliveryTag, d.Redelivered}, []any{uint64(5 + i), true})
	}
	// nack without requeue (and no dead-letter exchange) drops them.
	if err := ds[3].Nack(true, false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the queue is empty", func() bool { return messages(t, v.conn, "q") == 0 })
}

func consumeRejectRequeue(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 2)
	ch := v.ch()
	if err := ch.Qos(1, 0, false); err != nil {
		t.Fatal(err)
	}
	msgs := consume(t, ch, "q", false)
	d := next(t, msgs)
	equal(t, "first", string(d.Body), "m0")
	if err := d.Reject(true); err != nil {
		t.Fatal(err)
	}
	// Requeued at its old place, the head, so it comes again before m1.
	d = next(t, msgs)
	equal(t, "after reject", []any{string(d.Body), d.Redelivered}, []any{"m0", true})
	if err := d.Ack(false); err != nil {
		t.Fatal(err)
	}
	d = next(t, msgs)
	equal(t, "then", []any{string(d.Body), d.Redelivered}, []any{"m1", false})
}

func consumeRejectDeadLetters(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "dead", nil)
	v.queue(ch, "q", amqp.Table{"x-dead-letter-exchange": ""})
	publishConfirmed(t, ch, "", "q", text("m"))
	if err := get(t, ch, "q").Reject(false); err != nil {
		t.Fatal(err)
	}
	// No x-dead-letter-routing-key: the original key "q" again.
	d := next(t, consume(t, v.ch(), "q", true))
	equal(t, "dead-lettered back to q", []any{d.Exchange, d.RoutingKey, d.Redelivered}, []any{"", "q", false})
	deaths, _ := d.Headers["x-death"].([]any)
	equal(t, "x-death entries", len(deaths), 1)
}

func consumeRequeuedOnClose(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 1)
	other := v.dial()
	d := next(t, consume(t, openChannel(t, other), "q", false))
	equal(t, "first delivery redelivered", d.Redelivered, false)
	_ = other.Close()
	d = next(t, consume(t, v.ch(), "q", false))
	equal(t, "after the connection closed", []any{string(d.Body), d.Redelivered}, []any{"m0", true})
}

func consumeUnknownTag(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 1)
	ch := v.ch()
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	d := get(t, ch, "q")
	if err := d.Ack(false); err != nil {
		t.Fatal(err)
	}
	if err := d.Ack(false); err != nil { // again
		t.Fatal(err)
	}
	wantChannelError(t, v.conn, "ack twice", closeReason(t, closed), amqp.PreconditionFailed,
		"PRECONDITION_FAILED - unknown delivery tag 1")
	ch = v.ch()
	closed = ch.NotifyClose(make(chan *amqp.Error, 1))
	if err := ch.Reject(42, true); err != nil {
		t.Fatal(err)
	}
	wantChannelError(t, v.conn, "reject a tag never delivered", closeReason(t, closed), amqp.PreconditionFailed,
		"PRECONDITION_FAILED - unknown delivery tag 42")
}

func consumeRecover(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 2)
	ch := v.ch()
	msgs := consume(t, ch, "q", false)
	got, _ := bodies(t, msgs, 2)
	equal(t, "delivered", got, []string{"m0", "m1"})
	if err := ch.Recover(true); err != nil {
		t.Fatal(err)
	}
	got, ds := bodies(t, msgs, 2)
	equal(t, "after basic.recover", got, []string{"m0", "m1"})
	equal(t, "redelivered", []bool{ds[0].Redelivered, ds[1].Redelivered}, []bool{true, true})
}

func consumeGet(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 3)
	ch := v.ch()
	d := get(t, ch, "q")
	equal(t, "first get", []any{string(d.Body), d.MessageCount, d.DeliveryTag, d.Redelivered, d.Exchange, d.RoutingKey},
		[]any{"m0", uint32(2), uint64(1), false, "", "q"})
	d, ok, err := ch.Get("q", true)
	if err != nil || !ok {
		t.Fatalf("get no-ack: %v %v", ok, err)
	}
	equal(t, "get no-ack", []any{string(d.Body), d.MessageCount, d.DeliveryTag}, []any{"m1", uint32(1), uint64(2)})
	if err := ch.Nack(1, false, true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "m0 requeued", func() bool { return messages(t, v.conn, "q") == 2 })
	d = get(t, ch, "q")
	equal(t, "get after requeue", []any{string(d.Body), d.MessageCount, d.Redelivered}, []any{"m0", uint32(1), true})
	d = get(t, ch, "q")
	equal(t, "last get", []any{string(d.Body), d.MessageCount}, []any{"m2", uint32(0)})
	if _, ok, err := ch.Get("q", false); err != nil || ok {
		t.Fatalf("get of an empty queue: ok %v, err %v; want get-empty", ok, err)
	}
	_, _, err = v.ch().Get("nope", false)
	wantChannelError(t, v.conn, "get from a missing queue", err, amqp.NotFound,
		"NOT_FOUND - no queue 'nope' in vhost '"+v.name+"'")
}

func consumeCancel(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 1)
	ch := v.ch()
	msgs, err := ch.Consume("q", "c", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	next(t, msgs)
	if err := ch.Cancel("c", false); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-msgs:
		if ok {
			t.Fatal("a delivery after basic.cancel")
		}
	case <-time.After(wait):
		t.Fatal("deliveries not closed after basic.cancel")
	}
	// The tag is free again.
	if _, err := ch.Consume("q", "c", true, false, false, false, nil); err != nil {
		t.Fatalf("consume again with the cancelled tag: %v", err)
	}
}

func consumeServerCancel(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 0)
	ch := v.ch()
	cancels := ch.NotifyCancel(make(chan string, 1))
	msgs, err := ch.Consume("q", "watcher", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.ch().QueueDelete("q", false, false, false); err != nil {
		t.Fatal(err)
	}
	select {
	case tag := <-cancels:
		equal(t, "cancelled consumer", tag, "watcher")
	case <-time.After(wait):
		t.Fatal("no basic.cancel from the server after its queue was deleted")
	}
	select {
	case _, ok := <-msgs:
		if ok {
			t.Fatal("a delivery after the server cancelled the consumer")
		}
	case <-time.After(wait):
		t.Fatal("deliveries not closed after the server's basic.cancel")
	}
	// Only the consumer went: the channel still works.
	if _, err := ch.QueueDeclare("q2", false, false, false, false, nil); err != nil {
		t.Fatalf("the channel after a server cancel: %v", err)
	}
}

func consumeExclusive(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 0)
	fill(t, v, "q2", 0)
	inUse := "ACCESS_REFUSED - queue 'q' in vhost '" + v.name + "' in exclusive use"
	if _, err := v.ch().Consume("q", "", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	_, err := v.ch().Consume("q", "", false, false, false, false, nil)
	wantChannelError(t, v.conn, "consume beside an exclusive consumer", err, amqp.AccessRefused, inUse)
	other := v.dial()
	_, err = openChannel(t, other).Consume("q", "", false, true, false, false, nil)
	wantChannelError(t, other, "a second exclusive consumer, from another connection", err, amqp.AccessRefused, inUse)
	// Exclusive beside an ordinary consumer is refused too.
	if _, err := v.ch().Consume("q2", "", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	_, err = v.ch().Consume("q2", "", false, true, false, false, nil)
	wantChannelError(t, v.conn, "exclusive beside a consumer", err, amqp.AccessRefused,
		"ACCESS_REFUSED - queue 'q2' in vhost '"+v.name+"' in exclusive use")
}

func consumeTagReused(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 0)
	conn := v.dial()
	ch := openChannel(t, conn)
	if _, err := ch.Consume("q", "c", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	_, err := ch.Consume("q", "c", false, false, false, false, nil)
	wantConnectionError(t, conn, "consume with a tag in use on the channel", err, amqp.NotAllowed,
		"NOT_ALLOWED - attempt to reuse consumer tag 'c'")
}

func consumeMissingQueue(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	_, err := v.ch().Consume("nope", "", false, false, false, false, nil)
	wantChannelError(t, v.conn, "consume from a missing queue", err, amqp.NotFound,
		"NOT_FOUND - no queue 'nope' in vhost '"+v.name+"'")
}
