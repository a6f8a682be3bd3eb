package trace

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// Row is one line of the drawn route before styling: a kind of
// model.TraceLine, the tree glyphs, the text (sanitised), and for a
// topic binding that matched, the words each binding word took.
type Row struct {
	Kind   string
	Prefix string
	Text   string
	// Spans line the binding key up with the routing key; Dest says
	// where the binding leads ("→ queue `q`").
	Spans []WordSpan
	Dest  string
}

// The glyphs: bindings are solid edges, alternate exchanges dashed ones
// marked ⇢, dead-letter branches start with ☠ and hang off a dotted rule
// (as in the topology view), so the three read apart without colour.
const (
	glyphMid, glyphLast, glyphDown = "├─ ", "└─ ", "│  "
	altMid, altLast, altDown       = "├┄ ", "└┄ ", "┆  "
	dlHead, dlItem                 = "☠ ", "  ╎ "
	blank                          = "   "
)

// q shows a name or key from the broker in backticks, sanitised; the
// empty key as "".
func q(s string) string {
	if s == "" {
		return `""`
	}
	return "`" + common.Clean(s) + "`"
}

// qName shows an exchange or queue name; the default exchange by name.
func qName(s string) string {
	if s == "" {
		return "the default exchange"
	}
	return q(s)
}

// qQueue shows a queue name, marking a kaiten tap's queue: it is on the
// route only while someone taps.
func qQueue(s string) string {
	if broker.IsTapQueue(s) {
		return q(s) + " (a kaiten tap)"
	}
	return q(s)
}

func qAll(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = qQueue(n)
	}
	return strings.Join(out, ", ")
}

// Rows draws a trace as a tree: the exchange published to, each binding
// looked at (✓ matched with the words it took, ✗ near misses and why),
// the exchanges they feed nested below, alternate exchanges on dashed
// edges, the queues reached or why none is, and the dead-letter branches.
func Rows(t *model.Trace) []Row {
	var out []Row
	add := func(kind, prefix, text string) { out = append(out, Row{Kind: kind, Prefix: prefix, Text: text}) }
	keys := q(t.RoutingKey)
	if len(t.RoutingKeys) > 1 {
		keys += " (with CC/BCC: " + qAll(t.RoutingKeys) + ")"
	}
	if t.Error != nil {
		add(model.LineError, "", fmt.Sprintf("publish to %s with key %s is refused: %s", qName(t.Exchange), keys, common.Clean(t.Error.Text)))
		add(model.LineNote, "", common.CleanN(t.Why, common.MaxDetail))
		return out
	}
	if len(t.Hops) > 0 {
		root := t.Hops[0]
		add(model.LineExchange, "", fmt.Sprintf("publish to %s (%s)%s with key %s", qName(root.Exchange), common.Clean(root.Type), policyNote(root.Policy), keys))
		out = hopRows(t, 0, "", out)
	}
	if t.Unroutable {
		add(model.LineUnroutable, "", "✗ unroutable: "+common.CleanN(t.Why, common.MaxDetail))
	} else {
		add(model.LineQueues, "", fmt.Sprintf("queues (%d): %s", len(t.Queues), qAll(t.Queues)))
	}
	for _, d := range t.DeadLetters {
		add(model.LineDeadLetter, dlHead, fmt.Sprintf("if dead-lettered from %s: %s (%s)", qName(d.Queue), common.Clean(d.Why), common.Clean(d.Source)))
		for _, o := range d.Outcomes {
			where := "nowhere (dropped)"
			if len(o.Queues) > 0 {
				where = qAll(o.Queues)
			}
			note := ""
			if o.Dropped != "" {
				note = fmt.Sprintf(" (%s left out: a dead letter may not return to its queue unless it was rejected)", q(o.Dropped))
			}
			add(model.LineDeadLetter, dlItem, fmt.Sprintf("%s → %s%s", common.Clean(strings.Join(o.Reasons, ", ")), where, note))
		}
	}
	return out
}

func policyNote(p string) string {
	if p == "" {
		return ""
	}
	return ", policy " + q(p)
}

// item is one child of a hop: a binding, a note or the alternate
// exchange, with the hop it leads to (-1 for none).
type item struct {
	row   Row
	child int
	alt   bool
}

// hopRows draws hop i's bindings and alternate exchange under prefix,
// and the hops they lead to, nested.
func hopRows(t *model.Trace, i int, prefix string, out []Row) []Row {
	h := t.Hops[i]
	childOf := func(name, via string) int {
		for c := i + 1; c < len(t.Hops); c++ {
			if t.Hops[c].Parent == i && t.Hops[c].Exchange == name && t.Hops[c].Via == via {
				return c
			}
		}
		return -1
	}
	var items []item
	for _, b := range h.Bindings {
		items = append(items, bindingItem(t, h, b, childOf))
	}
	if shown := countMatched(h.Bindings); h.Total > len(h.Bindings) && h.Exchange != model.DefaultExchange {
		items = append(items, item{child: -1, row: Row{
			Kind: model.LineNote,
			Text: fmt.Sprintf("%d of %d bindings match; %d others not shown", shown, h.Total, h.Total-len(h.Bindings)),
		}})
	}
	if a := h.Alternate; a != nil {
		it := item{alt: true, child: -1, row: Row{
			Kind: model.LineAlternate,
			Text: fmt.Sprintf("⇢ alternate exchange %s (%s): %s", qName(a.Name), common.Clean(a.Source), common.Clean(a.Why)),
		}}
		if a.Taken {
			it.child = childOf(a.Name, model.ViaAlternate)
		}
		items = append(items, it)
	}
	for j, it := range items {
		last := j == len(items)-1
		glyph, next := glyphMid, glyphDown
		switch {
		case it.alt && last:
			glyph, next = altLast, blank
		case it.alt:
			glyph, next = altMid, altDown
		case last:
			glyph, next = glyphLast, blank
		}
		it.row.Prefix = prefix + glyph
		out = append(out, it.row)
		if it.child >= 0 {
			c := t.Hops[it.child]
			edge := glyphLast
			if it.alt {
				edge = altLast
			}
			out = append(out, Row{
				Kind: model.LineExchange, Prefix: prefix + next + edge,
				Text: fmt.Sprintf("%s (%s)%s", qName(c.Exchange), common.Clean(c.Type), policyNote(c.Policy)),
			})
			out = hopRows(t, it.child, prefix+next+blank, out)
		}
	}
	return out
}

// bindingItem draws one binding looked at.
func bindingItem(t *model.Trace, h model.Hop, b model.BindingCheck, childOf func(string, string) int) item {
	it := item{child: -1}
	name := qQueue(b.Destination)
	if b.DestinationType == "exchange" {
		name = qName(b.Destination)
	}
	dest := "→ " + common.Clean(b.DestinationType) + " " + name
	arrow := dest
	if h.Type == model.ExchangeDirect || h.Type == model.ExchangeTopic {
		arrow = q(b.RoutingKey) + " " + dest
	}
	reason := common.CleanN(b.Reason, common.MaxDetail)
	switch {
	case !b.Matched:
		it.row = Row{Kind: model.LineMiss, Text: "✗ " + arrow + ": " + reason}
	case b.Outcome == model.OutcomeSeen:
		it.row = Row{Kind: model.LineSeen, Text: "✓ " + arrow + ": " + reason + "; already expanded in this walk, so no second copy"}
	default:
		it.row = Row{Kind: model.LineMatch, Text: "✓ " + arrow + ": " + reason, Dest: dest}
		if h.Type == model.ExchangeTopic && strings.ContainsAny(b.RoutingKey, "*#") {
			it.row.Spans, _ = AlignTopic(b.RoutingKey, b.Key)
		}
		if b.Outcome == model.OutcomeExchange {
			it.child = childOf(b.Destination, model.ViaBinding)
		}
	}
	return it
}

func countMatched(bs []model.BindingCheck) int {
	n := 0
	for _, b := range bs {
		if b.Matched {
			n++
		}
	}
	return n
}
