package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// process is one simulated service (nova-compute on host1, the billing
// worker, …): an ordinary AMQP client with a connection of its own, RPC
// servers, consumers, and actions it takes now and then. What it must
// keep across reconnections (its rng, its fanout and reply queue names)
// lives here; what belongs to one connection lives in a session.
type process struct {
	name   string // the program, e.g. nova-compute; also in the connection name
	host   string
	pid    int
	weight float64       // its share of the bus's actions; 0 takes none
	every  time.Duration // mean pause between its actions, from weight and rate
	rng    *rng
	log    *slog.Logger
	cloud  *cloud

	servers   []*rpcServer
	onConnect []func(s *session) error // declarations and consumers of its own, per session
	actions   []action
	replyQ    string // reply_<hex>, declared on the first call of a session
}

// action is something a process does now and then.
type action struct {
	weight int
	do     func(s *session)
}

// session is a process's life on one connection.
type session struct {
	p    *process
	ctx  context.Context
	fail context.CancelCauseFunc // ends the session, which reconnects
	conn *amqp.Connection
	send *sender
	wg   sync.WaitGroup

	inflight chan struct{} // bounds the actions running at once
	replies  replyWaiter

	chMu  sync.Mutex
	chans map[string]*amqp.Channel // by purpose, see channel
}

// channel returns the session's channel for purpose, opened on first use
// and again after the broker closed it.
func (s *session) channel(purpose string) (*amqp.Channel, error) {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if ch := s.chans[purpose]; ch != nil && !ch.IsClosed() {
		return ch, nil
	}
	ch, err := s.conn.Channel()
	if err != nil {
		return nil, err
	}
	if s.chans == nil {
		s.chans = map[string]*amqp.Channel{}
	}
	s.chans[purpose] = ch
	return ch, nil
}

// run serves one connection: it declares and consumes what p needs, takes
// p's actions, and returns when ctx ends (nil) or the connection or one of
// its consumers fails (the reason).
func (p *process) run(ctx context.Context, conn *amqp.Connection) error {
	parent := ctx
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	s := &session{
		p: p, ctx: ctx, fail: fail, conn: conn, send: newSender(conn),
		inflight: make(chan struct{}, maxCallsInFlight),
	}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	err := s.start()
	if err == nil {
		select {
		case <-ctx.Done():
		case e := <-closed:
			if e != nil {
				fail(e)
			} else {
				fail(errors.New("connection closed"))
			}
		}
		err = context.Cause(ctx)
	}
	fail(err)
	_ = conn.Close() // ends the consumers' delivery loops
	s.wg.Wait()
	if parent.Err() != nil {
		return nil
	}
	return err
}

func (s *session) start() error {
	for _, srv := range s.p.servers {
		if err := srv.listen(s); err != nil {
			return err
		}
	}
	for _, c := range s.p.onConnect {
		if err := c(s); err != nil {
			return err
		}
	}
	if len(s.p.actions) > 0 && s.p.every > 0 {
		s.wg.Go(s.act)
	}
	return nil
}

// act takes p's actions, one every p.every on average (jittered between
// half and one and a half of it), the first within a second. Each runs on
// its own, so that a call waiting for its reply does not hold up the
// next; when too many are still running, the next is skipped.
func (s *session) act() {
	total := 0
	for _, a := range s.p.actions {
		total += a.weight
	}
	wait := s.p.rng.between(0, min(s.p.every, time.Second))
	for {
		t := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = s.p.rng.between(s.p.every/2, s.p.every*3/2)
		a := s.p.pickAction(total)
		select {
		case s.inflight <- struct{}{}:
		default:
			s.p.log.Debug("busy, skipping an action")
			continue
		}
		s.wg.Go(func() {
			defer func() { <-s.inflight }()
			a.do(s)
		})
	}
}

// pickAction picks one of p's actions at random by weight; total is the
// sum of the weights.
func (p *process) pickAction(total int) action {
	n := p.rng.intn(total)
	for _, a := range p.actions {
		if n < a.weight {
			return a
		}
		n -= a.weight
	}
	return p.actions[len(p.actions)-1]
}

// consume starts consuming queue on ch and hands each delivery to handle,
// on one goroutine per queue. When the broker cancels the consumer or
// closes the channel, the session ends (and reconnects).
func (s *session) consume(ch *amqp.Channel, queue string, handle func(amqp.Delivery)) error {
	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume %s: %w", queue, err)
	}
	s.wg.Go(func() {
		for d := range deliveries {
			handle(d)
		}
		// When the connection dropped, run reports why.
		if s.ctx.Err() == nil && !s.conn.IsClosed() {
			s.fail(errors.New("consumer of " + queue + " stopped"))
		}
	})
	return nil
}

// sendOslo publishes an oslo message as kombu does: its properties by kind
// (with the call's timeout as expiration), mandatory for replies.
func (s *session) sendOslo(ex *exchangeSpec, key string, m model.OsloMessage, timeout time.Duration) error {
	props := model.OsloProperties(m.Kind, timeout)
	return s.send.send(s.ctx, ex, key, model.OsloMandatory(m.Kind), publishing(props, m.Encode()))
}

// sleep waits d, or less if the session ends; it reports whether the
// whole wait passed.
func (s *session) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// publishing converts model's properties to amqp091-go's. amqp091-go
// leaves out an empty header table and a zero priority, which kombu sends.
func publishing(p model.Properties, body []byte) amqp.Publishing {
	return amqp.Publishing{
		ContentType:     p.ContentType,
		ContentEncoding: p.ContentEncoding,
		DeliveryMode:    p.DeliveryMode,
		Priority:        p.Priority,
		Expiration:      p.Expiration,
		Body:            body,
	}
}

// deliveryProperties converts a delivery's properties to model's, enough
// for decoding (the compression header).
func deliveryProperties(d amqp.Delivery) model.Properties {
	p := model.Properties{ContentType: d.ContentType, ContentEncoding: d.ContentEncoding, Headers: model.Table{}}
	if v, ok := d.Headers[model.OsloCompressionHeader].(string); ok {
		p.Headers[model.OsloCompressionHeader] = model.String(v)
	}
	return p
}
