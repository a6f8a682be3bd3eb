// Package routeanim animates a message's route: the message moves from
// the producer to the exchange, along each binding that matches, into the
// queues and on to their consumers, one step per tick, and then stays as
// a static picture. The route comes from model's router (model.Trace), so
// the picture is the same explanation the trace view gives.
//
// Route and Frame are pure: a Route is built once from a trace, and
// Frame draws any step of it. Model plays the steps with tea.Tick.
package routeanim

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Options add what the trace does not know.
type Options struct {
	// Consumed names the queues that have a consumer: the message goes on
	// to "consumer" after them.
	Consumed map[string]bool
	// Delivered is where the broker actually put the message (the
	// firehose's routed queues), when known; a difference from the
	// trace's queues is noted under the picture.
	Delivered []string
}

// Element kinds, which decide how an element is drawn.
const (
	kindProducer = iota
	kindPublish
	kindExchange
	kindBinding
	kindMiss
	kindAlternate
	kindQueue
	kindConsumer
	kindSeen
	kindNoQueue
	kindNote
	kindError
	kindDeadLetter
	kindDone
)

// element is one thing on the route: a node or the edge into it. At is
// the step at which the message reaches it; -1 is drawn at every step
// (notes), and elements never reached (near misses) have At -1 too.
type element struct {
	kind int
	text string // already printable
	at   int
}

// line is one line of the picture: a tree prefix, then elements joined by
// arrows.
type line struct {
	prefix string
	elems  []element
}

// Route is a trace laid out as lines of elements, each with the step at
// which the message reaches it.
type Route struct {
	lines []line
	steps int
	// ends are the elements where copies of the message stop, for the
	// final frame.
	summary []element
}

// Steps is the number of animated steps; Frame(r, Steps()) and beyond
// is the final, static picture.
func (r Route) Steps() int { return r.steps }

// Layout lays out a trace.
func Layout(t model.Trace, o Options) Route {
	b := &builder{t: t, o: o}
	b.add("", element{kind: kindProducer, text: "producer", at: 0})
	b.add("", element{kind: kindPublish, text: publishText(t), at: 1})
	if t.Error != nil {
		b.add("", element{kind: kindError, text: "✗ refused: " + common.Clean(t.Why), at: 2})
		b.done()
		return b.r
	}
	if len(t.Hops) > 0 {
		b.hop(0, "", 2)
	}
	b.summary()
	b.done()
	return b.r
}

type builder struct {
	t   model.Trace
	o   Options
	r   Route
	max int
}

func (b *builder) add(prefix string, es ...element) {
	for _, e := range es {
		b.max = max(b.max, e.at)
	}
	b.r.lines = append(b.r.lines, line{prefix: prefix, elems: es})
}

func (b *builder) done() { b.r.steps = b.max + 1 }

func publishText(t model.Trace) string {
	s := "publishes with routing key " + quote(t.RoutingKey)
	if len(t.RoutingKeys) > 1 {
		s += fmt.Sprintf(" (+%d CC/BCC)", len(t.RoutingKeys)-1)
	}
	return s
}

// hop lays out the exchange of hop i, reached at step at, and what its
// bindings lead to, under indent.
func (b *builder) hop(i int, indent string, at int) {
	h := b.t.Hops[i]
	head := element{kind: kindExchange, text: exchangeText(h), at: at}
	if i == 0 {
		b.add(indent, head)
	}
	type branch struct {
		elems []element
		child int // hop index continued below, -1 none
		at    int
	}
	var branches []branch
	for _, c := range h.Bindings {
		if !c.Matched {
			if c.Outcome == model.OutcomeNoQueue {
				branches = append(branches, branch{elems: []element{
					{kind: kindMiss, text: "key " + quote(c.RoutingKey), at: at + 1},
					{kind: kindNoQueue, text: "no queue named " + quote(c.Destination), at: at + 2},
				}, child: -1})
				continue
			}
			branches = append(branches, branch{elems: []element{{kind: kindMiss, text: "✗ " + bindingText(h, c), at: -1}}, child: -1})
			continue
		}
		es := []element{{kind: kindBinding, text: bindingText(h, c), at: at + 1}}
		child := -1
		switch c.Outcome {
		case model.OutcomeQueue:
			es = append(es, element{kind: kindQueue, text: "queue " + common.Name(c.Destination), at: at + 2})
			if b.o.Consumed[c.Destination] {
				es = append(es, element{kind: kindConsumer, text: "consumer", at: at + 3})
			}
		case model.OutcomeExchange:
			child = b.childOf(i, model.ViaBinding, &c.BindingRef)
			if child >= 0 {
				es = append(es, element{kind: kindExchange, text: exchangeText(b.t.Hops[child]), at: at + 2})
			}
		case model.OutcomeSeen:
			es = append(es, element{kind: kindSeen, text: "exchange " + common.Name(c.Destination) + " (visited already)", at: at + 2})
		}
		branches = append(branches, branch{elems: es, child: child, at: at + 2})
	}
	if a := h.Alternate; a != nil {
		if a.Taken {
			es := []element{{kind: kindAlternate, text: "↪ alternate exchange", at: at + 1}}
			child := b.childOf(i, model.ViaAlternate, nil)
			if child >= 0 {
				es = append(es, element{kind: kindExchange, text: exchangeText(b.t.Hops[child]), at: at + 2})
			}
			branches = append(branches, branch{elems: es, child: child, at: at + 2})
		} else {
			branches = append(branches, branch{elems: []element{{kind: kindNote, text: "↪ alternate exchange " + common.Name(a.Name) + " not taken", at: -1}}, child: -1})
		}
	}
	if len(branches) == 0 {
		branches = append(branches, branch{elems: []element{{kind: kindNote, text: "no binding matches", at: -1}}, child: -1})
	}
	for j, br := range branches {
		last := j == len(branches)-1
		glyph, cont := "├─", "│  "
		if last {
			glyph, cont = "└─", "   "
		}
		b.add(indent+glyph, br.elems...)
		if br.child >= 0 {
			b.hop(br.child, indent+cont, br.at)
		}
	}
}

// childOf finds the hop that hop i led to by a binding or its alternate
// exchange.
func (b *builder) childOf(i int, via string, ref *model.BindingRef) int {
	for j, h := range b.t.Hops {
		if h.Parent != i || h.Via != via {
			continue
		}
		if via == model.ViaAlternate || (h.ViaBinding != nil && ref != nil &&
			h.ViaBinding.Destination == ref.Destination && h.ViaBinding.RoutingKey == ref.RoutingKey) {
			return j
		}
	}
	return -1
}

// summary adds the last lines: where the copies went, or why none did,
// and the dead-letter branches.
func (b *builder) summary() {
	end := b.max + 1
	t := b.t
	if t.Unroutable {
		why := "unroutable"
		if t.Why != "" {
			why += ": " + common.Clean(t.Why)
		}
		b.add("", element{kind: kindError, text: "✗ " + why, at: end})
	} else {
		names := make([]string, len(t.Queues))
		for i, q := range t.Queues {
			names[i] = common.Name(q)
		}
		b.add("", element{kind: kindDone, text: fmt.Sprintf("✓ delivered to %s: %s", plural(len(t.Queues), "queue"), strings.Join(names, ", ")), at: end})
	}
	if b.o.Delivered != nil && !sameSet(b.o.Delivered, t.Queues) {
		names := make([]string, len(b.o.Delivered))
		for i, q := range b.o.Delivered {
			names[i] = common.Name(q)
		}
		got := "no queue"
		if len(names) > 0 {
			got = strings.Join(names, ", ")
		}
		b.add("", element{kind: kindNote, text: "the broker put it in " + got + " (the topology changed since?)", at: end})
	}
	for _, d := range t.DeadLetters {
		var qs []string
		for _, o := range d.Outcomes {
			for _, q := range o.Queues {
				qs = append(qs, common.Name(q))
			}
		}
		to := "nowhere"
		if len(qs) > 0 {
			to = strings.Join(qs, ", ")
		}
		b.add("", element{kind: kindDeadLetter, text: fmt.Sprintf("☠ if %s dead-letters it: exchange %s → %s", common.Name(d.Queue), common.Name(d.Exchange), to), at: -1})
	}
}

func exchangeText(h model.Hop) string {
	s := "exchange " + common.Name(h.Exchange)
	if h.Type != "" {
		s += " (" + common.Clean(h.Type) + ")"
	}
	return s
}

func bindingText(h model.Hop, c model.BindingCheck) string {
	switch {
	case h.Exchange == "":
		return "by name " + quote(c.RoutingKey)
	case h.Type == model.ExchangeHeaders:
		return "binding " + headersText(c.Arguments)
	case h.Type == model.ExchangeFanout:
		return "binding (fanout)"
	}
	return "binding " + quote(c.RoutingKey)
}

func headersText(args model.Table) string {
	if len(args) == 0 {
		return "{}"
	}
	parts := make([]string, 0, len(args))
	for _, k := range args.Keys() {
		parts = append(parts, common.Clean(k)+"="+common.Clean(fmt.Sprint(args[k])))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func quote(s string) string { return "\"" + common.Clean(s) + "\"" }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]int, len(a))
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	for _, n := range in {
		if n != 0 {
			return false
		}
	}
	return true
}

// tone is how an element kind is drawn once the message has passed.
func tone(kind int) styles.Tone {
	switch kind {
	case kindExchange, kindSeen:
		return styles.Exchange
	case kindBinding:
		return styles.Matched
	case kindMiss, kindNote:
		return styles.Unmatched
	case kindAlternate:
		return styles.Alternate
	case kindQueue:
		return styles.Queue
	case kindConsumer, kindDone:
		return styles.OK
	case kindNoQueue, kindError:
		return styles.Error
	case kindDeadLetter:
		return styles.DeadLetter
	}
	return styles.Normal
}
