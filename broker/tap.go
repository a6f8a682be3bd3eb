package broker

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// TapOptions say what a tap listens to.
type TapOptions struct {
	// Exchanges are the exchanges to tap. A tap binds a private queue to
	// each; the default exchange ("") cannot be bound to, so it is tapped
	// through the firehose only. With Firehose, none means every exchange
	// of the vhost.
	Exchanges []string
	// Firehose takes the messages from the vhost's firehose
	// (amq.rabbitmq.trace) instead: every publish, the default exchange's
	// too, with the queues the broker routed it to, checked against
	// kaiten's own route on the live topology.
	Firehose bool
	// EnableTracing is consent to turn tracing on for the vhost when it
	// is off; it costs the broker throughput while it is on. Without it,
	// a firehose tap of a vhost without tracing fails with ErrTracingOff.
	// Tracing kaiten turned on is turned off when the tap ends.
	EnableTracing bool
	// NoCompare leaves out the comparison of firehose messages with
	// kaiten's route.
	NoCompare bool
	// Exact binds the tap queue with copies of the exchange's own
	// bindings, kept up to date, so that it catches exactly what they
	// match and changes nothing for anybody. Without it, topic, fanout
	// and headers exchanges get one catch-all binding: the tap then also
	// sees messages no queue takes, but while it runs such messages count
	// as routed, so a mandatory publisher gets no basic.return for them.
	// Direct exchanges, and exchanges with an alternate exchange (which a
	// catch-all would starve), are always tapped exactly.
	Exact bool
	// Count ends the tap after that many messages; 0 means no end.
	Count int
	// MaxPending is how many messages wait for a slow reader before the
	// oldest are dropped (and counted in Batch.Dropped); 0 means 100,000.
	MaxPending int
	// MaxLength is the tap queues' x-max-length, a safety net for the
	// broker while kaiten is stopped (Ctrl-Z); 0 means 100,000.
	MaxLength int
	// Refresh is how often a tap reads again the bindings of the
	// exchanges it taps exactly, and a firehose tap the topology it
	// routes with; 0 means 5s. (Tap.Follow takes them from a snapshot.)
	Refresh time.Duration
}

// Tap is a non-destructive view of what exchanges route: an exclusive,
// auto-delete queue per exchange, bound so that it catches everything
// the exchange routes, consumed without acks. It survives reconnects
// (what is published while the connection is down is missed, and an
// EventInterrupted says so) and leaves no queue behind: the queues are
// exclusive, auto-delete, and deleted on Close.
type Tap struct {
	*stream
	s     *Session
	o     TapOptions
	vhost string

	mu     sync.Mutex
	ch     *amqp.Channel
	queues []*tapQueue
	fh     *firehose // with Firehose
}

// tapQueue is the tap's queue for one exchange.
type tapQueue struct {
	exchange string
	typ      string // "" when the management API could not say
	name     string // the server-named queue of the current attachment
	// mirror binds copies of the exchange's own bindings, binds, rather
	// than a catch-all.
	mirror bool
	binds  map[copied]model.Table
}

// Tap starts a tap; ctx bounds the setup only. Read the batches until the
// channel closes, and Close the tap when done.
func (s *Session) Tap(ctx context.Context, o TapOptions) (*Tap, error) {
	o.MaxPending = cmp.Or(o.MaxPending, 100_000)
	o.MaxLength = cmp.Or(o.MaxLength, 100_000)
	o.Refresh = cmp.Or(o.Refresh, 5*time.Second)
	t := &Tap{s: s, o: o, vhost: s.Vhost()}
	if !o.Firehose && len(o.Exchanges) == 0 {
		return nil, errors.New("tap: name an exchange to tap")
	}
	st := newStream(o.MaxPending, true, o.Count)
	t.stream = st
	var notes []string
	if o.Firehose {
		fh, err := newFirehose(ctx, t)
		if err != nil {
			st.finish(err)
			return nil, err
		}
		t.fh, notes = fh, fh.notes
		st.cleanup = fh.release
	} else {
		qs, n, err := s.tapQueues(ctx, o.Exchanges, o.Exact)
		if err != nil {
			st.finish(err)
			return nil, err
		}
		t.queues, notes = qs, n
	}
	for _, n := range notes {
		st.event(EventNote, n)
	}
	var a attacher = (*exchangeTap)(t)
	if t.fh != nil {
		a = (*firehoseTap)(t)
	}
	if err := st.start(ctx, s, a); err != nil {
		return nil, err
	}
	if t.fh == nil && t.mirroring() {
		go t.refreshMirrors()
	}
	return t, nil
}

// tapQueues learns the type of each exchange, refuses the ones a tap
// would take messages from, and chooses which to mirror.
func (s *Session) tapQueues(ctx context.Context, exchanges []string, exact bool) ([]*tapQueue, []string, error) {
	var (
		qs    []*tapQueue
		notes []string
		seen  = map[string]bool{}
	)
	for _, name := range exchanges {
		if seen[name] {
			continue
		}
		seen[name] = true
		if name == model.DefaultExchange {
			return nil, nil, errors.New(`tap: the default exchange ("") cannot be bound to; tap it through the firehose`)
		}
		q := &tapQueue{exchange: name, binds: map[copied]model.Table{}}
		x, err := s.api.Exchange(ctx, s.Vhost(), name)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil, nil, fmt.Errorf("tap: no exchange %q in vhost %q", name, s.Vhost())
		case err != nil && unavailable(err):
			notes = append(notes, fmt.Sprintf("cannot read the type of exchange %q (%v): tapping it as a topic, fanout or headers exchange; a direct exchange needs the management API", name, err))
		case err != nil:
			return nil, nil, fmt.Errorf("tap: exchange %q: %w", name, err)
		default:
			q.typ = x.Type
			if !tappable(x.Type) {
				return nil, nil, fmt.Errorf("tap: exchange %q is of type %s, which hands each message to one of its bindings; a tap's binding would take messages away from the queues (use the firehose)", name, x.Type)
			}
			ae, err := s.alternateExchange(ctx, x)
			if err != nil {
				return nil, nil, err
			}
			q.mirror = exact || x.Type == amqp.ExchangeDirect || ae != ""
			if ae != "" && !exact {
				notes = append(notes, fmt.Sprintf("exchange %q has alternate exchange %q: the tap binds like %q's own bindings, so that what they do not match still goes to %q (tap %q too to see it)", name, ae, name, ae, ae))
			}
		}
		qs = append(qs, q)
	}
	return qs, notes, nil
}

// tappable reports whether a binding can copy everything an exchange of
// the type routes without taking anything from anybody.
func tappable(typ string) bool {
	switch typ {
	case amqp.ExchangeDirect, amqp.ExchangeFanout, amqp.ExchangeTopic, amqp.ExchangeHeaders:
		return true
	}
	return false
}

func (t *Tap) mirroring() bool {
	for _, q := range t.queues {
		if q.mirror {
			return true
		}
	}
	return false
}

// alternateExchange returns the exchange's alternate exchange, from its
// arguments or its policy; "" when it has none.
func (s *Session) alternateExchange(ctx context.Context, x *Exchange) (string, error) {
	if ae, ok := x.Arguments.StringValue("alternate-exchange"); ok {
		return ae, nil
	}
	if x.Policy == "" {
		return "", nil
	}
	ps, err := s.api.Policies(ctx, x.Vhost)
	if err != nil {
		return "", fmt.Errorf("tap: cannot read policy %q of exchange %q: %w", x.Policy, x.Name, err)
	}
	for _, p := range ps {
		if p.Name == x.Policy && !p.Operator {
			ae, _ := p.Definition.StringValue("alternate-exchange")
			return ae, nil
		}
	}
	return "", nil
}

// catchAll is the binding that catches every message published to an
// exchange of the type: "#" for topic (and, ignored, for fanout); for
// headers, no arguments at all, which RabbitMQ treats as x-match all over
// nothing, so it matches every message, with or without headers
// ({x-match: any} with no keys matches nothing; checked on RabbitMQ
// 3.10.8 by TestLiveTap). A direct exchange is mirrored instead.
func catchAll(typ string) (key string, args amqp.Table) {
	if typ == amqp.ExchangeHeaders {
		return "", amqp.Table{}
	}
	return "#", amqp.Table{}
}

// tapSeq numbers consumer tags, which must be unique per channel.
var tapSeq atomic.Uint64

// exchangeTap attaches a tap of exchanges.
type exchangeTap Tap

func (a *exchangeTap) attach(ctx context.Context, ch *amqp.Channel, epoch uint64) ([]feed, error) {
	t := (*Tap)(a)
	t.mu.Lock()
	defer t.mu.Unlock()
	feeds := make([]feed, 0, len(t.queues))
	for _, q := range t.queues {
		if q.mirror {
			binds, err := t.mirrors(ctx, q)
			switch {
			case err == nil:
				q.binds = binds
			case epoch == 1:
				return nil, err
			default: // after a reconnect, the bindings known will do until the next refresh
				t.event(EventNote, fmt.Sprintf("exchange %q: binding as before the reconnect: %v", q.exchange, err))
			}
		}
		d, err := t.declare(ch, q)
		if err != nil {
			return nil, err
		}
		src := q.exchange
		feeds = append(feeds, feed{deliveries: d, convert: func(d *amqp.Delivery) (Message, bool) {
			return messageFromDelivery(d, src, epoch), true
		}})
	}
	t.ch = ch
	return feeds, nil
}

// TapQueuePrefix starts the name of every queue a tap declares, so that
// kaiten (this one or another user's) can tell its taps from the bus's
// own queues in a live topology.
const TapQueuePrefix = "kaiten.tap."

// IsTapQueue reports whether a queue is a kaiten tap's.
func IsTapQueue(name string) bool { return strings.HasPrefix(name, TapQueuePrefix) }

// tapQueueName is a fresh tap queue name: the prefix, then kind and a
// dot when kind is set, then random hex.
func tapQueueName(kind string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	if kind != "" {
		kind += "."
	}
	return TapQueuePrefix + kind + hex.EncodeToString(b)
}

// declare declares and binds a tap queue and consumes it without acks.
func (t *Tap) declare(ch *amqp.Channel, q *tapQueue) (<-chan amqp.Delivery, error) {
	args := amqp.Table{"x-max-length": int64(t.o.MaxLength)}
	dq, err := ch.QueueDeclare(tapQueueName(""), false, true, true, false, args)
	if err != nil {
		return nil, fmt.Errorf("tap: cannot declare a queue: %w", err)
	}
	q.name = dq.Name
	if q.mirror {
		for m, args := range q.binds {
			if err := ch.QueueBind(dq.Name, m.key, q.exchange, false, TableToAMQP(args)); err != nil {
				return nil, bindError(q.exchange, t.vhost, err)
			}
		}
	} else {
		key, bargs := catchAll(q.typ)
		if err := ch.QueueBind(dq.Name, key, q.exchange, false, bargs); err != nil {
			return nil, bindError(q.exchange, t.vhost, err)
		}
	}
	tag := "kaiten-tap-" + strconv.FormatUint(tapSeq.Add(1), 10)
	d, err := ch.Consume(dq.Name, tag, true, true, false, false, nil)
	if err != nil {
		return nil, fmt.Errorf("tap: cannot consume queue %q: %w", dq.Name, err)
	}
	return d, nil
}

func bindError(exchange, vhost string, err error) error {
	if e, ok := amqpErr(err); ok && e.Code == amqp.NotFound {
		return fmt.Errorf("tap: no exchange %q in vhost %q", exchange, vhost)
	}
	return fmt.Errorf("tap: cannot bind to exchange %q: %w", exchange, err)
}

func (a *exchangeTap) detach(ch *amqp.Channel) {
	t := (*Tap)(a)
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, q := range t.queues {
		if q.name != "" {
			_, _ = ch.QueueDelete(q.name, false, false, false)
		}
	}
}

func (a *exchangeTap) lost(*amqp.Error) error { return nil }
