package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// osloTargetsJSON is kaiten targets --output json: the oslo.messaging bus
// read from the vhost's names (model.DiscoverOslo).
type osloTargetsJSON struct {
	Vhost            string                `json:"vhost"`
	ControlExchanges []string              `json:"control_exchanges"`
	Targets          []osloTargetJSON      `json:"targets"`
	Notifications    []osloNotifyTopicJSON `json:"notifications"`
	ReplyQueues      []string              `json:"reply_queues"`
	Warnings         []model.Warning       `json:"warnings"`
}

type osloTargetJSON struct {
	Topic        string           `json:"topic"`
	Exchanges    []string         `json:"exchanges"`
	Queue        string           `json:"queue,omitempty"`
	Servers      []osloServerJSON `json:"servers"`
	Fanout       string           `json:"fanout,omitempty"`
	FanoutQueues []string         `json:"fanout_queues"`
}

type osloServerJSON struct {
	Name      string   `json:"name"`
	Queue     string   `json:"queue"`
	Exchanges []string `json:"exchanges"`
}

type osloNotifyTopicJSON struct {
	Exchange string   `json:"exchange"`
	Topic    string   `json:"topic"`
	Queues   []string `json:"queues"`
	Pools    []string `json:"pools"`
}

// runOsloTargets is kaiten targets: the RPC targets (topics and their
// servers), fanouts and notification topics of the oslo.messaging bus on
// a vhost, discovered from its names and bindings.
func runOsloTargets(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten targets"
	f := &osloFlags{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	fs.BoolVar(&f.oslo, "oslo", true, "oslo.messaging targets (the only kind)")
	fs.StringVar(&f.exchange, "exchange", "", "only this control exchange (default: every one)")
	fs.StringVar(&f.output, "output", "text", "text or json")
	err := parseFlags(fs, args)
	if err == nil {
		err = checkOutput(f.output, "text", "json")
	}
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, true, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	_, v, code, err := readTopology(ctx, s)
	if err != nil {
		fail(stderr, cmd, err)
		return code
	}
	j := osloTargets(s.Vhost(), model.DiscoverOslo(&v), f.exchange)
	if f.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		err = enc.Encode(j)
	} else {
		_, err = io.WriteString(stdout, osloTargetsText(j))
	}
	if err != nil {
		fail(stderr, cmd, err)
		return exitFailed
	}
	return exitOK
}

// osloTargets converts a discovery, keeping only what concerns exchange
// when it is not "".
func osloTargets(vhost string, t model.OsloTopology, exchange string) osloTargetsJSON {
	keep := func(xs []string) bool { return exchange == "" || slices.Contains(xs, exchange) }
	j := osloTargetsJSON{
		Vhost: vhost, ControlExchanges: nonNil(t.ControlExchanges), Targets: []osloTargetJSON{},
		Notifications: []osloNotifyTopicJSON{}, ReplyQueues: nonNil(t.ReplyQueues), Warnings: t.Warnings,
	}
	if exchange != "" {
		j.ControlExchanges = slices.DeleteFunc(j.ControlExchanges, func(x string) bool { return x != exchange })
	}
	if j.Warnings == nil {
		j.Warnings = []model.Warning{}
	}
	fanouts := map[string][]string{}
	for _, g := range t.Fanouts {
		fanouts[g.Topic] = g.Queues
	}
	for _, tg := range t.Targets {
		xs := slices.Clone(tg.Exchanges)
		for _, sv := range tg.Servers {
			for _, x := range sv.Exchanges {
				if !slices.Contains(xs, x) {
					xs = append(xs, x)
				}
			}
		}
		if !keep(xs) {
			continue
		}
		o := osloTargetJSON{
			Topic: tg.Topic, Exchanges: nonNil(tg.Exchanges), Queue: tg.Queue, Servers: []osloServerJSON{},
			Fanout: tg.Fanout, FanoutQueues: nonNil(fanouts[tg.Topic]),
		}
		for _, sv := range tg.Servers {
			o.Servers = append(o.Servers, osloServerJSON{Name: sv.Name, Queue: sv.Queue, Exchanges: nonNil(sv.Exchanges)})
		}
		j.Targets = append(j.Targets, o)
	}
	for _, n := range t.Notifications {
		if keep([]string{n.Exchange}) {
			j.Notifications = append(j.Notifications, osloNotifyTopicJSON{
				Exchange: n.Exchange, Topic: n.Topic, Queues: nonNil(n.Queues), Pools: nonNil(n.Pools),
			})
		}
	}
	return j
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// osloTargetsText writes the discovery for people, each section with the
// command that uses it.
func osloTargetsText(j osloTargetsJSON) string {
	var b strings.Builder
	p := func(ss []string) string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = model.Printable(s)
		}
		return strings.Join(out, " ")
	}
	if len(j.ControlExchanges) == 0 && len(j.Targets) == 0 {
		fmt.Fprintf(&b, "no oslo.messaging bus on vhost %s: no topic exchange binds queues named like their routing keys\n", strconv.Quote(j.Vhost))
	} else {
		fmt.Fprintf(&b, "oslo.messaging on vhost %s, control exchanges: %s\n", strconv.Quote(j.Vhost), p(j.ControlExchanges))
	}
	if len(j.Targets) > 0 {
		b.WriteString("\nRPC targets (kaiten call --oslo --exchange X --topic T [--server S]):\n")
	}
	for _, t := range j.Targets {
		fmt.Fprintf(&b, "  %s on %s", model.Printable(t.Topic), p(t.Exchanges))
		if t.Queue == "" {
			b.WriteString(" (no shared topic queue)")
		}
		b.WriteByte('\n')
		if len(t.Servers) > 0 {
			names := make([]string, len(t.Servers))
			for i, s := range t.Servers {
				names[i] = s.Name
			}
			fmt.Fprintf(&b, "    servers: %s\n", p(names))
		}
		if t.Fanout != "" {
			fmt.Fprintf(&b, "    fanout: %s, %d queue(s)\n", model.Printable(t.Fanout), len(t.FanoutQueues))
		}
	}
	if len(j.Notifications) > 0 {
		b.WriteString("\nnotifications (kaiten notifications --exchange X --topic T):\n")
	}
	for _, n := range j.Notifications {
		fmt.Fprintf(&b, "  %s on %s", model.Printable(n.Topic), model.Printable(n.Exchange))
		if len(n.Queues) > 0 {
			fmt.Fprintf(&b, ", queues %s", p(n.Queues))
		}
		if len(n.Pools) > 0 {
			fmt.Fprintf(&b, ", listener pools %s", p(n.Pools))
		}
		b.WriteByte('\n')
	}
	if len(j.ReplyQueues) > 0 {
		fmt.Fprintf(&b, "\n%d reply queue(s) of callers\n", len(j.ReplyQueues))
	}
	if len(j.Warnings) > 0 {
		b.WriteString("\nwarnings:\n")
		for _, w := range j.Warnings {
			fmt.Fprintf(&b, "  %s\n", model.Printable(w.String()))
		}
	}
	return b.String()
}
