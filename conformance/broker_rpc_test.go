package conformance

import (
	"context"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const replyTo = "amq.rabbitmq.reply-to"

// TestBrokerDirectReplyTo checks RPC over amq.rabbitmq.reply-to: the
// pseudo-queue a requester consumes without acks, the reply_to the server
// rewrites, and the errors for using it wrong.
func TestBrokerDirectReplyTo(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"round-trip", replyRoundTrip},
		{"consumer-must-be-no-ack", replyConsumerAck},
		{"publish-without-consumer", replyWithoutConsumer},
		{"passive-declare", replyPassiveDeclare},
		{"requester-gone", replyRequesterGone},
	})
}

// served is what the RPC server saw of one request.
type served struct {
	replyTo string
	// returned is the basic.return its mandatory reply got, if any.
	returned *amqp.Return
}

// rpcServer answers each request on queue "rpc" with "re: <body>" to its
// reply_to, mandatory and confirmed, on a connection of its own.
func rpcServer(t *testing.T, v *vhost) <-chan served {
	t.Helper()
	ch := openChannel(t, v.dial())
	v.queue(ch, "rpc", nil)
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	reqs := consume(t, ch, "rpc", true)
	out := make(chan served, 10)
	go func() {
		for d := range reqs {
			s := served{replyTo: d.ReplyTo}
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", d.ReplyTo, true, false, amqp.Publishing{
				CorrelationId: d.CorrelationId, Body: append([]byte("re: "), d.Body...),
			})
			if err == nil {
				_, _ = dc.WaitContext(ctx)
			}
			cancel()
			select {
			case r := <-returns:
				s.returned = &r
			default:
			}
			out <- s
		}
	}()
	return out
}

// request waits for the server to have answered a request.
func request(t *testing.T, served <-chan served) served {
	t.Helper()
	select {
	case s := <-served:
		if !strings.HasPrefix(s.replyTo, replyTo+".") || len(s.replyTo) <= len(replyTo)+1 {
			t.Fatalf("the server saw reply_to %q, want %s.<token>", s.replyTo, replyTo)
		}
		return s
	case <-time.After(wait):
		t.Fatal("the server got no request")
	}
	panic("unreachable")
}

// replyRoundTrip: the reply reaches the requester under the rewritten
// name. RabbitMQ 3.10 delivers it inside routing and then finds no queue,
// so a mandatory reply is also returned NO_ROUTE (and counted as an
// unroutable drop): rabbitmq/rabbitmq-server#6124.
func replyRoundTrip(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	srv := rpcServer(t, v)
	ch := v.ch()
	replies := consume(t, ch, replyTo, true)
	for _, corr := range []string{"c1", "c2"} {
		send(t, ch, "", "rpc", amqp.Publishing{ReplyTo: replyTo, CorrelationId: corr, Body: []byte(corr)})
		s := request(t, srv)
		d := next(t, replies)
		equal(t, "reply", []string{d.Exchange, d.RoutingKey, d.CorrelationId, string(d.Body)},
			[]string{"", s.replyTo, corr, "re: " + corr})
		if s.returned == nil {
			t.Fatal("the mandatory reply was not returned; RabbitMQ 3.10 returns it although it delivered it")
		}
		equal(t, "basic.return of the reply", []any{s.returned.ReplyCode, s.returned.ReplyText, s.returned.RoutingKey},
			[]any{uint16(amqp.NoRoute), "NO_ROUTE", s.replyTo})
	}
}

func replyConsumerAck(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	_, err := v.ch().Consume(replyTo, "", false, false, false, false, nil)
	wantChannelError(t, v.conn, "consume amq.rabbitmq.reply-to with acks", err, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - reply consumer cannot acknowledge")
}

func replyWithoutConsumer(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "rpc", nil)
	e := publishFails(t, v, "", "rpc", false, false, amqp.Publishing{ReplyTo: replyTo})
	wantChannelError(t, v.conn, "publish with reply_to amq.rabbitmq.reply-to without consuming it", e,
		amqp.PreconditionFailed, "PRECONDITION_FAILED - fast reply consumer does not exist")
}

// replyPassiveDeclare: clients that check the queue first find it, with
// one consumer.
func replyPassiveDeclare(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	q, err := v.ch().QueueDeclarePassive(replyTo, false, false, false, false, nil)
	if err != nil {
		t.Fatalf("passive declare of %s: %v", replyTo, err)
	}
	equal(t, "declare-ok", q, amqp.Queue{Name: replyTo, Consumers: 1})
}

// replyRequesterGone: a reply to a requester whose channel has closed is
// dropped; the replier's channel carries on.
func replyRequesterGone(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	srv := rpcServer(t, v)
	ch := v.ch()
	replies := consume(t, ch, replyTo, true)
	send(t, ch, "", "rpc", amqp.Publishing{ReplyTo: replyTo, Body: []byte("first")})
	s := request(t, srv)
	next(t, replies)
	_ = ch.Close()
	other := v.confirmCh()
	returns := other.NotifyReturn(make(chan amqp.Return, 1))
	if routed(t, other, returns, "", s.replyTo) {
		t.Fatalf("a reply to %s routed after its channel closed", s.replyTo)
	}
	publishConfirmed(t, other, "", s.replyTo, text("not mandatory"))
}
