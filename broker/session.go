package broker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Session is one broker reached over AMQP and its management API. It
// redials AMQP with backoff when the connection drops, and runs degraded
// (AMQP only) while the management API cannot be used. It is safe for
// concurrent use and prints without passwords.
type Session struct {
	cfg    Config
	ep     Endpoints
	api    *API
	dialer *dialer

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	done   chan struct{} // the supervisor has stopped
	once   sync.Once

	mu       sync.Mutex
	conn     *amqp.Connection // nil while reconnecting and after Close
	status   Status
	watchers map[chan Status]struct{}
	overview *Overview

	probeEvery time.Duration // how often a degraded session asks the API again
	backoff    backoff
}

// Open connects to the broker: AMQP, and the management API at the same
// time. An AMQP failure fails Open with an *Error that names the thing
// and the fix. A management API that cannot be used leaves the session
// degraded (see StateDegraded), or fails Open when cfg.RequireAPI is set.
func Open(ctx context.Context, cfg Config) (*Session, error) {
	ep, err := cfg.Endpoints()
	if err != nil {
		return nil, err
	}
	sc := newScrubber(ep.AMQP.Username, ep.AMQP.Password(), ep.API.Password())
	d, err := newDialer(cfg, ep, sc)
	if err != nil {
		return nil, sc.config(err)
	}
	api, err := NewAPI(ep.API, ep.AMQP.TLS, cfg.HTTPClient)
	if err != nil {
		return nil, sc.config(err)
	}
	s := &Session{
		cfg: cfg, ep: ep, api: api, dialer: d, done: make(chan struct{}),
		watchers: map[chan Status]struct{}{}, probeEvery: 15 * time.Second,
		backoff: backoff{min: 250 * time.Millisecond, max: 30 * time.Second},
	}

	var (
		ov     *Overview
		apiErr error
		wg     sync.WaitGroup
	)
	wg.Go(func() { ov, apiErr = api.Overview(ctx) })
	conn, err := d.dial(ctx)
	wg.Wait()
	if err != nil {
		return nil, s.explainDial(ctx, err, apiErr, ov)
	}
	api, ov, apiErr = s.matchAPI(ctx, conn, api, ov, apiErr)
	s.api = api
	if apiErr != nil && (cfg.RequireAPI || ctx.Err() != nil) {
		_ = conn.Close()
		return nil, apiErr
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.conn, s.overview = conn, ov
	s.status = Status{State: StateConnected, ReadOnly: cfg.ReadOnly, Generation: 1, APIErr: apiErr, Since: time.Now()}
	if apiErr != nil {
		s.status.State = StateDegraded
	}
	api.observe = s.noteAPI
	go s.supervise(conn)
	return s, nil
}

// explainDial adds what the management API knows to an AMQP failure:
// the vhosts there are, or the port AMQP really listens on.
func (s *Session) explainDial(ctx context.Context, err, apiErr error, ov *Overview) error {
	var e *Error
	if apiErr != nil || !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case ErrVhostNotFound:
		if vs, verr := s.api.Vhosts(ctx); verr == nil && len(vs) > 0 {
			names := make([]string, 0, min(len(vs), 10))
			for _, v := range vs[:min(len(vs), 10)] {
				names = append(names, strconv.Quote(v.Name))
			}
			more := ""
			if len(vs) > 10 {
				more = fmt.Sprintf(" and %d more", len(vs)-10)
			}
			e.Fix += "; the vhosts are " + strings.Join(names, ", ") + more
		}
	case ErrUnreachable:
		var ports []string
		for _, l := range ov.Listeners {
			if strings.HasPrefix(l.Protocol, "amqp") && !strings.Contains(l.Protocol, "1.0") {
				ports = append(ports, fmt.Sprintf("%s on port %d", l.Protocol, l.Port))
			}
		}
		e.Fix = "the broker's management API answers, so RabbitMQ runs: check the port of the URL (AMQP listens on 5672, or 5671 with TLS)"
		if len(ports) > 0 {
			e.Fix = fmt.Sprintf("the broker's management API answers, and it listens for %s: check the port of the URL", strings.Join(ports, ", "))
		}
	}
	return e
}

// API returns the management API client. It works in every state; while
// degraded its calls fail with the reason the API cannot be used.
func (s *Session) API() *API { return s.api }

// Endpoints returns the parsed addresses.
func (s *Session) Endpoints() Endpoints { return s.ep }

// Vhost returns the vhost the AMQP connection is open on.
func (s *Session) Vhost() string { return s.ep.AMQP.Vhost }

// ReadOnly reports whether the session must not change the broker.
func (s *Session) ReadOnly() bool { return s.cfg.ReadOnly }

// Overview returns the overview read when the API was last reached at
// Open or since, or nil when it never was.
func (s *Session) Overview() *Overview {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overview
}

// String describes the session without passwords.
func (s *Session) String() string { return s.ep.Redacted() + ": " + s.Status().String() }

// GoString is String for %#v.
func (s *Session) GoString() string { return "broker.Session(" + strconv.Quote(s.String()) + ")" }

// CheckWritable returns an ErrReadOnly error naming the action when the
// session is read-only, and nil otherwise. Every change to the broker
// (publish, purge, delete, tracing on) asks it first.
func (s *Session) CheckWritable(action string) error {
	if !s.cfg.ReadOnly {
		return nil
	}
	who := "the session"
	if s.cfg.Context != "" {
		who = "context " + strconv.Quote(s.cfg.Context)
	}
	return &Error{
		Kind: ErrReadOnly, Op: "cannot " + action, Reason: who + " is read-only",
		Fix: "use a context without read-only: true, and no --read-only",
	}
}

// Connection returns the current AMQP connection and its generation, or
// an ErrClosed error while reconnecting or after Close.
func (s *Session) Connection() (*amqp.Connection, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil, s.status.Generation, s.downError()
	}
	return s.conn, s.status.Generation, nil
}

// Channel opens an AMQP channel on the current connection.
func (s *Session) Channel() (*amqp.Channel, error) {
	conn, _, err := s.Connection()
	if err != nil {
		return nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		return nil, &Error{
			Kind: ErrClosed, Service: ServiceAMQP, Op: "cannot open an AMQP channel", Target: s.ep.AMQP.Redacted(),
			Reason: s.dialer.sc.text(err.Error()), Err: s.dialer.sc.err(err),
		}
	}
	return ch, nil
}

func (s *Session) downError() error {
	reason := "the session is closed"
	if s.status.State == StateReconnecting {
		reason = "the connection was lost; reconnecting"
	}
	return &Error{Kind: ErrClosed, Service: ServiceAMQP, Op: "no AMQP connection", Target: s.ep.AMQP.Redacted(), Reason: reason}
}

// Snapshot fetches a snapshot through the management API (see
// API.Snapshot).
func (s *Session) Snapshot(ctx context.Context, o SnapshotOptions) (*Snapshot, error) {
	snap, err := s.api.Snapshot(ctx, o)
	if err == nil {
		s.mu.Lock()
		ov := snap.Overview
		s.overview = &ov
		s.mu.Unlock()
	}
	return snap, err
}

// Close closes the AMQP connection and stops reconnecting. Watchers get
// StateClosed and then see their channels closed.
func (s *Session) Close() error {
	s.once.Do(func() {
		s.cancel()
		<-s.done
		s.update(func(st *Status) { st.State = StateClosed })
		s.mu.Lock()
		for ch := range s.watchers {
			close(ch)
		}
		clear(s.watchers)
		s.mu.Unlock()
	})
	return nil
}

// Status returns the session's status now.
func (s *Session) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Watch returns a channel that holds the latest status: the current one
// at once, then each change. A slow reader misses intermediate statuses,
// never the latest. stop ends the watch and closes the channel; Close
// closes it too.
func (s *Session) Watch() (updates <-chan Status, stop func()) {
	ch := make(chan Status, 1)
	s.mu.Lock()
	ch <- s.status
	if s.status.State == StateClosed {
		close(ch)
		s.mu.Unlock()
		return ch, func() {}
	}
	s.watchers[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.watchers[ch]; ok {
			delete(s.watchers, ch)
			close(ch)
		}
	}
}

// update changes the status and tells the watchers when it changed.
func (s *Session) update(f func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.status
	st := old
	f(&st)
	if st.State != StateClosed && st.State != StateReconnecting {
		st.State = StateConnected
		if st.APIErr != nil {
			st.State = StateDegraded
		}
	}
	if st.State != old.State {
		st.Since = time.Now()
	}
	if st == old {
		return
	}
	s.status = st
	for ch := range s.watchers {
		select {
		case ch <- st:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- st
		}
	}
}

// noteAPI hears how management API requests go, to enter or leave
// degraded mode.
func (s *Session) noteAPI(err error) {
	s.update(func(st *Status) { st.APIErr = err })
}
