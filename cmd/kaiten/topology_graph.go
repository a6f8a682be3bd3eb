package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// graphDialect is how one graph language writes nodes and edges; ids are
// x0, q0, m0 …, never names, so names are only ever quoted labels.
type graphDialect struct {
	header   string
	exchange func(id, label string) string
	queue    func(id, label string) string
	missing  func(id, label string) string
	edge     func(from, to, label string, alternate bool) string
	footer   string
}

// dot is Graphviz: exchanges as boxes, queues as ellipses, bindings as
// edges labelled with their keys, alternate exchanges dashed.
var dot = graphDialect{
	header: "  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n",
	exchange: func(id, label string) string {
		return fmt.Sprintf("  %s [shape=box, label=%s];\n", id, dotQuote(label))
	},
	queue: func(id, label string) string {
		return fmt.Sprintf("  %s [shape=ellipse, label=%s];\n", id, dotQuote(label))
	},
	missing: func(id, label string) string {
		return fmt.Sprintf("  %s [shape=box, style=dotted, label=%s];\n", id, dotQuote(label))
	},
	edge: func(from, to, label string, alternate bool) string {
		style := ""
		if alternate {
			style = ", style=dashed"
		}
		return fmt.Sprintf("  %s -> %s [label=%s%s];\n", from, to, dotQuote(label), style)
	},
	footer: "}\n",
}

// mermaid is a Mermaid flowchart.
var mermaid = graphDialect{
	header:   "",
	exchange: func(id, label string) string { return fmt.Sprintf("  %s[%s]\n", id, mermaidQuote(label)) },
	queue:    func(id, label string) string { return fmt.Sprintf("  %s([%s])\n", id, mermaidQuote(label)) },
	missing:  func(id, label string) string { return fmt.Sprintf("  %s[%s]\n", id, mermaidQuote(label)) },
	edge: func(from, to, label string, alternate bool) string {
		arrow := "-->"
		if alternate {
			arrow = "-.->"
		}
		if label == "" {
			return fmt.Sprintf("  %s %s %s\n", from, arrow, to)
		}
		return fmt.Sprintf("  %s %s|%s| %s\n", from, arrow, mermaidQuote(label), to)
	},
}

// writeDot writes the topology as a Graphviz digraph.
func writeDot(w io.Writer, v model.Vhost) error {
	d := dot
	d.header = "digraph " + dotQuote("vhost "+v.Name) + " {\n" + d.header
	return writeGraph(w, v, d)
}

// writeMermaid writes the topology as a Mermaid flowchart.
func writeMermaid(w io.Writer, v model.Vhost) error {
	d := mermaid
	d.header = "flowchart LR\n"
	return writeGraph(w, v, d)
}

// writeGraph writes the exchanges (but the default one and the built-in
// ones no binding touches), the queues, the bindings and alternate
// exchanges, and a node for each destination that does not exist.
func writeGraph(w io.Writer, v model.Vhost, d graphDialect) error {
	v = withoutIdleBuiltins(v)
	var b strings.Builder
	b.WriteString(d.header)
	ids := graphIDs(v)
	for _, x := range v.Exchanges {
		if x.Name != model.DefaultExchange {
			b.WriteString(d.exchange(ids.exchange(x.Name), x.Name+"\n"+x.Type))
		}
	}
	for _, q := range v.Queues {
		b.WriteString(d.queue(ids.queue(q.Name), q.Name))
	}
	edges := edgesFrom(v)
	for _, x := range v.Exchanges {
		for _, e := range edges[x.Name] {
			b.WriteString(d.edge(ids.exchange(x.Name), ids.dest(e), e.label(), e.alternate))
		}
	}
	for _, m := range *ids.missing {
		b.WriteString(d.missing(m[0], m[1]+"\n(does not exist)"))
	}
	b.WriteString(d.footer)
	_, err := io.WriteString(w, b.String())
	return err
}

// withoutIdleBuiltins leaves out the built-in exchanges that no binding
// touches, which every vhost has and which only clutter a graph.
func withoutIdleBuiltins(v model.Vhost) model.Vhost {
	used := map[string]bool{}
	for _, b := range v.Bindings {
		used[b.Source] = true
		if b.DestinationType == model.DestExchange {
			used[b.Destination] = true
		}
	}
	xs := make([]model.Exchange, 0, len(v.Exchanges))
	for _, x := range v.Exchanges {
		if !x.Builtin || used[x.Name] {
			xs = append(xs, x)
		}
	}
	v.Exchanges = xs
	return v
}

// dotQuote makes a DOT string: printable, with quotes and backslashes
// escaped, and line breaks as DOT's \n.
func dotQuote(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = model.Printable(l)
		l = strings.ReplaceAll(l, `\`, `\\`)
		lines[i] = strings.ReplaceAll(l, `"`, `\"`)
	}
	return `"` + strings.Join(lines, `\n`) + `"`
}

// mermaidQuote makes a Mermaid label: printable, in quotes, with the
// characters Mermaid reads as markup written as entity codes.
func mermaidQuote(s string) string {
	lines := strings.Split(s, "\n")
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "#", "#35;", "|", "#124;")
	for i, l := range lines {
		lines[i] = r.Replace(model.Printable(l))
	}
	return `"` + strings.Join(lines, "<br/>") + `"`
}

// nodeIDs names the graph's nodes x0, x1, … and q0, q1, ….
type nodeIDs struct {
	exchanges, queues map[string]string
	missing           *[][2]string // id and name of destinations that do not exist
}

func graphIDs(v model.Vhost) nodeIDs {
	ids := nodeIDs{exchanges: map[string]string{}, queues: map[string]string{}, missing: new([][2]string)}
	for i, x := range v.Exchanges {
		ids.exchanges[x.Name] = fmt.Sprintf("x%d", i)
	}
	for i, q := range v.Queues {
		ids.queues[q.Name] = fmt.Sprintf("q%d", i)
	}
	return ids
}

func (n nodeIDs) exchange(name string) string { return n.exchanges[name] }
func (n nodeIDs) queue(name string) string    { return n.queues[name] }

// dest is an edge's destination; one that does not exist (an alternate
// exchange never declared) gets an id of its own, m0, m1, ….
func (n nodeIDs) dest(e edge) string {
	ids := n.exchanges
	if e.toQueue {
		ids = n.queues
	}
	if id, ok := ids[e.dest]; ok {
		return id
	}
	id := fmt.Sprintf("m%d", len(*n.missing))
	ids[e.dest] = id
	*n.missing = append(*n.missing, [2]string{id, e.dest})
	return id
}
