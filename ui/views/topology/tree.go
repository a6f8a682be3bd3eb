package topology

import (
	"sort"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Line is one line of a topology tree: the tree glyphs, then the text.
type Line struct {
	Prefix string
	Text   string
	Tone   styles.Tone
	// Note is a muted remark after the text.
	Note string
}

// maxDepth bounds how deep the tree goes, for topologies built to loop.
const maxDepth = 12

// graph is the vhost's topology indexed for walking.
type graph struct {
	s         *broker.Snapshot
	vhost     string
	exchanges map[string]broker.Exchange
	queues    map[string]broker.Queue
	out       map[string][]broker.Binding
}

func newGraph(s *broker.Snapshot, vhost string) *graph {
	g := &graph{s: s, vhost: vhost, exchanges: map[string]broker.Exchange{}, queues: map[string]broker.Queue{}, out: map[string][]broker.Binding{}}
	for _, x := range s.Exchanges {
		if x.Vhost == vhost {
			g.exchanges[x.Name] = x
		}
	}
	for _, q := range s.Queues {
		if q.Vhost == vhost {
			g.queues[q.Name] = q
		}
	}
	for _, b := range s.Bindings {
		if b.Vhost == vhost && !b.Implicit {
			g.out[b.Source] = append(g.out[b.Source], b)
		}
	}
	return g
}

// Tree draws what an exchange feeds, recursively: its bindings to queues
// and exchanges, its alternate exchange (⇢) and the dead-letter exchange
// of each queue it reaches (☠). An exchange already drawn is not drawn
// again.
func Tree(s *broker.Snapshot, vhost, exchange string) []Line {
	g := newGraph(s, vhost)
	x, ok := g.exchanges[exchange]
	if !ok {
		return []Line{{Text: "no exchange " + common.Name(exchange) + " in vhost " + common.Clean(vhost), Tone: styles.Error}}
	}
	w := &walker{g: g, seen: map[string]bool{exchange: true}}
	w.out = append(w.out, Line{Text: "⬢ " + common.Name(x.Name), Tone: styles.Exchange, Note: "(" + common.Clean(x.Type) + ")"})
	w.exchange(x, "", 0)
	return w.out
}

// Forest draws the tree of every exchange of the vhost that no other
// exchange feeds (the entry points), leaving out built-in exchanges that
// have no bindings.
func Forest(s *broker.Snapshot, vhost string) []Line {
	g := newGraph(s, vhost)
	fed := map[string]bool{}
	for _, bs := range g.out {
		for _, b := range bs {
			if b.DestinationType == "exchange" {
				fed[b.Destination] = true
			}
		}
	}
	for _, x := range g.exchanges {
		if ae, ok := common.AlternateExchange(s, x); ok {
			fed[ae.Value] = true
		}
	}
	names := make([]string, 0, len(g.exchanges))
	for name := range g.exchanges {
		builtin := name == "" || strings.HasPrefix(name, "amq.")
		if !fed[name] && (!builtin || len(g.out[name]) > 0) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []Line
	for i, name := range names {
		if i > 0 {
			out = append(out, Line{})
		}
		out = append(out, Tree(s, vhost, name)...)
	}
	if len(out) == 0 {
		out = append(out, Line{Text: "no exchange in vhost " + common.Clean(vhost) + " has bindings", Tone: styles.Muted})
	}
	return out
}

type walker struct {
	g    *graph
	seen map[string]bool
	out  []Line
}

// child is one edge to draw below a node.
type child struct {
	line Line
	// next draws what the edge leads to, below it.
	next func(prefix string)
}

func (w *walker) emit(prefix string, children []child) {
	for i, c := range children {
		glyph, more := "├─ ", "│  "
		if i == len(children)-1 {
			glyph, more = "└─ ", "   "
		}
		c.line.Prefix = prefix + glyph
		w.out = append(w.out, c.line)
		if c.next != nil {
			c.next(prefix + more)
		}
	}
}

func (w *walker) exchange(x broker.Exchange, prefix string, depth int) {
	if depth >= maxDepth {
		w.emit(prefix, []child{{line: Line{Text: "…", Tone: styles.Muted, Note: "(deeper levels not drawn)"}}})
		return
	}
	var children []child
	for _, b := range w.g.out[x.Name] {
		children = append(children, w.binding(x, b, depth))
	}
	if ae, ok := common.AlternateExchange(w.g.s, x); ok {
		line := Line{Text: "⇢ alternate exchange " + common.Name(ae.Value), Tone: styles.Alternate, Note: "(" + common.Clean(ae.Source) + ")"}
		children = append(children, child{line: line, next: w.into(ae.Value, depth)})
	}
	if len(children) == 0 {
		children = append(children, child{line: Line{Text: "no bindings: messages published here are dropped", Tone: styles.Muted}})
	}
	w.emit(prefix, children)
}

func (w *walker) binding(x broker.Exchange, b broker.Binding, depth int) child {
	key := ""
	switch x.Type {
	case "fanout":
	case "headers":
		key = "[" + headersText(b) + "] "
	default:
		key = `"` + common.Clean(b.RoutingKey) + `" `
	}
	if b.DestinationType == "exchange" {
		line := Line{Text: key + "⇒ exchange " + common.Name(b.Destination), Tone: styles.Exchange}
		return child{line: line, next: w.into(b.Destination, depth)}
	}
	line := Line{Text: key + "→ queue " + common.Clean(b.Destination), Tone: styles.Queue}
	q, ok := w.g.queues[b.Destination]
	if !ok {
		line.Note, line.Tone = "(no such queue)", styles.Error
		return child{line: line}
	}
	dlx, dlk, ok := common.DeadLetter(w.g.s, q)
	if !ok {
		return child{line: line}
	}
	return child{line: line, next: func(prefix string) {
		text := "☠ dead-letters to " + common.Name(dlx.Value)
		if dlk.Value != "" {
			text += ` with key "` + common.Clean(dlk.Value) + `"`
		}
		dl := Line{Text: text, Tone: styles.DeadLetter, Note: "(" + common.Clean(dlx.Source) + ")"}
		w.emit(prefix, []child{{line: dl, next: w.into(dlx.Value, depth)}})
	}}
}

// into returns the drawing of an exchange an edge leads to, once.
func (w *walker) into(name string, depth int) func(prefix string) {
	return func(prefix string) {
		x, ok := w.g.exchanges[name]
		switch {
		case !ok:
			w.emit(prefix, []child{{line: Line{Text: "no exchange " + common.Name(name), Tone: styles.Error}}})
		case w.seen[name]:
			w.emit(prefix, []child{{line: Line{Text: "⬢ " + common.Name(name), Tone: styles.Exchange, Note: "(drawn above)"}}})
		default:
			w.seen[name] = true
			w.emit(prefix, []child{{
				line: Line{Text: "⬢ " + common.Name(name), Tone: styles.Exchange, Note: "(" + common.Clean(x.Type) + ")"},
				next: func(p string) { w.exchange(x, p, depth+1) },
			}})
		}
	}
}

func headersText(b broker.Binding) string {
	parts := make([]string, 0, len(b.Arguments))
	for _, k := range b.Arguments.Keys() {
		parts = append(parts, k+"="+b.Arguments[k].Literal())
	}
	return common.Clean(strings.Join(parts, " "))
}
