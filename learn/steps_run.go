package learn

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// actor is a consumer or an RPC server a step started: a channel of its
// own, so that Stop can close it as a dying process would.
type actor struct {
	ch   *amqp.Channel
	done chan struct{}

	mu   sync.Mutex
	got  int
	held []amqp.Delivery
	err  error
}

// stop closes the actor's channel and waits for its loop to end.
func (a *actor) stop() {
	_ = a.ch.Close()
	<-a.done
}

// received returns how many messages the actor got.
func (a *actor) received() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.got
}

// Apply runs steps on the lesson's vhost, in order, through the lesson's
// session. A call that gets no reply is no error (wrong attempts fail
// that way); anything else that fails stops the steps.
func (r *Run) Apply(ctx context.Context, steps []Step) error {
	for i, s := range steps {
		if err := r.apply(ctx, s); err != nil {
			k, _ := s.kind()
			return fmt.Errorf("step %d (%s): %w", i+1, k, err)
		}
	}
	r.poke()
	return nil
}

// apply runs one step.
func (r *Run) apply(ctx context.Context, s Step) error {
	switch {
	case s.Declare != nil:
		return r.withChannel(func(ch *amqp.Channel) error { return declare(ch, s.Declare) })
	case s.Bind != nil:
		return r.withChannel(func(ch *amqp.Channel) error { return bind(ch, s.Bind, true) })
	case s.Unbind != nil:
		return r.withChannel(func(ch *amqp.Channel) error { return bind(ch, s.Unbind, false) })
	case s.Publish != nil:
		return r.publish(ctx, s.Publish)
	case s.Consume != nil:
		return r.consume(s.Consume)
	case s.Await != nil:
		return r.await(ctx, s.Await)
	case s.Reject != nil:
		return r.reject(s.Reject)
	case s.Stop != "":
		a, err := r.actor(s.Stop)
		if err != nil {
			return nil // stopped already, or never started: nothing to stop
		}
		r.mu.Lock()
		delete(r.actors, s.Stop)
		r.mu.Unlock()
		a.stop()
		return nil
	case s.Peek != nil:
		_, err := r.sess.Peek(ctx, s.Peek.Queue, cmp.Or(s.Peek.Count, 1))
		return err
	case s.Call != nil:
		timeout, _ := time.ParseDuration(cmp.Or(s.Call.Timeout, "3s"))
		_, _ = r.sess.Call(ctx, broker.Publishing{Exchange: s.Call.Exchange, RoutingKey: s.Call.Key, Body: []byte(s.Call.Body)},
			broker.CallOptions{Timeout: timeout})
		return nil
	case s.Serve != nil:
		return r.serve(s.Serve)
	case s.Sleep != "":
		d, _ := time.ParseDuration(s.Sleep)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	}
	return errors.New("a step with no kind")
}

// withChannel runs f on a channel of its own: a refused declare closes
// the channel, which must not take anything else with it.
func (r *Run) withChannel(f func(ch *amqp.Channel) error) error {
	ch, err := r.sess.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	return f(ch)
}

// amqpTable converts a table written in YAML.
func amqpTable(m map[string]any) (amqp.Table, error) {
	t, err := model.TableFromJSON(m)
	if err != nil || t == nil {
		return nil, err
	}
	return broker.TableToAMQP(t), nil
}

func declare(ch *amqp.Channel, d *DeclareStep) error {
	args, err := amqpTable(d.Arguments)
	if err != nil {
		return err
	}
	if d.Queue != "" {
		_, err := ch.QueueDeclare(d.Queue, false, false, false, false, args)
		return err
	}
	return ch.ExchangeDeclare(d.Exchange, cmp.Or(d.Type, "direct"), false, false, false, false, args)
}

func bind(ch *amqp.Channel, b *BindStep, on bool) error {
	args, err := amqpTable(b.Arguments)
	if err != nil {
		return err
	}
	switch {
	case b.Queue != "" && on:
		return ch.QueueBind(b.Queue, b.Key, b.Source, false, args)
	case b.Queue != "":
		return ch.QueueUnbind(b.Queue, b.Key, b.Source, args)
	case on:
		return ch.ExchangeBind(b.Exchange, b.Key, b.Source, false, args)
	}
	return ch.ExchangeUnbind(b.Exchange, b.Key, b.Source, false, args)
}

// publish publishes as kaiten's publish view does. Returns and nacks are
// what some lessons are about, so they are no error.
func (r *Run) publish(ctx context.Context, p *PublishStep) error {
	headers, err := model.TableFromJSON(p.Headers)
	if err != nil {
		return err
	}
	props := model.Properties{Headers: headers, Expiration: p.Expiration}
	if headers != nil {
		props.Has |= model.HasHeaders
	}
	if p.Expiration != "" {
		props.Has |= model.HasExpiration
	}
	o := broker.DefaultPublishOptions()
	if p.Confirm != nil {
		o.Confirm = *p.Confirm
	}
	if p.Mandatory != nil {
		o.Mandatory = *p.Mandatory
	}
	o.Count = cmp.Or(p.Count, 1)
	_, err = r.sess.Publish(ctx, broker.Publishing{Exchange: p.Exchange, RoutingKey: p.Key, Properties: props, Body: []byte(p.Body)}, o)
	return err
}

// actor returns the actor of an id.
func (r *Run) actor(id string) (*actor, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.actors[id]
	if !ok {
		return nil, fmt.Errorf("no consumer %q is running", id)
	}
	return a, nil
}

// start opens a channel for a new actor and registers it.
func (r *Run) start(id string, prefetch int) (*actor, error) {
	r.mu.Lock()
	_, taken := r.actors[id]
	r.mu.Unlock()
	if taken {
		return nil, fmt.Errorf("a consumer %q is running already", id)
	}
	ch, err := r.sess.Channel()
	if err != nil {
		return nil, err
	}
	if prefetch > 0 {
		if err := ch.Qos(prefetch, 0, false); err != nil {
			_ = ch.Close()
			return nil, err
		}
	}
	a := &actor{ch: ch, done: make(chan struct{})}
	r.mu.Lock()
	r.actors[id] = a
	r.mu.Unlock()
	return a, nil
}

// consume starts a consumer that acks, auto-acks or holds.
func (r *Run) consume(c *ConsumeStep) error {
	a, err := r.start(c.ID, c.Prefetch)
	if err != nil {
		return err
	}
	ds, err := a.ch.Consume(c.Queue, "kaiten-learn-"+c.ID, c.Ack == "auto", false, false, false, nil)
	if err != nil {
		close(a.done)
		r.mu.Lock()
		delete(r.actors, c.ID)
		r.mu.Unlock()
		return err
	}
	go func() {
		defer close(a.done)
		for d := range ds {
			a.mu.Lock()
			a.got++
			switch c.Ack {
			case "hold":
				a.held = append(a.held, d)
			case "", "ack":
				a.err = cmp.Or(a.err, d.Ack(false))
			}
			a.mu.Unlock()
		}
	}()
	return nil
}

// await waits until a consumer received enough messages.
func (r *Run) await(ctx context.Context, w *AwaitStep) error {
	a, err := r.actor(w.ID)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.received() < w.Messages {
		if time.Now().After(deadline) {
			return fmt.Errorf("consumer %q received %d of %d messages in 5s", w.ID, a.received(), w.Messages)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// reject rejects every message a holding consumer holds.
func (r *Run) reject(j *RejectStep) error {
	a, err := r.actor(j.ID)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, d := range a.held {
		if err := d.Reject(j.Requeue); err != nil {
			return err
		}
	}
	a.held = nil
	return nil
}

// serve starts an RPC server: each request with a reply_to is answered
// through the default exchange, with the request's correlation_id.
func (r *Run) serve(s *ServeStep) error {
	id := "serve " + s.Queue
	a, err := r.start(id, 0)
	if err != nil {
		return err
	}
	ds, err := a.ch.Consume(s.Queue, "kaiten-learn-server", false, false, false, false, nil)
	if err != nil {
		close(a.done)
		r.mu.Lock()
		delete(r.actors, id)
		r.mu.Unlock()
		return err
	}
	go func() {
		defer close(a.done)
		for d := range ds {
			if d.ReplyTo != "" {
				body := cmp.Or(s.Reply, "ok: "+string(d.Body))
				if s.Calc {
					body = calculate(string(d.Body))
				}
				_ = a.ch.PublishWithContext(r.ctx, "", d.ReplyTo, false, false,
					amqp.Publishing{CorrelationId: d.CorrelationId, Body: []byte(body), ContentType: "text/plain"})
			}
			_ = d.Ack(false)
			a.mu.Lock()
			a.got++
			a.mu.Unlock()
		}
	}()
	return nil
}
