package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Timings of the demo's connections.
const (
	dialTimeout      = 5 * time.Second  // TCP connect and AMQP handshake
	heartbeat        = 10 * time.Second // AMQP heartbeat, RabbitMQ's own default is 60 s
	retryFirst       = 250 * time.Millisecond
	retryLongest     = 5 * time.Second
	stableSession    = 10 * time.Second // a session this long resets the backoff
	replyRetry       = 250 * time.Millisecond
	replyRetryFor    = 60 * time.Second // kombu_missing_consumer_retry_timeout
	maxCallsInFlight = 8                // per process; more are skipped, not queued
)

// errUnroutable is a mandatory message the broker returned with 312
// NO_ROUTE: oslo's MessageUndeliverable.
var errUnroutable = errors.New("message returned unroutable (312 NO_ROUTE)")

// dial opens a connection that ctx can interrupt, named as oslo.messaging
// names its connections: <program>:<pid>:<uuid>.
func (d *Demo) dial(ctx context.Context, program string, pid int, g *rng) (*amqp.Connection, error) {
	props := amqp.NewConnectionProperties()
	props["connection_name"] = program + ":" + strconv.Itoa(pid) + ":" + g.uuid()
	var (
		mu     sync.Mutex
		cancel = func() bool { return false }
	)
	cfg := amqp.Config{
		Properties: props,
		Heartbeat:  heartbeat,
		Locale:     "en_US",
		Dial: func(network, addr string) (net.Conn, error) {
			nd := net.Dialer{Timeout: dialTimeout}
			c, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			// The deadline covers the handshake; amqp091-go clears it after.
			if err := c.SetDeadline(time.Now().Add(dialTimeout)); err != nil {
				_ = c.Close()
				return nil, err
			}
			mu.Lock()
			cancel = context.AfterFunc(ctx, func() { _ = c.Close() })
			mu.Unlock()
			return c, nil
		},
	}
	conn, err := amqp.DialConfig(d.url, cfg)
	mu.Lock()
	cancel()
	mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", d.redacted, err)
	}
	if ctx.Err() != nil {
		_ = conn.Close()
		return nil, ctx.Err()
	}
	return conn, nil
}

// supervise keeps p connected until ctx ends: it runs a session on each
// connection and, when one fails, redials with a doubling backoff.
func (d *Demo) supervise(ctx context.Context, p *process) {
	for attempt := 1; ; attempt++ {
		conn, err := d.dial(ctx, p.name, p.pid, p.rng)
		msg := "cannot connect, retrying"
		if err == nil {
			p.log.Debug("connected")
			began := time.Now()
			err = p.run(ctx, conn)
			_ = conn.Close()
			if time.Since(began) > stableSession {
				attempt = 1
			}
			msg = "connection lost, reconnecting"
		}
		if ctx.Err() != nil {
			return
		}
		wait := backoff(attempt, p.rng)
		p.log.Warn(msg, "err", err, "in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// backoff is the pause before reconnection attempt n (from 1): doubling
// from retryFirst up to retryLongest, jittered by ±20% so that the services do
// not all come back in the same instant.
func backoff(n int, g *rng) time.Duration {
	w := retryFirst
	for i := 1; i < n && w < retryLongest; i++ {
		w *= 2
	}
	w = min(w, retryLongest)
	return time.Duration(float64(w) * (0.8 + 0.4*g.float()))
}

// exchangeSpec is an exchange as a publisher declares it before sending,
// as kombu's Producer does (once per channel).
type exchangeSpec struct {
	name, kind          string
	durable, autoDelete bool
	args                amqp.Table
}

// sender publishes as oslo.messaging does with kombu's confirm_publish:
// one message at a time on a channel in confirm mode, waiting for the
// broker's ack, and noticing the basic.return of a mandatory message
// (RabbitMQ sends the return before the ack). Its channel is reopened
// after the broker closes it, so one bad publish costs one channel.
type sender struct {
	conn *amqp.Connection

	mu       sync.Mutex
	ch       *amqp.Channel
	returns  chan amqp.Return
	declared map[string]bool
}

func newSender(conn *amqp.Connection) *sender { return &sender{conn: conn} }

func (s *sender) open() error {
	if s.ch != nil && !s.ch.IsClosed() {
		return nil
	}
	ch, err := s.conn.Channel()
	if err != nil {
		return err
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return err
	}
	s.ch = ch
	// amqp091-go blocks its reader on a full listener, so leave room for
	// a return whose publish gave up waiting (see send).
	s.returns = ch.NotifyReturn(make(chan amqp.Return, 16))
	s.declared = map[string]bool{}
	return nil
}

// prepare runs declare on the sender's channel once per channel: what
// kombu caches per channel (the notifier's default queues).
func (s *sender) prepare(key string, declare func(*amqp.Channel) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(); err != nil {
		return err
	}
	if s.declared["prepare "+key] {
		return nil
	}
	if err := declare(s.ch); err != nil {
		return err
	}
	s.declared["prepare "+key] = true
	return nil
}

// send declares ex (unless nil or done already on this channel) and
// publishes msg to it, returning errUnroutable if a mandatory message came
// back.
func (s *sender) send(ctx context.Context, ex *exchangeSpec, key string, mandatory bool, msg amqp.Publishing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.open(); err != nil {
		return err
	}
	for drained := false; !drained; { // returns of publishes that gave up waiting
		select {
		case <-s.returns:
		default:
			drained = true
		}
	}
	name := ""
	if ex != nil {
		name = ex.name
		if !s.declared[name] {
			if err := s.ch.ExchangeDeclare(name, ex.kind, ex.durable, ex.autoDelete, false, false, ex.args); err != nil {
				return fmt.Errorf("declare exchange %s: %w", name, err)
			}
			s.declared[name] = true
		}
	}
	dc, err := s.ch.PublishWithDeferredConfirmWithContext(ctx, name, key, mandatory, false, msg)
	if err != nil {
		return err
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		return err
	}
	if !acked {
		if s.ch.IsClosed() {
			return fmt.Errorf("publish to %q: channel closed", name)
		}
		return fmt.Errorf("publish to %q: broker nacked", name)
	}
	select {
	case <-s.returns:
		return errUnroutable
	default:
		return nil
	}
}
