package broker

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// backoff spaces reconnection attempts: doubling from min up to max,
// each wait jittered by ±20% so that many clients of one broker do not
// come back in step.
type backoff struct {
	min, max time.Duration
}

// wait returns the pause before attempt n (from 1).
func (b backoff) wait(n int) time.Duration {
	d := b.min
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	jitter := time.Duration(float64(d) * 0.2 * (2*rand.Float64() - 1))
	return d + jitter
}

// supervise watches the AMQP connection until Close: when it drops, it
// redials with backoff; while the session is degraded it asks the
// management API again every probeEvery.
func (s *Session) supervise(conn *amqp.Connection) {
	defer close(s.done)
	probe := time.NewTicker(s.probeEvery)
	defer probe.Stop()
	for {
		closed := conn.NotifyClose(make(chan *amqp.Error, 1))
		for reconnect := false; !reconnect; {
			select {
			case <-s.ctx.Done():
				s.setConn(nil)
				// A broker that stopped answering must not hold Close up.
				_ = conn.CloseDeadline(time.Now().Add(2 * time.Second))
				return
			case cause := <-closed:
				s.lost(cause)
				reconnect = true
			case <-probe.C:
				if s.Status().State == StateDegraded {
					s.probeAPI()
				}
			}
		}
		if conn = s.redial(); conn == nil {
			return
		}
	}
}

// lost records a dropped connection.
func (s *Session) lost(cause *amqp.Error) {
	reason := "the connection closed"
	if cause != nil {
		reason = s.dialer.sc.text(cause.Reason) // RabbitMQ's reasons start with the code's name
	}
	err := &Error{
		Kind: ErrUnreachable, Service: ServiceAMQP, Op: "lost AMQP connection", Target: s.ep.AMQP.Redacted(),
		Reason: reason, Fix: "reconnecting",
	}
	s.setConn(nil)
	s.update(func(st *Status) {
		st.State, st.AMQPErr, st.Attempt, st.NextRetry = StateReconnecting, err, 0, time.Time{}
	})
}

// redial dials until it succeeds or the session closes, and returns the
// new connection (nil when closed).
func (s *Session) redial() *amqp.Connection {
	for n := 1; ; n++ {
		wait := s.backoff.wait(n)
		s.update(func(st *Status) { st.NextRetry = time.Now().Add(wait) })
		select {
		case <-s.ctx.Done():
			return nil
		case <-time.After(wait):
		}
		conn, err := s.dialer.dial(s.ctx)
		if err == nil {
			s.setConn(conn)
			s.update(func(st *Status) {
				st.State, st.AMQPErr, st.Attempt, st.NextRetry = StateConnected, nil, 0, time.Time{}
				st.Generation++
			})
			return conn
		}
		if errors.Is(err, context.Canceled) {
			return nil
		}
		s.update(func(st *Status) { st.AMQPErr, st.Attempt = err, n })
	}
}

func (s *Session) setConn(c *amqp.Connection) {
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
}

// probeAPI asks the management API for the overview; noteAPI hears the
// outcome and leaves degraded mode on success.
func (s *Session) probeAPI() {
	ctx, cancel := context.WithTimeout(s.ctx, s.api.timeout)
	defer cancel()
	if ov, err := s.api.Overview(ctx); err == nil {
		s.mu.Lock()
		s.overview = ov
		s.mu.Unlock()
	}
}
