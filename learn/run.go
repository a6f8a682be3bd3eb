package learn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// TaskStatus is where a task stands.
type TaskStatus struct {
	ID   string
	Done bool
	// Why is, when the task is not done and the student tried something,
	// what is still wrong, e.g. "your message reached `q.logs` but not
	// `q.eu`: the binding `eu.*` …".
	Why string
}

// Target is a broker to run lessons on: an AMQP URI and the management
// API URL, for the root vhost. The Run opens its own broker.Session on
// the lesson's vhost.
type Target struct{ URL, APIURL string }

// pollInterval is how often a Run takes a snapshot when nothing happens.
const pollInterval = time.Second

// Run is a lesson set up on a broker and watched.
type Run struct {
	lesson Lesson
	admin  *admin
	sess   *broker.Session
	tap    *broker.Tap
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{}

	updates chan []TaskStatus
	events  chan Event

	mu       sync.Mutex
	seen     []Event
	snap     *broker.Snapshot
	statuses []TaskStatus
	actors   map[string]*actor
	baseline map[string]int // consumers per queue once set up
}

// Start sets the lesson up on a broker (its own vhost, "learn-<slug>",
// created fresh; topology loaded; setup steps run) and watches it until
// Close.
func Start(ctx context.Context, target Target, l Lesson) (*Run, error) {
	a, ep, err := newAdmin(target)
	if err != nil {
		return nil, err
	}
	vhost := l.Vhost()
	if err := a.freshVhost(ctx, vhost, l.DefinitionsJSON); err != nil {
		return nil, fmt.Errorf("lesson %d: cannot set up vhost %q: %w", l.Number, vhost, err)
	}
	sess, err := broker.Open(ctx, broker.Config{
		URL: target.URL, APIURL: target.APIURL, Vhost: vhost, RequireAPI: true,
		ConnectionName: "kaiten learn " + l.Slug,
	})
	if err != nil {
		_ = a.deleteVhost(context.Background(), vhost)
		return nil, err
	}
	_ = ep
	rctx, cancel := context.WithCancel(context.Background())
	r := &Run{
		lesson: l, admin: a, sess: sess, ctx: rctx, cancel: cancel,
		kick: make(chan struct{}, 1), updates: make(chan []TaskStatus, 1), events: make(chan Event, 1024),
		actors: map[string]*actor{},
	}
	r.tap, err = sess.Tap(ctx, broker.TapOptions{Firehose: true, EnableTracing: true, NoCompare: true, Refresh: time.Hour})
	if err == nil {
		err = r.Apply(ctx, l.Setup)
	}
	if err == nil {
		_, err = r.Check(ctx)
	}
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	r.wg.Add(2)
	go r.watchTap()
	go r.poll()
	return r, nil
}

// Lesson returns the lesson the run is of.
func (r *Run) Lesson() Lesson { return r.lesson }

// Vhost is the lesson's vhost.
func (r *Run) Vhost() string { return r.lesson.Vhost() }

// Session is the lesson vhost's session: the TUI's normal views act
// through it.
func (r *Run) Session() *broker.Session { return r.sess }

// Statuses returns each task's status as of the last check.
func (r *Run) Statuses() []TaskStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.statuses)
}

// Updates delivers the statuses each time they change. Only the newest
// is kept for a slow reader. It is never closed: stop reading at Close.
func (r *Run) Updates() <-chan []TaskStatus { return r.updates }

// Events delivers each message published in the lesson vhost. A reader
// that falls more than 1024 behind misses some (Observed has them all).
// It is never closed: stop reading at Close.
func (r *Run) Events() <-chan Event { return r.events }

// Observed returns the messages seen so far.
func (r *Run) Observed() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

// Solve applies the lesson's solution steps for a task (for tests, and a
// "show me" key).
func (r *Run) Solve(ctx context.Context, task string) error {
	t, ok := r.lesson.Task(task)
	if !ok {
		return fmt.Errorf("lesson %d has no task %q", r.lesson.Number, task)
	}
	return r.Apply(ctx, t.Solution)
}

// Check takes a snapshot now and evaluates every task; Updates gets the
// statuses when they changed. A task once done stays done for the run.
func (r *Run) Check(ctx context.Context) ([]TaskStatus, error) {
	snap, err := r.sess.Snapshot(ctx, broker.SnapshotOptions{Vhost: r.Vhost(), Kinds: broker.TopologyKinds, Stats: true})
	if err != nil {
		return r.Statuses(), err
	}
	r.mu.Lock()
	r.snap = snap
	obs := Observe(snap, r.Vhost(), r.lesson.Definitions, slices.Clone(r.seen))
	if r.baseline == nil {
		r.baseline = map[string]int{}
		for name, q := range obs.Queues {
			r.baseline[name] = q.Consumers
		}
	}
	obs.Baseline = r.baseline
	r.mu.Unlock()
	st := Evaluate(&r.lesson, &obs)
	r.mu.Lock()
	// A task once done stays done: the third task of a lesson may undo
	// what the first built (stop the workers it started).
	for i := range st {
		if i < len(r.statuses) && r.statuses[i].Done {
			st[i] = r.statuses[i]
		}
	}
	changed := !slices.Equal(st, r.statuses)
	r.statuses = st
	r.mu.Unlock()
	if changed {
		select {
		case <-r.updates:
		default:
		}
		r.updates <- slices.Clone(st)
	}
	return st, nil
}

// Evaluate evaluates every task of a lesson on an observation.
func Evaluate(l *Lesson, o *Observation) []TaskStatus {
	out := make([]TaskStatus, len(l.Tasks))
	for i := range l.Tasks {
		out[i] = EvaluateTask(&l.Tasks[i], o)
	}
	return out
}

// watchTap turns the firehose's messages into events, each routed with
// the router's explanations on the topology of a snapshot taken as it
// arrives.
func (r *Run) watchTap() {
	defer r.wg.Done()
	for b := range r.tap.Batches() {
		if len(b.Messages) == 0 {
			continue
		}
		snap, err := r.sess.Snapshot(r.ctx, broker.SnapshotOptions{Vhost: r.Vhost(), Kinds: broker.TopologyKinds})
		var router *model.Router
		exists := map[string]bool{}
		if err == nil {
			if v, err := snap.ModelVhost(r.Vhost()); err == nil {
				router = model.NewRouter(v.WithBuiltins(), snap.RouteOptions())
				for _, q := range v.Queues {
					exists[q.Name] = true
				}
			}
		}
		for _, m := range b.Messages {
			e := eventOf(m, router, exists)
			r.mu.Lock()
			r.seen = append(r.seen, e)
			r.mu.Unlock()
			select {
			case r.events <- e:
			default:
			}
		}
		r.poke()
	}
}

// eventOf converts a firehose message. The broker's routed queues are
// kept when they exist (for the default exchange the firehose names a
// queue even when there is none).
func eventOf(m broker.Message, router *model.Router, exists map[string]bool) Event {
	e := Event{
		At: m.Received, Exchange: m.Exchange, RoutingKey: m.RoutingKey, Headers: m.Properties.Headers,
		ReplyTo: m.Properties.ReplyTo, CorrelationID: m.Properties.CorrelationID,
		Expiration: m.Properties.Expiration, Body: m.Body, Queues: []string{},
	}
	if m.Firehose != nil {
		for _, q := range m.Firehose.RoutedQueues {
			if exists[q] || router == nil {
				e.Queues = append(e.Queues, q)
			}
		}
	}
	slices.Sort(e.Queues)
	e.Queues = slices.Compact(e.Queues)
	if router != nil {
		t := router.Trace(model.Message{Exchange: m.Exchange, RoutingKey: m.RoutingKey, Headers: m.Properties.Headers}, traceOptions)
		e.Trace = &t
	}
	return e
}

// poke asks the poller for a check now.
func (r *Run) poke() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// poll checks on an interval, and when poked.
func (r *Run) poll() {
	defer r.wg.Done()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		_, _ = r.Check(ctx)
		cancel()
	}
}

// Close stops watching, stops the lesson's consumers and servers, and
// deletes the vhost.
func (r *Run) Close() error {
	r.cancel()
	r.mu.Lock()
	actors := r.actors
	r.actors = map[string]*actor{}
	r.mu.Unlock()
	for _, a := range actors {
		a.stop()
	}
	var errs []error
	if r.tap != nil {
		errs = append(errs, r.tap.Close())
	}
	r.wg.Wait()
	errs = append(errs, r.sess.Close())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs = append(errs, r.admin.deleteVhost(ctx, r.Vhost()))
	return errors.Join(errs...)
}
