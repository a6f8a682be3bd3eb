package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestClientEndToEnd drives the broker with amqp091-go as an application
// would: declare and bind, publish with confirms (one routed, one
// returned), consume with acks, get, nack and requeue, and close.
func TestClientEndToEnd(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	conn := dial(t, b)
	ch := openCh(t, conn)
	if err := ch.ExchangeDeclare("orders", "topic", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare("eu", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind("eu", "order.eu.*", "orders", false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	publish := func(key string, body string) bool {
		t.Helper()
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctxTimeout(t), "orders", key, true, false,
			amqp.Publishing{ContentType: "text/plain", MessageId: body, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		ok, err := dc.WaitContext(ctxTimeout(t))
		if err != nil || !ok {
			t.Fatalf("confirm of %s: %v %v", body, ok, err)
		}
		select {
		case r := <-returns:
			if r.ReplyCode != 312 || r.ReplyText != "NO_ROUTE" || string(r.Body) != body || r.MessageId != body {
				t.Fatalf("basic.return %+v", r)
			}
			return false
		default:
			return true
		}
	}
	if !publish("order.eu.fr", "m1") || !publish("order.eu.de", "m2") {
		t.Fatal("a routed publish was returned")
	}
	if publish("order.us.ny", "lost") {
		t.Fatal("an unroutable mandatory publish was not returned before its ack")
	}

	d, ok, err := ch.Get("eu", false)
	if err != nil || !ok || string(d.Body) != "m1" || d.MessageCount != 1 || d.RoutingKey != "order.eu.fr" || d.Exchange != "orders" {
		t.Fatalf("basic.get: %+v %v %v", d, ok, err)
	}
	if err := d.Nack(false, true); err != nil {
		t.Fatal(err)
	}
	cons := openCh(t, conn)
	if err := cons.Qos(1, 0, false); err != nil {
		t.Fatal(err)
	}
	msgs, err := cons.Consume("eu", "c1", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		body        string
		redelivered bool
	}{{"m1", true}, {"m2", false}} {
		d := receive(t, msgs)
		if string(d.Body) != want.body || d.Redelivered != want.redelivered || d.ContentType != "text/plain" {
			t.Fatalf("delivery %d: %q redelivered %v", i, d.Body, d.Redelivered)
		}
		if err := d.Ack(false); err != nil {
			t.Fatal(err)
		}
	}
	if err := cons.Cancel("c1", false); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-msgs; ok {
		t.Fatal("a delivery after basic.cancel")
	}
	q, err := ch.QueueDeclarePassive("eu", false, false, false, false, nil)
	if err != nil || q.Messages != 0 || q.Consumers != 0 {
		t.Fatalf("queue after acks: %+v %v", q, err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
}

func receive(t *testing.T, msgs <-chan amqp.Delivery) amqp.Delivery {
	t.Helper()
	select {
	case d, ok := <-msgs:
		if !ok {
			t.Fatal("the consumer ended")
		}
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	panic("unreachable")
}

// TestClientChannelErrors: a channel error closes the channel only; a
// connection error closes the connection; other connections carry on.
func TestClientChannelErrors(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	conn := dial(t, b)
	_, err := openCh(t, conn).QueueDeclarePassive("nope", false, false, false, false, nil)
	var ae *amqp.Error
	if !errors.As(err, &ae) || ae.Code != 404 || ae.Reason != "NOT_FOUND - no queue 'nope' in vhost '/'" {
		t.Fatalf("passive declare of a missing queue: %v", err)
	}
	ch := openCh(t, conn) // the connection lives on
	if _, err := ch.QueueDeclare("q", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	other := dial(t, b)
	closed := other.NotifyClose(make(chan *amqp.Error, 1))
	err = openCh(t, other).ExchangeDeclare("x", "nosuchtype", false, false, false, false, nil)
	if !errors.As(err, &ae) || ae.Code != 503 {
		t.Fatalf("declare of an unknown exchange type: %v", err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the connection error did not close the connection")
	}
	if _, err := ch.QueueDeclarePassive("q", false, false, false, false, nil); err != nil {
		t.Fatalf("the first connection after another's error: %v", err)
	}
}

// TestClientLargeMessages: bodies over frame_max go in many body frames
// both ways, and a body over max_message_size is refused with 406 without
// being kept.
func TestClientLargeMessages(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{MaxMessageSize: 2 << 20})
	conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{FrameSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch := openCh(t, conn)
	if _, err := ch.QueueDeclare("big", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 1<<20+17)
	for i := range body {
		body[i] = byte(i * 31)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctxTimeout(t), "", "big", false, false, amqp.Publishing{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := dc.WaitContext(ctxTimeout(t)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	d, ok, err := ch.Get("big", true)
	if err != nil || !ok || !bytes.Equal(d.Body, body) {
		t.Fatalf("got %d bytes (%v %v), want the %d sent", len(d.Body), ok, err, len(body))
	}
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	if err := ch.Publish("", "big", false, false, amqp.Publishing{Body: make([]byte, 2<<20+1)}); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-closed:
		want := fmt.Sprintf("PRECONDITION_FAILED - message size %d is larger than configured max size %d", 2<<20+1, 2<<20)
		if e == nil || e.Code != 406 || e.Reason != want {
			t.Fatalf("oversized publish: %v", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("an oversized publish did not close the channel")
	}
	if conn.IsClosed() {
		t.Fatal("an oversized publish closed the connection")
	}
}

// TestClientTxAndReplyTo: transactions return unroutable mandatory
// publishes before commit-ok, and direct reply-to delivers to the
// requester.
func TestClientTxAndReplyTo(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	conn := dial(t, b)
	ch := openCh(t, conn)
	if err := ch.Tx(); err != nil {
		t.Fatal(err)
	}
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	if err := ch.Publish("", "nowhere", true, false, amqp.Publishing{Body: []byte("tx")}); err != nil {
		t.Fatal(err)
	}
	if err := ch.TxCommit(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-returns:
		if r.RoutingKey != "nowhere" || string(r.Body) != "tx" {
			t.Fatalf("basic.return %+v", r)
		}
	default:
		t.Fatal("no basic.return before tx.commit-ok")
	}

	srv := openCh(t, conn)
	if _, err := srv.QueueDeclare("rpc", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	reqs, err := srv.Consume("rpc", "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	cli := openCh(t, conn)
	replies, err := cli.Consume("amq.rabbitmq.reply-to", "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Publish("", "rpc", false, false, amqp.Publishing{ReplyTo: "amq.rabbitmq.reply-to", Body: []byte("ping")}); err != nil {
		t.Fatal(err)
	}
	req := receive(t, reqs)
	if err := srv.Publish("", req.ReplyTo, false, false, amqp.Publishing{Body: []byte("pong")}); err != nil {
		t.Fatal(err)
	}
	if d := receive(t, replies); string(d.Body) != "pong" {
		t.Fatalf("reply %q", d.Body)
	}
}
