package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// copied is one binding of a tap queue that copies its exchange's own
// bindings: the routing key, and for a headers exchange the arguments as
// JSON.
type copied struct {
	key  string
	args string
}

// label names the binding for people.
func (m copied) label() string {
	if m.args != "" {
		return m.args
	}
	return m.key
}

// mirrors returns the bindings that copy what an exchange's own
// bindings match, read from the management API (see copiesOf).
func (t *Tap) mirrors(ctx context.Context, q *tapQueue) (map[copied]model.Table, error) {
	bs, err := t.s.api.SourceBindings(ctx, t.vhost, q.exchange)
	if err != nil {
		return nil, fmt.Errorf("tap: cannot read the bindings of exchange %q: %w", q.exchange, err)
	}
	return t.copiesOf(q, bs), nil
}

// copiesOf returns the bindings that copy what the exchange's bindings
// among bs match, leaving out the tap's own: each distinct key (topic,
// direct), each distinct set of arguments (headers), or any one binding
// when a fanout has bindings.
func (t *Tap) copiesOf(q *tapQueue, bs []Binding) map[copied]model.Table {
	own := map[string]bool{}
	for _, tq := range t.queues {
		if tq.name != "" {
			own[tq.name] = true
		}
	}
	out := map[copied]model.Table{}
	for _, b := range bs {
		if b.Source != q.exchange || (b.Vhost != "" && b.Vhost != t.vhost) || (b.DestinationType == "queue" && own[b.Destination]) {
			continue
		}
		switch q.typ {
		case amqp.ExchangeFanout:
			out[copied{}] = nil
		case amqp.ExchangeHeaders:
			args, _ := json.Marshal(b.Arguments)
			out[copied{args: string(args)}] = b.Arguments
		default:
			out[copied{key: b.RoutingKey}] = nil
		}
	}
	return out
}

// refreshMirrors keeps the mirroring tap queues' bindings up to date with
// their exchanges' until the tap stops.
func (t *Tap) refreshMirrors() {
	tick := time.NewTicker(t.o.Refresh)
	defer tick.Stop()
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(t.ctx, t.o.Refresh)
			_ = t.Refresh(ctx)
			cancel()
		}
	}
}

// Refresh reads the bindings of the exchanges the tap mirrors (direct
// exchanges, and all with TapOptions.Exact or an alternate exchange) now,
// binds the tap like the new ones and unbinds it from the ones gone; each
// change comes as an EventNote. Taps refresh on their own every
// TapOptions.Refresh; call Refresh to catch a binding at once.
func (t *Tap) Refresh(ctx context.Context) error {
	return t.rebind(func(q *tapQueue) (map[copied]model.Table, error) { return t.mirrors(ctx, q) })
}

// Follow does what Refresh does from a snapshot the caller already has
// (a view's Poller), without asking the management API; the snapshot
// must hold the bindings of the tap's vhost.
func (t *Tap) Follow(snap *Snapshot) error {
	if !snap.Kinds.Has(KindBindings) || (snap.Vhost != "" && snap.Vhost != t.vhost) {
		return fmt.Errorf("tap: the snapshot lacks the bindings of vhost %q", t.vhost)
	}
	return t.rebind(func(q *tapQueue) (map[copied]model.Table, error) { return t.copiesOf(q, snap.Bindings), nil })
}

// rebind brings each mirroring tap queue's bindings to what want says.
func (t *Tap) rebind(desired func(q *tapQueue) (map[copied]model.Table, error)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ch == nil {
		return nil
	}
	for _, q := range t.queues {
		if !q.mirror || q.name == "" {
			continue
		}
		want, err := desired(q)
		if err != nil {
			return err
		}
		var added, removed []string
		for m, args := range want {
			if _, ok := q.binds[m]; ok {
				continue
			}
			if err := t.ch.QueueBind(q.name, m.key, q.exchange, false, TableToAMQP(args)); err != nil {
				return fmt.Errorf("tap: cannot bind to exchange %q like %s: %w", q.exchange, strconv.Quote(m.label()), err)
			}
			q.binds[m] = args
			added = append(added, m.label())
		}
		for m, args := range q.binds {
			if _, ok := want[m]; ok {
				continue
			}
			if err := t.ch.QueueUnbind(q.name, m.key, q.exchange, TableToAMQP(args)); err != nil {
				return fmt.Errorf("tap: cannot unbind from exchange %q %s: %w", q.exchange, strconv.Quote(m.label()), err)
			}
			delete(q.binds, m)
			removed = append(removed, m.label())
		}
		if len(added) > 0 {
			t.event(EventNote, fmt.Sprintf("exchange %q: now also catching %s", q.exchange, quoteAll(added)))
		}
		if len(removed) > 0 {
			t.event(EventNote, fmt.Sprintf("exchange %q: no binding has %s any more", q.exchange, quoteAll(removed)))
		}
	}
	return nil
}

// Keys returns what the tap of an exchange it mirrors is bound with now,
// sorted: routing keys, or headers arguments as JSON; nil for an exchange
// tapped with a catch-all binding.
func (t *Tap) Keys(exchange string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, q := range t.queues {
		if q.exchange == exchange && q.mirror {
			keys := make([]string, 0, len(q.binds))
			for m := range q.binds {
				keys = append(keys, m.label())
			}
			slices.Sort(keys)
			return keys
		}
	}
	return nil
}

func quoteAll(ss []string) string {
	slices.Sort(ss)
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
