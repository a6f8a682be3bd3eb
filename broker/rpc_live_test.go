package broker

import (
	"errors"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// responder serves queue "rpc" on a connection of its own: a request
// with reply_to gets "re: <body>" back with its correlation id; every
// request's body goes to got.
func (sc *scratch) responder(t *testing.T) <-chan string {
	t.Helper()
	admin, err := ParseURI(sc.r.amqpURL)
	must(t, err)
	conn, err := amqp.Dial(sc.r.url(t, admin.Username, admin.Password(), sc.vhost))
	must(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	must(t, err)
	ds, err := ch.Consume("rpc", "", true, false, false, false, nil)
	must(t, err)
	got := make(chan string, 16)
	go func() {
		for d := range ds {
			got <- string(d.Body)
			if d.ReplyTo == "" {
				continue
			}
			_ = ch.Publish("", d.ReplyTo, false, false, amqp.Publishing{
				CorrelationId: d.CorrelationId, ContentType: "text/plain", Body: []byte("re: " + string(d.Body)),
			})
		}
	}()
	return got
}

// TestLiveCallCast: a call gets its reply through direct reply-to or a
// private queue; a call nobody answers times out naming the queue waited
// on; unroutable requests fail; a cast arrives.
func TestLiveCallCast(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-rpc-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("svc", "topic", false, false, false, false, nil))
		sc.queue(t, "rpc", "svc", "compute", nil)
		sc.queue(t, "silent", "svc", "silent", nil)
		requests := sc.responder(t)

		for _, o := range []CallOptions{{}, {PrivateQueue: true}, {ReplyQueue: "my replies"}} {
			reply, err := sc.s.Call(ctx, Publishing{Exchange: "svc", RoutingKey: "compute", Body: []byte("ping")}, o)
			must(t, err)
			if string(reply.Body) != "re: ping" || reply.RTT <= 0 || reply.Properties.CorrelationID != reply.CorrelationID || len(reply.CorrelationID) != 32 {
				t.Errorf("%+v: reply %q rtt %s correlation %q/%q", o, reply.Body, reply.RTT, reply.Properties.CorrelationID, reply.CorrelationID)
			}
			switch {
			case o.ReplyQueue != "" && reply.ReplyTo != o.ReplyQueue,
				o.PrivateQueue && !strings.HasPrefix(reply.ReplyTo, "amq.gen-"),
				o == CallOptions{} && reply.ReplyTo != DirectReplyTo:
				t.Errorf("%+v: reply came on %q", o, reply.ReplyTo)
			}
			<-requests
		}

		start := time.Now()
		_, err := sc.s.Call(ctx, Publishing{Exchange: "svc", RoutingKey: "silent"}, CallOptions{Timeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), DirectReplyTo) || time.Since(start) < 300*time.Millisecond {
			t.Errorf("unanswered call: %v", err)
		}
		_, err = sc.s.Call(ctx, Publishing{Exchange: "svc", RoutingKey: "nobody"}, CallOptions{})
		if !errors.Is(err, ErrUnroutable) || !strings.Contains(err.Error(), "312 NO_ROUTE") {
			t.Errorf("unroutable call: %v", err)
		}

		res, err := sc.s.Cast(ctx, Publishing{Exchange: "svc", RoutingKey: "compute", Body: []byte("fire")})
		must(t, err)
		if res.Acked != 1 {
			t.Errorf("cast: %+v", res)
		}
		select {
		case got := <-requests:
			if got != "fire" {
				t.Errorf("the responder got %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the cast did not arrive")
		}
		if _, err := sc.s.Cast(ctx, Publishing{Exchange: "svc", RoutingKey: "nobody"}); !errors.Is(err, ErrUnroutable) {
			t.Errorf("unroutable cast: %v", err)
		}
	})
}
