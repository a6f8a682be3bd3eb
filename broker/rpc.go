package broker

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// DirectReplyTo is RabbitMQ's pseudo-queue for RPC replies: consume it
// without acks and name it in reply_to, and replies come straight back to
// the channel without a queue.
const DirectReplyTo = "amq.rabbitmq.reply-to"

// CallOptions say how to make an RPC call.
type CallOptions struct {
	// ReplyQueue, when set, is the name of a private reply queue
	// (exclusive, auto-delete) to declare and wait on, instead of direct
	// reply-to. PrivateQueue asks for one with a name the server picks.
	ReplyQueue   string
	PrivateQueue bool
	// Timeout bounds the wait for the reply; 0 means 30s.
	Timeout time.Duration
}

// Reply is the answer to a call.
type Reply struct {
	Message
	// RTT is from the publish of the request to the arrival of the reply.
	RTT time.Duration
	// ReplyTo is the queue the reply came on, and CorrelationID the
	// request's correlation id.
	ReplyTo       string
	CorrelationID string
	// Ignored counts the replies with another correlation id that came
	// first.
	Ignored int
}

// Call publishes a request with reply_to and a fresh correlation_id (or
// the one its properties carry) and waits for the reply. The request is
// mandatory and confirmed: a return fails with ErrUnroutable, a nack with
// ErrNacked, no reply in time with ErrTimeout naming the queue waited on.
func (s *Session) Call(ctx context.Context, p Publishing, o CallOptions) (*Reply, error) {
	if err := s.CheckWritable("call"); err != nil {
		return nil, err
	}
	ch, err := s.Channel()
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	closes := ch.NotifyClose(make(chan *amqp.Error, 1))
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	if err := ch.Confirm(false); err != nil {
		return nil, fmt.Errorf("cannot turn publisher confirms on: %w", err)
	}
	replyTo, how := DirectReplyTo, "direct reply-to"
	if o.PrivateQueue || o.ReplyQueue != "" {
		q, err := ch.QueueDeclare(o.ReplyQueue, false, true, true, false, nil)
		if err != nil {
			return nil, fmt.Errorf("cannot declare reply queue %q: %w", o.ReplyQueue, err)
		}
		replyTo, how = q.Name, "private reply queue"
	}
	replies, err := ch.Consume(replyTo, "", true, false, false, false, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot consume %s %q: %w", how, replyTo, err)
	}
	props := p.Properties
	props.ReplyTo = replyTo
	props.CorrelationID = cmp.Or(props.CorrelationID, newCorrelationID())
	props.Has |= model.HasReplyTo | model.HasCorrelationID
	timeout := cmp.Or(o.Timeout, 30*time.Second)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	start := time.Now()
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, p.Exchange, p.RoutingKey, true, false, publishingOf(props, p.Body))
	if err != nil {
		return nil, err
	}
	confirmed := dc.Done()
	ignored := 0
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case r := <-returns:
			return nil, unroutableError("call", p.Exchange, p.RoutingKey, r.ReplyCode, r.ReplyText)
		case <-confirmed:
			confirmed = nil
			if !dc.Acked() {
				if ch.IsClosed() {
					return nil, channelClosedError(closes, p.Exchange)
				}
				return nil, &Error{Kind: ErrNacked, Service: ServiceAMQP, Op: "call failed", Target: "exchange " + strconv.Quote(p.Exchange), Reason: "the broker nacked the request"}
			}
		case d, ok := <-replies:
			if !ok {
				return nil, channelClosedError(closes, p.Exchange)
			}
			if d.CorrelationId != "" && d.CorrelationId != props.CorrelationID {
				ignored++
				continue
			}
			return &Reply{
				Message: messageFromDelivery(&d, replyTo, 0), RTT: time.Since(start),
				ReplyTo: replyTo, CorrelationID: props.CorrelationID, Ignored: ignored,
			}, nil
		case <-timer.C:
			return nil, &Error{
				Kind: ErrTimeout, Service: ServiceAMQP, Op: "no reply", Target: how + " " + strconv.Quote(replyTo),
				Reason: fmt.Sprintf("nothing with correlation_id %s came within %s", props.CorrelationID, timeout),
				Fix:    "is a server consuming the queue the request went to? kaiten trace shows where it went",
			}
		}
	}
}

// Cast publishes a request and returns once the broker confirmed it: a
// return fails with ErrUnroutable, a nack with ErrNacked.
func (s *Session) Cast(ctx context.Context, p Publishing) (PublishResult, error) {
	res, err := s.Publish(ctx, p, DefaultPublishOptions())
	if err != nil {
		return res, err
	}
	if res.Returned > 0 {
		r := res.Returns[0]
		return res, unroutableError("cast", p.Exchange, p.RoutingKey, r.Code, r.Text)
	}
	if res.Nacked > 0 {
		return res, &Error{Kind: ErrNacked, Service: ServiceAMQP, Op: "cast failed", Target: "exchange " + strconv.Quote(p.Exchange), Reason: "the broker nacked the message"}
	}
	return res, nil
}

func unroutableError(op, exchange, key string, code uint16, text string) error {
	return &Error{
		Kind: ErrUnroutable, Service: ServiceAMQP, Op: op + " failed", Target: "exchange " + strconv.Quote(exchange),
		Reason: fmt.Sprintf("the broker returned the message: %d %s (routing key %q)", code, text, key),
		Fix:    "no queue is bound for it; kaiten trace explains why",
	}
}

// newCorrelationID returns 16 random bytes in hex.
func newCorrelationID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
