package model

import (
	"fmt"
	"strings"
)

// Kinds of trace lines, for colouring.
const (
	LineExchange   = "exchange"
	LineMatch      = "match"
	LineMiss       = "miss"
	LineSeen       = "seen"
	LineAlternate  = "alternate"
	LineQueues     = "queues"
	LineUnroutable = "unroutable"
	LineError      = "error"
	LineDeadLetter = "dead-letter"
	LineNote       = "note"
)

// TraceLine is one line of a trace drawn as a tree. Prefix holds the tree
// glyphs; Text is already Printable.
type TraceLine struct {
	Kind   string
	Prefix string
	Text   string
}

// String joins the prefix and the text.
func (l TraceLine) String() string { return l.Prefix + l.Text }

// Lines draws the trace as a tree for people: the published exchange, its
// bindings (matched ✓, near misses ✗), the exchanges they feed nested below,
// alternate exchanges, the queues reached, and the dead-letter branches.
func (t *Trace) Lines() []TraceLine {
	var out []TraceLine
	line := func(kind, prefix, text string) {
		out = append(out, TraceLine{Kind: kind, Prefix: prefix, Text: Printable(text)})
	}
	add := func(kind, prefix, format string, args ...any) {
		line(kind, prefix, fmt.Sprintf(format, args...))
	}
	keys := quote(t.RoutingKey)
	if len(t.RoutingKeys) > 1 {
		keys += " (with CC/BCC: " + quoteKeys(t.RoutingKeys) + ")"
	}
	if t.Error != nil {
		add(LineError, "", "publish to %s with key %s is refused: %s", quoteName(t.Exchange), keys, t.Error.Text)
		add(LineNote, "", "%s", t.Why)
		return out
	}
	if len(t.Hops) > 0 {
		type edge struct {
			parent int
			name   string
		}
		children := map[edge]int{}
		for i, h := range t.Hops {
			if h.Parent >= 0 {
				children[edge{h.Parent, h.Exchange}] = i
			}
		}
		var hop func(i int, prefix string)
		hop = func(i int, prefix string) {
			h := t.Hops[i]
			type item struct {
				kind, text string
				child      int
			}
			var items []item
			for _, b := range h.Bindings {
				it := item{child: -1}
				dest := b.DestinationType + " " + quoteName(b.Destination)
				arrow := "→"
				if h.Type == ExchangeDirect || h.Type == ExchangeTopic {
					arrow = quote(b.RoutingKey) + " →"
				}
				switch {
				case !b.Matched:
					it.kind, it.text = LineMiss, "✗ "+arrow+" "+dest+": "+b.Reason
				case b.Outcome == OutcomeSeen:
					it.kind, it.text = LineSeen, "✓ "+arrow+" "+dest+": "+b.Reason+"; already expanded in this walk, so no second copy"
				default:
					it.kind, it.text = LineMatch, "✓ "+arrow+" "+dest+": "+b.Reason
					if b.Outcome == OutcomeExchange {
						if c, ok := children[edge{i, b.Destination}]; ok && t.Hops[c].Via == ViaBinding {
							it.child = c
						}
					}
				}
				items = append(items, it)
			}
			if shown := countMatched(h.Bindings); h.Total > len(h.Bindings) && h.Exchange != DefaultExchange {
				items = append(items, item{kind: LineNote, child: -1, text: fmt.Sprintf("%d of %d bindings match; %d others not shown", shown, h.Total, h.Total-len(h.Bindings))})
			}
			if a := h.Alternate; a != nil {
				it := item{kind: LineAlternate, child: -1, text: fmt.Sprintf("alternate exchange %s (%s): %s", quoteName(a.Name), a.Source, a.Why)}
				if c, ok := children[edge{i, a.Name}]; ok && a.Taken && t.Hops[c].Via == ViaAlternate {
					it.child = c
				}
				items = append(items, it)
			}
			for j, it := range items {
				glyph, next := "├─ ", "│  "
				if j == len(items)-1 {
					glyph, next = "└─ ", "   "
				}
				line(it.kind, prefix+glyph, it.text)
				if it.child >= 0 {
					c := t.Hops[it.child]
					add(LineExchange, prefix+next+"└─ ", "%s (%s)%s", quoteName(c.Exchange), c.Type, policyNote(c.Policy))
					hop(it.child, prefix+next+"   ")
				}
			}
		}
		root := t.Hops[0]
		add(LineExchange, "", "publish to %s (%s)%s with key %s", quoteName(root.Exchange), root.Type, policyNote(root.Policy), keys)
		hop(0, "")
	}
	if t.Unroutable {
		add(LineUnroutable, "", "unroutable: %s", t.Why)
	} else {
		add(LineQueues, "", "queues (%d): %s", len(t.Queues), strings.Join(quoteAll(t.Queues), ", "))
	}
	for _, d := range t.DeadLetters {
		add(LineDeadLetter, "", "if dead-lettered from %s: %s (%s)", quoteName(d.Queue), d.Why, d.Source)
		for _, o := range d.Outcomes {
			where := "nowhere (dropped)"
			if len(o.Queues) > 0 {
				where = strings.Join(quoteAll(o.Queues), ", ")
			}
			note := ""
			if o.Dropped != "" {
				note = fmt.Sprintf(" (%s left out: a dead letter may not return to its queue unless it was rejected)", quote(o.Dropped))
			}
			add(LineDeadLetter, "   ", "%s → %s%s", strings.Join(o.Reasons, ", "), where, note)
		}
		if len(d.Outcomes) == 0 {
			add(LineDeadLetter, "   ", "%s", d.Why)
		}
	}
	return out
}

func countMatched(bs []BindingCheck) int {
	n := 0
	for _, b := range bs {
		if b.Matched {
			n++
		}
	}
	return n
}

func policyNote(p string) string {
	if p == "" {
		return ""
	}
	return ", policy " + quote(p)
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}
