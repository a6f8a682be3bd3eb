package demo

import (
	"errors"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// callOpts are a call's timeouts, as RPCClient.prepare takes them.
type callOpts struct {
	timeout time.Duration // the whole call; also the request's expiration
	monitor time.Duration // call_monitor_timeout, sent as _timeout; 0 is none
}

// timeoutError is oslo's MessagingTimeout.
type timeoutError struct{ msgID string }

func (e *timeoutError) Error() string {
	return "MessagingTimeout: Timed out waiting for a reply to message ID " + e.msgID
}

// replyWaiter is a process's ReplyWaiter on one connection: it consumes
// the reply queue, declared on the first call, and hands each reply to
// the call waiting for its _msg_id.
type replyWaiter struct {
	mu      sync.Mutex
	ready   bool
	waiting map[string]chan model.OsloMessage
}

func (s *session) replyQueue() error {
	r := &s.replies
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ready {
		return nil
	}
	ch, err := s.conn.Channel()
	if err != nil {
		return err
	}
	if err := declareReplyQueue(ch, s.p.replyQ); err != nil {
		return err
	}
	r.waiting = map[string]chan model.OsloMessage{}
	if err := s.consume(ch, s.p.replyQ, s.onReply); err != nil {
		return err
	}
	r.ready = true
	return nil
}

func (s *session) onReply(d amqp.Delivery) {
	_ = d.Ack(false)
	m, err := model.DecodeOsloDelivery(deliveryProperties(d), d.Body)
	if err != nil || m.Kind != model.OsloReply && m.Kind != model.OsloHeartbeat {
		s.p.log.Warn("not a reply on the reply queue", "queue", s.p.replyQ, "kind", m.Kind, "err", err)
		return
	}
	s.replies.mu.Lock()
	ch := s.replies.waiting[m.MsgID]
	s.replies.mu.Unlock()
	if ch == nil {
		// The call timed out already; oslo logs the same.
		s.p.log.Debug("no calling threads waiting for msg_id", "msg_id", m.MsgID)
		return
	}
	if m.Kind == model.OsloHeartbeat && len(ch) >= cap(ch)-1 {
		return // one heartbeat waiting is enough; keep room for the reply
	}
	select {
	case ch <- m:
	default:
	}
}

// call sends a request to target and waits for its reply as oslo's
// ReplyWaiter does: heartbeats restart the call-monitor timer, the first
// final reply ends it. It returns the result, a *model.RemoteError, or a
// *timeoutError.
func (s *session) call(target model.OsloTarget, req model.OsloRequest, o callOpts) (model.PyValue, error) {
	if err := s.replyQueue(); err != nil {
		return model.PyNone(), err
	}
	m, err := model.NewOsloCall(req, s.p.replyQ, o.monitor, s.p.rng)
	if err != nil {
		return model.PyNone(), err
	}
	got := make(chan model.OsloMessage, 4)
	s.replies.mu.Lock()
	s.replies.waiting[m.MsgID] = got
	s.replies.mu.Unlock()
	defer func() {
		s.replies.mu.Lock()
		delete(s.replies.waiting, m.MsgID)
		s.replies.mu.Unlock()
	}()
	ex, key := target.Route()
	if err := s.sendOslo(controlExchange(ex), key, m, o.timeout); err != nil {
		return model.PyNone(), err
	}
	hard := time.NewTimer(o.timeout)
	defer hard.Stop()
	var monitor *time.Timer
	var monitorC <-chan time.Time // nil, and never ready, without a monitor
	if o.monitor > 0 {
		monitor = time.NewTimer(o.monitor)
		defer monitor.Stop()
		monitorC = monitor.C
	}
	for {
		select {
		case <-s.ctx.Done():
			return model.PyNone(), s.ctx.Err()
		case <-hard.C:
			return model.PyNone(), &timeoutError{m.MsgID}
		case <-monitorC:
			return model.PyNone(), &timeoutError{m.MsgID}
		case r := <-got:
			if r.Kind != model.OsloHeartbeat {
				return replyResult(r)
			}
			if monitor != nil {
				monitor.Reset(o.monitor)
			}
		}
	}
}

// replyResult reads a reply that is not a heartbeat: a failure, the
// result of a final reply, or, for a pre-Newton server's first reply
// (ending false), the result too.
func replyResult(r model.OsloMessage) (model.PyValue, error) {
	if r.Failure != nil {
		return model.PyNone(), r.Failure
	}
	return r.Result, nil
}

// cast sends a request that wants no reply; with target.Fanout, to every
// server of the topic.
func (s *session) cast(target model.OsloTarget, req model.OsloRequest) error {
	m, err := model.NewOsloCast(req, s.p.rng)
	if err != nil {
		return err
	}
	ex, key := target.Route()
	spec := controlExchange(ex)
	if target.Fanout {
		spec = fanoutExchange(target.Topic)
	}
	return s.sendOslo(spec, key, m, 0)
}

// logCall logs how a call ended, at Debug: they fail by design here.
func (s *session) logCall(target model.OsloTarget, method string, err error) {
	_, key := target.Route()
	var remote *model.RemoteError
	var timeout *timeoutError
	switch {
	case err == nil:
		s.p.log.Debug("call returned", "to", key, "method", method)
	case errors.As(err, &remote):
		s.p.log.Debug("call raised", "to", key, "method", method, "err", remote.Error())
	case errors.As(err, &timeout):
		s.p.log.Debug("call timed out", "to", key, "method", method, "err", err)
	case s.ctx.Err() == nil:
		s.p.log.Warn("call failed", "to", key, "method", method, "err", err)
	}
}
