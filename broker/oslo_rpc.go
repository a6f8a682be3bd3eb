package broker

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// OsloReplyExpires is the x-expires oslo.messaging gives its reply queues:
// 30 minutes, in milliseconds.
const OsloReplyExpires = 1800000

// OsloDefaultTimeout is oslo.messaging's rpc_response_timeout.
const OsloDefaultTimeout = 60 * time.Second

// OsloCallOptions say how to make an oslo.messaging call.
type OsloCallOptions struct {
	Target  model.OsloTarget
	Request model.OsloRequest
	// Timeout bounds the wait for the reply and is sent as the request's
	// expiration; 0 means OsloDefaultTimeout.
	Timeout time.Duration
	// CallMonitor is oslo's call_monitor_timeout, sent as _timeout: the
	// server then sends a heartbeat every half of it while the method
	// runs, and the call fails when neither a heartbeat nor the reply
	// comes within it. 0 sends null, as oslo does by default; oslo's
	// servers ignore less than 2 s.
	CallMonitor time.Duration
}

// OsloReply is the answer to an oslo call: a result, or the remote
// exception.
type OsloReply struct {
	Result  model.PyValue
	Failure *model.RemoteError
	// RTT is from the publish of the request to the final reply.
	RTT time.Duration
	// ReplyQueue is the reply_<uuid> queue waited on, MsgID the call's
	// _msg_id, Heartbeats how many call-monitor heartbeats came first.
	ReplyQueue string
	MsgID      string
	Heartbeats int
	Ignored    int // replies to other calls
}

// OsloCall makes an oslo.messaging call as the rabbit driver does: it
// declares a reply_<uuid> queue (not durable, not auto-delete, not
// exclusive, x-expires 30 min) and consumes it, makes sure the control
// exchange exists, publishes the request with oslo's properties (the
// timeout as expiration) and waits for the final reply with its _msg_id.
// Heartbeats keep waiting. No reply in time fails with ErrTimeout naming
// the queue waited on. The reply queue is deleted afterwards.
func (s *Session) OsloCall(ctx context.Context, o OsloCallOptions) (*OsloReply, error) {
	if err := s.CheckWritable("call"); err != nil {
		return nil, err
	}
	if o.Target.Fanout {
		return nil, errors.New("a call cannot be a fanout: fanout is for casts")
	}
	timeout := cmp.Or(o.Timeout, OsloDefaultTimeout)
	exchange, key := o.Target.Route()
	if err := s.ensureOsloExchange(ctx, exchange, "topic"); err != nil {
		return nil, err
	}
	replyQ, err := model.NewOsloReplyQueue(rand.Reader)
	if err != nil {
		return nil, err
	}
	msg, err := model.NewOsloCall(o.Request, replyQ, o.CallMonitor, rand.Reader)
	if err != nil {
		return nil, err
	}
	ch, err := s.Channel()
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	closes := ch.NotifyClose(make(chan *amqp.Error, 1))
	if err := ch.Confirm(false); err != nil {
		return nil, fmt.Errorf("cannot turn publisher confirms on: %w", err)
	}
	if _, err := ch.QueueDeclare(replyQ, false, false, false, false, amqp.Table{"x-expires": int32(OsloReplyExpires)}); err != nil {
		return nil, fmt.Errorf("cannot declare reply queue %q: %w", replyQ, err)
	}
	defer func() {
		if dch, err := s.Channel(); err == nil {
			_, _ = dch.QueueDelete(replyQ, false, false, false)
			_ = dch.Close()
		}
	}()
	replies, err := ch.Consume(replyQ, "", true, false, false, false, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot consume reply queue %q: %w", replyQ, err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var monitor <-chan time.Time
	var monitorTimer *time.Timer
	if o.CallMonitor > 0 {
		monitorTimer = time.NewTimer(o.CallMonitor)
		defer monitorTimer.Stop()
		monitor = monitorTimer.C
	}
	start := time.Now()
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, false, false,
		publishingOf(model.OsloProperties(model.OsloCall, timeout), msg.Encode()))
	if err != nil {
		return nil, err
	}
	confirmed := dc.Done()
	r := &OsloReply{ReplyQueue: replyQ, MsgID: msg.MsgID}
	var partial *model.PyValue
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-confirmed:
			confirmed = nil
			if !dc.Acked() {
				if ch.IsClosed() {
					return nil, channelClosedError(closes, exchange)
				}
				return nil, &Error{Kind: ErrNacked, Service: ServiceAMQP, Op: "call failed", Target: "exchange " + strconv.Quote(exchange), Reason: "the broker nacked the request"}
			}
		case d, ok := <-replies:
			if !ok {
				return nil, channelClosedError(closes, exchange)
			}
			m, err := model.DecodeOsloDelivery(propertiesOf(amqpProperties{contentType: d.ContentType, contentEncoding: d.ContentEncoding, headers: d.Headers}), d.Body)
			if err != nil || m.MsgID != msg.MsgID {
				r.Ignored++
				continue
			}
			switch {
			case m.Kind == model.OsloHeartbeat:
				r.Heartbeats++
				if monitorTimer != nil {
					monitorTimer.Reset(o.CallMonitor)
				}
				continue
			case m.Kind == model.OsloReply && m.Failure != nil:
				r.Failure, r.RTT = m.Failure, time.Since(start)
				return r, nil
			case m.Kind == model.OsloReply && !m.Ending: // a pre-Newton server's first reply
				res := m.Result
				partial = &res
				continue
			}
			r.Result, r.RTT = m.Result, time.Since(start)
			if r.Result.IsNull() && partial != nil {
				r.Result = *partial
			}
			return r, nil
		case <-monitor:
			return nil, &Error{
				Kind: ErrTimeout, Service: ServiceAMQP, Op: "no heartbeat", Target: "reply queue " + strconv.Quote(replyQ),
				Reason: fmt.Sprintf("neither a heartbeat nor the reply to _msg_id %s came within the call monitor's %s (%d heartbeat(s) before; the request went to exchange %q with routing key %q%s)",
					msg.MsgID, o.CallMonitor, r.Heartbeats, exchange, key, s.osloServerQueueState(key)),
				Fix: osloServerFix(o.Target),
			}
		case <-timer.C:
			return nil, &Error{
				Kind: ErrTimeout, Service: ServiceAMQP, Op: "no reply", Target: "reply queue " + strconv.Quote(replyQ),
				Reason: fmt.Sprintf("no reply to _msg_id %s came within %s (the request went to exchange %q with routing key %q%s)",
					msg.MsgID, timeout, exchange, key, s.osloServerQueueState(key)),
				Fix: osloServerFix(o.Target),
			}
		}
	}
}

// osloServerQueueState tells, for a call that got no reply, how the RPC
// server's queue (named like the routing key) stands: missing, without a
// consumer, or consumed. It says nothing when it cannot find out.
func (s *Session) osloServerQueueState(queue string) string {
	ch, err := s.Channel()
	if err != nil {
		return ""
	}
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	var ae *amqp.Error
	switch {
	case errors.As(err, &ae) && ae.Code == amqp.NotFound:
		return fmt.Sprintf("; queue %q does not exist, so the broker dropped the request", queue)
	case err != nil:
		return ""
	case q.Consumers == 0:
		return fmt.Sprintf("; queue %q has no consumer, and the request waits there", queue)
	}
	return fmt.Sprintf("; queue %q has %d consumer(s), none of which answered", queue, q.Consumers)
}

// osloServerFix is the advice for a call without a reply.
func osloServerFix(t model.OsloTarget) string {
	who := "an RPC server of topic " + strconv.Quote(t.Topic)
	if t.Server != "" {
		who = "RPC server " + strconv.Quote(t.Server) + " of topic " + strconv.Quote(t.Topic)
	}
	return "is " + who + " running on this vhost and control exchange? a slow method needs a longer --timeout; kaiten trace shows where the request went"
}

// OsloCast publishes a cast (a fanout cast when the target says so) with
// oslo's properties and returns once the broker confirmed it. The message
// is mandatory: a cast no queue takes fails with ErrUnroutable.
func (s *Session) OsloCast(ctx context.Context, t model.OsloTarget, req model.OsloRequest) (Publishing, PublishResult, error) {
	if err := s.CheckWritable("cast"); err != nil {
		return Publishing{}, PublishResult{}, err
	}
	exchange, key := t.Route()
	typ := "topic"
	if t.Fanout {
		typ = "fanout"
	}
	if err := s.ensureOsloExchange(ctx, exchange, typ); err != nil {
		return Publishing{}, PublishResult{}, err
	}
	msg, err := model.NewOsloCast(req, rand.Reader)
	if err != nil {
		return Publishing{}, PublishResult{}, err
	}
	p := Publishing{Exchange: exchange, RoutingKey: key, Properties: model.OsloProperties(model.OsloCast, 0), Body: msg.Encode()}
	res, err := s.Cast(ctx, p)
	return p, res, err
}

// OsloNotify publishes a notification to <topic>.<priority> on the
// control exchange, confirmed and mandatory.
func (s *Session) OsloNotify(ctx context.Context, exchange, topic string, n model.OsloNotificationSpec) (Publishing, PublishResult, error) {
	if err := s.CheckWritable("notify"); err != nil {
		return Publishing{}, PublishResult{}, err
	}
	if exchange == "" {
		exchange = model.OsloDefaultExchange
	}
	if n.Time.IsZero() {
		n.Time = time.Now()
	}
	msg, err := model.NewOsloNotification(n, rand.Reader)
	if err != nil {
		return Publishing{}, PublishResult{}, err
	}
	if err := s.ensureOsloExchange(ctx, exchange, "topic"); err != nil {
		return Publishing{}, PublishResult{}, err
	}
	p := Publishing{
		Exchange: exchange, RoutingKey: model.OsloNotificationKey(topic, msg.Priority),
		Properties: model.OsloProperties(model.OsloNotification, 0), Body: msg.Encode(),
	}
	res, err := s.Publish(ctx, p, DefaultPublishOptions())
	return p, res, err
}

// OsloListener receives notifications on a queue of its own.
type OsloListener struct {
	// Queue is the listener's server-named queue, BindingKey what it is
	// bound with.
	Queue, BindingKey string
	ch                *amqp.Channel
	out               chan Message
	closes            chan *amqp.Error
	done              chan struct{}
	closeOnce         sync.Once
}

// Messages delivers the notifications; it is closed when the channel is.
func (l *OsloListener) Messages() <-chan Message { return l.out }

// Err says why Messages was closed, once it is.
func (l *OsloListener) Err() error {
	select {
	case e, ok := <-l.closes:
		if ok && e != nil {
			return e
		}
	default:
	}
	return nil
}

// Close stops listening; the queue goes with the channel.
func (l *OsloListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.ch.Close()
}

// OsloNotifications listens to the notifications on the control exchange
// with topic and priority ("" for every priority: <topic>.*) through a
// queue of its own — server-named, exclusive, auto-delete — so that it
// never takes messages from a real listener's queue. The exchange must
// exist.
func (s *Session) OsloNotifications(ctx context.Context, exchange, topic, priority string) (*OsloListener, error) {
	if exchange == "" {
		exchange = model.OsloDefaultExchange
	}
	key := topic + ".*"
	if priority != "" {
		key = model.OsloNotificationKey(topic, priority)
	}
	ch, err := s.Channel()
	if err != nil {
		return nil, err
	}
	closes := ch.NotifyClose(make(chan *amqp.Error, 1))
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("cannot declare a listening queue: %w", err)
	}
	if err := ch.QueueBind(q.Name, key, exchange, false, nil); err != nil {
		_ = ch.Close()
		return nil, bindError(exchange, s.Vhost(), err)
	}
	ds, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("cannot consume %q: %w", q.Name, err)
	}
	l := &OsloListener{Queue: q.Name, BindingKey: key, ch: ch, out: make(chan Message), closes: closes, done: make(chan struct{})}
	go func() {
		defer close(l.out)
		for d := range ds {
			m := messageFromDelivery(&d, q.Name, 0)
			select {
			case l.out <- m:
			case <-ctx.Done():
				return
			case <-l.done:
				return
			}
		}
	}()
	return l, nil
}

// ensureOsloExchange checks that a control (or fanout) exchange exists,
// and declares it otherwise as oslo would: a topic exchange with the
// deployment's durable and auto-delete flags, read from the management API
// off the vhost's other oslo exchanges when it can (else not durable); a
// fanout exchange not durable and auto-delete.
func (s *Session) ensureOsloExchange(ctx context.Context, name, typ string) error {
	ch, err := s.Channel()
	if err != nil {
		return err
	}
	err = ch.ExchangeDeclarePassive(name, typ, false, false, false, false, nil)
	_ = ch.Close()
	if err == nil {
		return nil
	}
	var ae *amqp.Error
	if !errors.As(err, &ae) || ae.Code != amqp.NotFound {
		return fmt.Errorf("cannot check exchange %q: %w", name, err)
	}
	durable, autoDelete := false, typ == "fanout"
	if typ == "topic" && s.api != nil {
		if xs, err := s.api.Exchanges(ctx, s.Vhost(), ListOptions{}); err == nil {
			for _, x := range xs {
				if x.Type == "topic" && x.Name != "" && !strings.HasPrefix(x.Name, "amq.") {
					durable, autoDelete = x.Durable, x.AutoDelete
					if x.Name == model.OsloDefaultExchange {
						break
					}
				}
			}
		}
	}
	if ch, err = s.Channel(); err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.ExchangeDeclare(name, typ, durable, autoDelete, false, false, nil); err != nil {
		return fmt.Errorf("cannot declare exchange %q: %w", name, err)
	}
	return nil
}
