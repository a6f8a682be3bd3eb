package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

type topologyFlags struct {
	conn   connFlags
	output string
}

// runTopology prints the live topology of the vhost: a tree for people,
// a definitions export (JSON, which kaiten trace --definitions reads), or
// a graph for Graphviz (dot) or Mermaid.
func runTopology(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten topology"
	f := &topologyFlags{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	fs.StringVar(&f.output, "output", "tree", "tree, json (a definitions export), dot (Graphviz) or mermaid")
	err := parseFlags(fs, args)
	if err == nil {
		err = checkOutput(f.output, "tree", "json", "dot", "mermaid")
	}
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, true, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	snap, v, code, err := readTopology(ctx, s)
	if err != nil {
		fail(stderr, cmd, err)
		return code
	}
	switch f.output {
	case "json":
		err = writeTopologyJSON(stdout, snap, v)
	case "dot":
		err = writeDot(stdout, v)
	case "mermaid":
		err = writeMermaid(stdout, v)
	default:
		err = writeTree(stdout, snap, v)
	}
	if err != nil {
		fail(stderr, cmd, err)
		return exitFailed
	}
	return exitOK
}

// readTopology reads the topology of the session's vhost: the snapshot
// and the vhost as the model sees it. On failure code is the exit status
// it calls for: exitUsage when the broker cannot be read, exitFailed when
// what it said cannot be understood.
func readTopology(ctx context.Context, s *broker.Session) (*broker.Snapshot, model.Vhost, int, error) {
	snap, err := s.Snapshot(ctx, broker.SnapshotOptions{Vhost: s.Vhost(), Kinds: broker.TopologyKinds})
	if err != nil {
		return nil, model.Vhost{}, exitUsage, err
	}
	v, err := snap.ModelVhost(s.Vhost())
	if err != nil {
		return nil, model.Vhost{}, exitFailed, err
	}
	return snap, v, exitOK, nil
}

// writeTopologyJSON writes the vhost as a one-vhost definitions export,
// leaving out the built-in exchanges as RabbitMQ's exports do.
func writeTopologyJSON(w io.Writer, snap *broker.Snapshot, v model.Vhost) error {
	v.Exchanges = userExchanges(v)
	defs := model.Definitions{
		RabbitMQVersion: snap.Overview.RabbitMQVersion, Vhosts: []model.Vhost{v},
		Format: model.DefinitionsFormat{OneVhost: true, QueueType: true},
	}
	data, err := json.MarshalIndent(&defs, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

func userExchanges(v model.Vhost) []model.Exchange {
	var out []model.Exchange
	for _, x := range v.Exchanges {
		if !x.Builtin {
			out = append(out, x)
		}
	}
	return out
}

// edge is a binding, or an alternate exchange, drawn from an exchange.
type edge struct {
	dest      string
	toQueue   bool
	key       string
	args      string // the binding's arguments as JSON, "" when none
	alternate bool
}

// label is the edge's text: the key, and the arguments when there are.
func (e edge) label() string {
	if e.alternate {
		return "alternate exchange"
	}
	return strings.TrimSpace(e.key + " " + e.args)
}

// edgesFrom lists each exchange's bindings and alternate exchange.
func edgesFrom(v model.Vhost) map[string][]edge {
	out := map[string][]edge{}
	for _, b := range v.Bindings {
		e := edge{dest: b.Destination, toQueue: b.DestinationType == model.DestQueue, key: b.RoutingKey}
		if len(b.Arguments) > 0 {
			args, _ := json.Marshal(b.Arguments)
			e.args = string(args)
		}
		out[b.Source] = append(out[b.Source], e)
	}
	for _, x := range v.Exchanges {
		if ae, ok := x.Arguments.StringValue("alternate-exchange"); ok {
			out[x.Name] = append(out[x.Name], edge{dest: ae, alternate: true})
		}
	}
	return out
}

// writeTree writes the topology for people: each exchange with what it
// routes to, then the queues.
func writeTree(w io.Writer, snap *broker.Snapshot, v model.Vhost) error {
	var b strings.Builder
	fmt.Fprintf(&b, "vhost %s on %s\n", strconv.Quote(v.Name), model.Printable(snap.Overview.Version()))
	edges := edgesFrom(v)
	b.WriteString("exchanges\n")
	hidden := 0
	var shown []model.Exchange
	for _, x := range v.Exchanges {
		if x.Builtin && len(edges[x.Name]) == 0 {
			hidden++
			continue
		}
		shown = append(shown, x)
	}
	for i, x := range shown {
		branch, indent := treeBranch(i, len(shown))
		fmt.Fprintf(&b, "%s%s %s%s\n", branch, strconv.Quote(x.Name), model.Printable(x.Type), exchangeFlags(x))
		for j, e := range edges[x.Name] {
			sub, _ := treeBranch(j, len(edges[x.Name]))
			kind := "exchange"
			if e.toQueue {
				kind = "queue"
			}
			label := strconv.Quote(e.key)
			switch {
			case e.alternate:
				label = "(unroutable: alternate exchange)"
			case e.args != "":
				label += " " + model.Printable(e.args)
			}
			fmt.Fprintf(&b, "%s%s%s → %s %s\n", indent, sub, label, kind, strconv.Quote(e.dest))
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "(%d built-in exchanges without bindings not shown)\n", hidden)
	}
	b.WriteString("queues\n")
	depth := map[string]broker.Queue{}
	for _, q := range snap.Queues {
		depth[q.Name] = q
	}
	for i, q := range v.Queues {
		branch, _ := treeBranch(i, len(v.Queues))
		info := depth[q.Name]
		fmt.Fprintf(&b, "%s%s %s%s, %d ready, %d unacked\n", branch, strconv.Quote(q.Name), model.Printable(q.Type),
			queueFlags(q), info.Ready, info.Unacked)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func treeBranch(i, n int) (branch, indent string) {
	if i == n-1 {
		return "└─ ", "   "
	}
	return "├─ ", "│  "
}

func exchangeFlags(x model.Exchange) string {
	var fs []string
	if x.Durable {
		fs = append(fs, "durable")
	}
	if x.AutoDelete {
		fs = append(fs, "auto-delete")
	}
	if x.Internal {
		fs = append(fs, "internal")
	}
	if x.Builtin {
		fs = append(fs, "built in")
	}
	if len(fs) == 0 {
		return ""
	}
	return " (" + strings.Join(fs, ", ") + ")"
}

func queueFlags(q model.Queue) string {
	var fs []string
	for _, f := range []struct {
		on   bool
		name string
	}{{q.Durable, "durable"}, {q.AutoDelete, "auto-delete"}, {q.Exclusive, "exclusive"}} {
		if f.on {
			fs = append(fs, f.name)
		}
	}
	if len(fs) == 0 {
		return ""
	}
	return " " + strings.Join(fs, " ")
}
