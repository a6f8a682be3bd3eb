package rpc

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// labelWidth is the width of a field's label.
const labelWidth = 11

// spec is a field's label and placeholder.
type spec struct{ label, hint string }

var osloSpecs = [numOslo]spec{
	OsloExchange:  {"exchange", "control exchange; empty is openstack"},
	OsloTopic:     {"topic", "e.g. compute; ↑/↓ complete"},
	OsloServer:    {"server", "empty: any server of the topic"},
	OsloMethod:    {"method", "e.g. ping"},
	OsloArgs:      {"args", `keyword arguments, JSON: {"a": 2, "b": 3}`},
	OsloContext:   {"context", `request context, JSON: {"user_id": "u1"}`},
	OsloNamespace: {"namespace", "the target's namespace, if any"},
	OsloVersion:   {"version", "e.g. 1.0"},
	OsloTimeout:   {"timeout", "default 60s"},
	OsloFanout:    {"fanout", ""},
}

var amqpSpecs = [numAMQP]spec{
	AMQPExchange: {"exchange", "empty is the default exchange; ↑/↓ complete"},
	AMQPKey:      {"key", "the routing key"},
	AMQPBody:     {"body", "the request body"},
	AMQPTimeout:  {"timeout", "default 30s"},
}

// rows lay the fields out: two to a row, or one across the width (-1
// marks an empty half).
var (
	osloRows = [][]int{
		{OsloExchange, OsloTopic},
		{OsloServer, OsloMethod},
		{OsloArgs},
		{OsloContext},
		{OsloNamespace, OsloVersion},
		{OsloTimeout, OsloFanout},
	}
	amqpRows = [][]int{{AMQPExchange, AMQPKey}, {AMQPBody}, {AMQPTimeout, -1}}
)

// formHeight is the lines above the reply: the mode line, the fields,
// the hint line and a rule.
func (m *Model) formHeight() int {
	if m.mode == ModeAMQP {
		return len(amqpRows) + 3
	}
	return len(osloRows) + 3
}

// historyRows is how many past calls are listed.
func (m *Model) historyRows() int {
	if len(m.history) == 0 {
		return 0
	}
	room := max(m.h-m.formHeight(), 0)
	return min(len(m.history), max(room/3, 2))
}

func (m *Model) resultHeight() int {
	h := m.historyRows()
	if h > 0 {
		h++ // its rule
	}
	return max(m.h-m.formHeight()-h, 1)
}

// render lays the shown entry's lines out for the reply pane, or, before
// any call, the RPC targets found on the bus.
func (m *Model) render() {
	st := m.c.Styles
	var lines []Line
	if e := m.Shown(); e != nil {
		lines = e.Lines()
	} else {
		lines = m.targetsHelp()
	}
	var out []string
	for _, l := range lines {
		tone := st.Tone(l.Tone)
		for _, w := range strings.Split(ansi.Wrap(l.Text, max(m.w-2, 10), " "), "\n") {
			out = append(out, " "+tone.Render(w))
		}
	}
	m.result.SetLines(out)
}

// targetsHelp lists the RPC targets found on the bus, before any call.
func (m *Model) targetsHelp() []Line {
	if m.mode == ModeAMQP {
		return []Line{{"no call yet: a call publishes the body with reply_to amq.rabbitmq.reply-to and a correlation id, and waits for the reply", styles.Muted}}
	}
	out := []Line{{"no call yet. RPC targets on this vhost:", styles.Muted}}
	if len(m.topo.Targets) == 0 {
		return append(out, Line{"none found (oslo.messaging names its queues <topic> and <topic>.<server>)", styles.Muted})
	}
	for _, t := range m.topo.Targets {
		var servers []string
		for _, s := range t.Servers {
			servers = append(servers, s.Name)
		}
		text := "  " + strings.Join(t.Exchanges, ",") + " " + t.Topic
		if len(servers) > 0 {
			text += ": " + strings.Join(servers, ", ")
		}
		if t.Fanout != "" {
			text += "  (fanout " + t.Fanout + ")"
		}
		out = append(out, Line{common.Clean(text), styles.Normal})
	}
	return out
}

// View draws the mode line, the form, the hint line, the reply and the
// history.
func (m *Model) View() string {
	lines := []string{m.modeLine()}
	specs, rows := osloSpecs[:], osloRows
	if m.mode == ModeAMQP {
		specs, rows = amqpSpecs[:], amqpRows
	}
	for _, r := range rows {
		lines = append(lines, m.row(specs, r))
	}
	lines = append(lines, m.hintLine(), m.rule("reply"), m.result.View())
	if n := m.historyRows(); n > 0 {
		lines = append(lines, m.rule("history"))
		lines = append(lines, m.historyLines(n)...)
	}
	return common.Lines(strings.Join(lines, "\n"), m.w, m.h)
}

func (m *Model) modeLine() string {
	st := m.c.Styles
	tab := func(md Mode) string {
		if m.mode == md {
			return st.Selected.Render(" " + md.String() + " ")
		}
		return st.Label.Render(" " + md.String() + " ")
	}
	k := m.keys
	keys := []string{k.Mode.Help().Key + " mode", k.Call.Help().Key + " call", k.Cast.Help().Key + " cast"}
	return " " + tab(ModeOslo) + tab(ModeAMQP) + "  " + st.Hint.Render(strings.Join(keys, " · "))
}

// row draws one row of fields.
func (m *Model) row(specs []spec, fields []int) string {
	if len(fields) == 1 {
		return m.cell(specs, fields[0], m.w)
	}
	half := m.w / 2
	return m.cell(specs, fields[0], half) + m.cell(specs, fields[1], m.w-half)
}

// cell draws a field with its label in w cells.
func (m *Model) cell(specs []spec, f, w int) string {
	st := m.c.Styles
	if f < 0 {
		return strings.Repeat(" ", max(w, 0))
	}
	s := specs[f]
	focused := m.editing && m.focus[m.mode] == f
	label := st.Label.Render(" " + common.Fit(s.label, labelWidth-1, false))
	if focused {
		label = st.Prompt.Render("▸" + common.Fit(s.label, labelWidth-1, false))
	}
	room := max(w-labelWidth-1, 1)
	if m.mode == ModeOslo && f == OsloFanout {
		box := "[ ] every server of the topic (casts only)"
		if m.fanout {
			box = "[x] every server of the topic (casts only)"
		}
		return label + common.Fit(st.Input.Render(common.Truncate(box, room)), room, false) + " "
	}
	in := m.inputs[m.mode][f]
	var v string
	switch {
	case in.Value() == "" && !focused:
		v = st.Hint.Render(common.Truncate(s.hint, room))
	case in.Value() == "":
		v = in.View(room, st.Input, st.Cursor, true) + " " + st.Hint.Render(common.Truncate(s.hint, room-2))
	default:
		v = in.View(room, st.Input, st.Cursor, focused)
	}
	return label + common.Fit(v, room, false) + " "
}

// hintLine shows what stops the request, the completions of the focused
// field, or where the request goes.
func (m *Model) hintLine() string {
	st := m.c.Styles
	pad := strings.Repeat(" ", labelWidth)
	if m.formErr != "" {
		return " " + st.StatusError.Render("✗ "+common.Clean(m.formErr))
	}
	if m.editing && m.completes(m.focus[m.mode]) && len(m.cands.Cands) > 0 {
		return pad + m.cands.View(st.Tone(styles.Exchange), st.Selected, m.w-labelWidth)
	}
	if why := m.Disabled(); why != "" {
		return " " + st.StatusError.Render("✗ "+why)
	}
	return pad + st.Label.Render("→ "+m.route())
}

// route says where a request of the form goes.
func (m *Model) route() string {
	if m.mode == ModeAMQP {
		f := m.AMQPForm()
		return "to " + common.Name(f.Exchange) + " with key \"" + common.Clean(f.RoutingKey) + "\"; the reply on direct reply-to"
	}
	f := m.OsloForm()
	if f.Topic == "" {
		return "choose a topic"
	}
	x, k := model.OsloTarget{Exchange: f.Exchange, Topic: f.Topic, Server: f.Server, Fanout: f.Fanout}.Route()
	if f.Fanout {
		return "casts to every server through fanout exchange " + common.Clean(x)
	}
	return "to exchange " + common.Clean(x) + " with routing key " + common.Clean(k)
}

// rule is a horizontal rule with a title.
func (m *Model) rule(title string) string {
	st := m.c.Styles
	head := "─ " + title + " "
	return st.Rule.Render(head + strings.Repeat("─", max(m.w-common.Width(head), 0)))
}

// historyLines lists the newest past calls, the shown one marked.
func (m *Model) historyLines(n int) []string {
	st := m.c.Styles
	// Keep the shown entry in view: the window of n entries ends at the
	// newest unless the shown one is older.
	top := len(m.history) - 1
	if m.sel >= 0 && m.sel < top-n+1 {
		top = m.sel + n - 1
	}
	// The target and method columns share the width with the summary.
	tw, mw := min(max(m.w/5, 12), 28), min(max(m.w/7, 8), 18)
	out := make([]string, 0, n)
	for i := top; i > top-n && i >= 0; i-- {
		e := m.history[i]
		sum, tone := e.Summary()
		head := " " + e.At.Format("15:04:05") + " " + common.Fit(e.Verb(), 6, false) + " " +
			common.Fit(e.Target(), tw, false) + " " + common.Fit(e.Method(), mw, false) + " "
		room := max(m.w-common.Width(head), 0)
		if i == m.sel {
			out = append(out, st.Selected.Render(common.Fit(head+common.Truncate(sum, room), m.w, false)))
			continue
		}
		out = append(out, st.Label.Render(head)+st.Tone(tone).Render(common.Truncate(sum, room)))
	}
	return out
}
