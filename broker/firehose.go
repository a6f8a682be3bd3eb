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

// TraceExchange is the internal topic exchange RabbitMQ's firehose
// publishes to, in every vhost.
const TraceExchange = "amq.rabbitmq.trace"

// firehose is a tap's firehose side: the trace queue's binding keys,
// the tracing kaiten turned on, and the route checker.
type firehose struct {
	t       *Tap
	keys    []string        // binding keys on amq.rabbitmq.trace
	filter  map[string]bool // exchanges to keep when a key is broader; nil keeps all
	enabled bool            // kaiten turned tracing on, and turns it off at the end
	checker *routeChecker   // nil when not comparing
	notes   []string
	queue   string
	once    sync.Once
}

// tracingRefs counts, per management API and vhost, the firehose taps
// sharing the tracing that kaiten turned on, so it is turned off when
// the last one ends and never when somebody else turned it on.
var tracingRefs = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// newFirehose checks tracing (turning it on when allowed), works out the
// binding keys and, unless told not to, reads the topology to route with.
func newFirehose(ctx context.Context, t *Tap) (*firehose, error) {
	fh := &firehose{t: t}
	fh.keys, fh.filter = traceKeys(t.o.Exchanges)
	if err := fh.acquire(ctx); err != nil {
		return nil, err
	}
	if !t.o.NoCompare {
		fh.checker = &routeChecker{s: t.s, vhost: t.vhost, every: t.o.Refresh}
		if err := fh.checker.refresh(ctx); err != nil {
			fh.notes = append(fh.notes, "kaiten cannot compare routes: "+err.Error())
			fh.checker = nil
		}
	}
	return fh, nil
}

// traceKeys returns the keys to bind to the trace exchange for the
// exchanges asked for: publish.<name> each, or publish.# and a filter
// when a name holds a word that is a topic wildcard.
func traceKeys(exchanges []string) ([]string, map[string]bool) {
	if len(exchanges) == 0 {
		return []string{"publish.#"}, nil
	}
	keys := make([]string, 0, len(exchanges))
	filter := map[string]bool{}
	broad := false
	for _, x := range exchanges {
		filter[x] = true
		for w := range strings.SplitSeq(x, ".") {
			if w == "#" || w == "*" {
				broad = true
			}
		}
		keys = append(keys, "publish."+x)
	}
	if broad {
		return []string{"publish.#"}, filter
	}
	return keys, nil
}

func (fh *firehose) refKey() string { return fh.t.s.api.URL() + " " + fh.t.vhost }

// acquire makes sure tracing is on: it shares tracing kaiten turned on
// already, uses tracing somebody else turned on, or turns it on with
// consent.
func (fh *firehose) acquire(ctx context.Context) error {
	t := fh.t
	tracingRefs.Lock()
	defer tracingRefs.Unlock()
	if tracingRefs.n[fh.refKey()] > 0 {
		tracingRefs.n[fh.refKey()]++
		fh.enabled = true
		return nil
	}
	v, err := t.s.api.Vhost(ctx, t.vhost)
	switch {
	case err != nil && unavailable(err):
		fh.notes = append(fh.notes, fmt.Sprintf("cannot tell whether tracing is on for vhost %q (%v); if it is off, nothing arrives", t.vhost, err))
		return nil
	case err != nil:
		return fmt.Errorf("firehose: %w", err)
	case v.Tracing:
		return nil
	case !t.o.EnableTracing:
		return &Error{
			Kind: ErrTracingOff, Service: ServiceAPI, Op: "cannot tap the firehose", Target: "vhost " + strconv.Quote(t.vhost),
			Reason: "tracing is off",
			Fix:    "turning it on makes the broker copy every message it routes in the vhost, which costs throughput while it is on; kaiten turns it on when asked (kaiten tap --firehose) and off again at the end",
		}
	}
	if err := t.s.CheckWritable("turn tracing on"); err != nil {
		return err
	}
	if err := t.s.api.SetTracing(ctx, t.vhost, true); err != nil {
		return err
	}
	tracingRefs.n[fh.refKey()] = 1
	fh.enabled = true
	fh.notes = append(fh.notes, fmt.Sprintf("kaiten turned tracing on for vhost %q; it turns it off at the end", t.vhost))
	return nil
}

// release turns tracing off when kaiten turned it on and this was the
// last firehose tap using it.
func (fh *firehose) release() {
	fh.once.Do(func() {
		if !fh.enabled {
			return
		}
		tracingRefs.Lock()
		defer tracingRefs.Unlock()
		tracingRefs.n[fh.refKey()]--
		if tracingRefs.n[fh.refKey()] > 0 {
			return
		}
		delete(tracingRefs.n, fh.refKey())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = fh.t.s.api.SetTracing(ctx, fh.t.vhost, false)
	})
}

// reacquire turns tracing on again after a reconnect when kaiten had it
// on: a restarted node forgets it.
func (fh *firehose) reacquire(ctx context.Context) {
	if !fh.enabled {
		return
	}
	v, err := fh.t.s.api.Vhost(ctx, fh.t.vhost)
	if err != nil || v.Tracing {
		return
	}
	if err := fh.t.s.api.SetTracing(ctx, fh.t.vhost, true); err == nil {
		fh.t.event(EventNote, fmt.Sprintf("tracing was off for vhost %q after the reconnect; kaiten turned it on again", fh.t.vhost))
	}
}

// firehoseTap attaches a firehose tap.
type firehoseTap Tap

func (a *firehoseTap) attach(ctx context.Context, ch *amqp.Channel, epoch uint64) ([]feed, error) {
	t := (*Tap)(a)
	fh := t.fh
	if epoch > 1 {
		fh.reacquire(ctx)
	}
	args := amqp.Table{"x-max-length": int64(t.o.MaxLength)}
	q, err := ch.QueueDeclare(tapQueueName("firehose"), false, true, true, false, args)
	if err != nil {
		return nil, fmt.Errorf("firehose: cannot declare a queue: %w", err)
	}
	fh.queue = q.Name
	for _, k := range fh.keys {
		if err := ch.QueueBind(q.Name, k, TraceExchange, false, nil); err != nil {
			return nil, fmt.Errorf("firehose: cannot bind to %s (it needs read permission on it): %w", TraceExchange, err)
		}
	}
	tag := "kaiten-firehose-" + strconv.FormatUint(tapSeq.Add(1), 10)
	d, err := ch.Consume(q.Name, tag, true, true, false, false, nil)
	if err != nil {
		return nil, fmt.Errorf("firehose: cannot consume queue %q: %w", q.Name, err)
	}
	return []feed{{deliveries: d, convert: func(d *amqp.Delivery) (Message, bool) {
		m, ok := traceMessage(d)
		if !ok || (fh.filter != nil && !fh.filter[m.Exchange]) {
			return Message{}, false
		}
		m.summarize()
		if fh.checker != nil {
			fh.checker.compare(t.ctx, &m)
		} else {
			m.Firehose.NotCompared = "kaiten is not comparing routes"
		}
		return m, true
	}}}, nil
}

func (a *firehoseTap) detach(ch *amqp.Channel) {
	if q := (*Tap)(a).fh.queue; q != "" {
		_, _ = ch.QueueDelete(q, false, false, false)
	}
}

func (a *firehoseTap) lost(*amqp.Error) error { return nil }

// errNoFirehose is a tap method that needs a firehose tap.
var errNoFirehose = errors.New("not a firehose tap")
