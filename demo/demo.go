package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// DefaultRate is the bus's pace when Options.Rate is unset: client actions
// (calls, casts, notifications, plain publishes) per second, all services
// together. Replies and heartbeats come on top, so the bus carries a few
// messages a second.
const DefaultRate = 2.0

// Options configure a demo bus.
type Options struct {
	// URL is the AMQP URL of the broker, vhost included, e.g.
	// amqp://guest:guest@127.0.0.1:5672/%2f. The vhost should be empty or
	// hold an earlier demo: declaring over a different topology fails.
	URL string
	// Logger receives the demo's log (connections at Info and Warn, each
	// message at Debug); nil discards it. Nothing is written to stdout.
	Logger *slog.Logger
	// Seed seeds every random choice: which call, which host, how long a
	// method takes, the ids in messages and queue names, the jitter. 0
	// takes one from the clock; Seed tells which.
	Seed uint64
	// Rate is the pace of the bus in client actions per second, all
	// services together; 0 means DefaultRate. The pauses between one
	// service's actions are jittered around its share of it.
	Rate float64
	// NoServices declares the topology without starting the services;
	// SetServices(true) starts them later.
	NoServices bool
}

// Demo is a running demo bus: its topology declared on the broker and,
// while switched on, its simulated services making traffic. Stop it with
// Stop.
type Demo struct {
	url      string
	redacted string
	log      *slog.Logger
	seed     uint64
	rate     float64
	procs    []*process

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	svcStop  context.CancelFunc // nil while the services are off
	svcDone  *sync.WaitGroup
	stopped  bool
	stopOnce sync.Once
}

// Start declares the demo topology on the broker at opts.URL over AMQP,
// as the services it simulates would, and starts the services unless
// opts.NoServices is set. It fails if the broker cannot be reached or
// refuses the topology. The services run until Stop or until ctx ends,
// reconnecting whenever their connection drops.
func Start(ctx context.Context, opts Options) (*Demo, error) {
	uri, err := amqp.ParseURI(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("demo: AMQP URL: %w", err)
	}
	if opts.Rate < 0 {
		return nil, fmt.Errorf("demo: rate %v is negative", opts.Rate)
	}
	d := &Demo{
		url:      opts.URL,
		redacted: redactURI(uri),
		log:      opts.Logger,
		seed:     opts.Seed,
		rate:     opts.Rate,
	}
	if d.log == nil {
		d.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d.log = d.log.With("component", "demo")
	if d.seed == 0 {
		d.seed = uint64(time.Now().UnixNano())
	}
	if d.rate == 0 {
		d.rate = DefaultRate
	}
	d.procs = newCloud(d.seed).processes(d.log)
	pace(d.procs, d.rate)

	if err := d.declareTopology(ctx); err != nil {
		return nil, err
	}
	d.ctx, d.cancel = context.WithCancel(ctx)
	d.log.Info("demo bus declared", "url", d.redacted, "seed", d.seed, "rate", d.rate)
	if !opts.NoServices {
		d.SetServices(true)
	}
	return d, nil
}

// redactURI writes the URL without its password.
func redactURI(u amqp.URI) string {
	host := net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
	return u.Scheme + "://" + url.User(u.Username).String() + "@" + host + "/" + url.PathEscape(u.Vhost)
}

// Seed returns the seed the demo's random choices come from.
func (d *Demo) Seed() uint64 { return d.seed }

// SetServices switches the simulated services on or off. Off, their
// connections close and the traffic stops, but the topology stays,
// queues and their messages included. It returns once the change is made.
// After Stop it does nothing.
func (d *Demo) SetServices(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.stopped || (on && d.ctx.Err() != nil):
		return
	case on && d.svcStop == nil:
		ctx, stop := context.WithCancel(d.ctx)
		wg := new(sync.WaitGroup)
		for _, p := range d.procs {
			wg.Go(func() { d.supervise(ctx, p) })
		}
		d.svcStop, d.svcDone = stop, wg
		d.log.Info("demo services on", "services", len(d.procs))
	case !on && d.svcStop != nil:
		d.svcStop()
		d.svcDone.Wait()
		d.svcStop, d.svcDone = nil, nil
		d.log.Info("demo services off")
	}
}

// Services reports whether the simulated services are switched on (and
// the demo's context has not ended).
func (d *Demo) Services() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.svcStop != nil && d.ctx.Err() == nil
}

// Stop stops the services and waits for every goroutine of the demo to
// end. The topology stays on the broker. Stop may be called more than
// once.
func (d *Demo) Stop() {
	d.stopOnce.Do(func() {
		d.cancel()
		d.SetServices(false)
		d.mu.Lock()
		d.stopped = true
		d.mu.Unlock()
		d.log.Info("demo bus stopped")
	})
}
