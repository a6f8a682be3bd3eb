package overview

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/sparkline"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Counts are the objects of the vhost in view.
type Counts struct {
	Exchanges, Queues, Bindings, Connections, Channels, Consumers int
	Ready, Unacked                                                int64
}

// CountObjects counts the snapshot's objects in a vhost ("" for all).
func CountObjects(s *broker.Snapshot, vhost string) Counts {
	var n Counts
	for _, x := range s.Exchanges {
		if common.InVhost(vhost, x.Vhost) {
			n.Exchanges++
		}
	}
	for _, q := range s.Queues {
		if common.InVhost(vhost, q.Vhost) {
			n.Queues++
			n.Ready += q.Ready
			n.Unacked += q.Unacked
		}
	}
	for _, b := range s.Bindings {
		if common.InVhost(vhost, b.Vhost) && !b.Implicit {
			n.Bindings++
		}
	}
	for _, c := range s.Connections {
		if common.InVhost(vhost, c.Vhost) {
			n.Connections++
		}
	}
	for _, c := range s.Channels {
		if common.InVhost(vhost, c.Vhost) {
			n.Channels++
		}
	}
	for _, c := range s.Consumers {
		if common.InVhost(vhost, c.Vhost) {
			n.Consumers++
		}
	}
	return n
}

// rateLine is one line of the rates block.
type rateLine struct {
	label, stat string
	value       string
}

// summary draws the block above the vhost table, with the object counts
// n.
func summary(c *common.Common, n Counts, width int) []string {
	st, s := c.Styles, c.Data.Snap
	label := func(l string) string { return st.Label.Render(fmt.Sprintf(" %-10s", l)) }
	ov := s.Overview
	product := "RabbitMQ " + common.Clean(ov.Version())
	if ov.ProductName != "" && ov.ProductName != "RabbitMQ" {
		product = common.Clean(ov.ProductName+" "+ov.ProductVersion) + " (as RabbitMQ " + common.Clean(ov.RabbitMQVersion) + ")"
	}
	if ov.ErlangVersion != "" {
		product += " · " + runtimeLabel(ov.ErlangVersion)
	}
	if ov.ClusterName != "" {
		product += " · cluster " + common.Clean(ov.ClusterName)
	}
	kv := func(k string, v int) string { return st.Label.Render(k+" ") + strconv.Itoa(v) }
	lines := []string{
		label("broker") + product,
		label("objects") + strings.Join([]string{
			kv("exchanges", n.Exchanges), kv("queues", n.Queues), kv("bindings", n.Bindings),
			kv("connections", n.Connections), kv("channels", n.Channels), kv("consumers", n.Consumers),
		}, "  "),
		label("messages") + st.Label.Render("ready ") + common.Count(n.Ready) + "  " + st.Label.Render("unacked ") + common.Count(n.Unacked),
		label("listeners") + listeners(ov.Listeners),
		"",
	}
	return append(lines, rates(c, width)...)
}

func listeners(ls []broker.Listener) string {
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, common.Clean(l.Protocol)+" "+common.Clean(l.IPAddress)+":"+strconv.Itoa(l.Port))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " · ")
}

// rates draws the rate lines with their sparklines.
func rates(c *common.Common, width int) []string {
	st := c.Styles
	var r broker.Rates
	if c.Data.Rates != nil {
		r = c.Data.Rates.Totals
		if c.Vhost != "" {
			r = c.Data.Rates.Vhosts[c.Vhost]
		}
	}
	unroutable, ok := r.Get(broker.StatReturnUnroutable)
	dropped, ok2 := r.Get(broker.StatDropUnroutable)
	scope := "all vhosts"
	if c.Vhost != "" {
		scope = "vhost " + common.Clean(c.Vhost)
	}
	rows := []rateLine{
		{"publish", common.TotPublish, common.Rate(r.Get(broker.StatPublish))},
		{"deliver", common.TotDeliver, common.Rate(r.Get(broker.StatDeliverGet))},
		{"ack", common.TotAck, common.Rate(r.Get(broker.StatAck))},
		{"unroutable", common.TotUnroutable, common.Rate(unroutable+dropped, ok || ok2)},
		{"queued", common.TotMessages, ""},
	}
	spark := max(min(width-24, common.HistoryLen), 0)
	out := []string{st.Title.Render(" rates") + st.Label.Render(" ("+scope+")")}
	for _, l := range rows {
		series := c.Data.History.Total(c.Vhost, l.stat)
		v := l.value
		if l.stat == common.TotMessages {
			if last := series.Last(1); len(last) == 1 {
				v = common.Count(int64(last[0]))
			}
		}
		if v == "" {
			v = "…"
		}
		tone := styles.Spark
		if l.stat == common.TotUnroutable {
			tone = styles.Warn
		}
		out = append(out, st.Label.Render(fmt.Sprintf(" %-10s", l.label))+common.Fit(v, 9, true)+"  "+
			st.Tone(tone).Render(sparkline.Render(series.Last(spark), spark)))
	}
	return out
}

// runtimeLabel names what the broker runs on from the overview's
// erlang_version: kaiten's embedded broker fills it with its Go version
// ("go1.26.8"), which is no Erlang.
func runtimeLabel(v string) string {
	v = common.Clean(v)
	if strings.HasPrefix(v, "go") {
		return "runtime " + v
	}
	return "Erlang " + v
}
