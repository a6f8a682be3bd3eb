// Package rpc is the RPC console: oslo.messaging calls and casts (method,
// arguments and context to a topic, a server, or every server) or plain
// AMQP calls on direct reply-to, with targets completed from the live
// topology. It shows the reply and its round trip, the remote exception
// with its traceback, or the queue a timed-out call waited on, and keeps
// a history of calls to see again, edit or re-run.
package rpc

import (
	"cmp"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/complete"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// The oslo fields, in tab order.
const (
	OsloExchange = iota
	OsloTopic
	OsloServer
	OsloMethod
	OsloArgs
	OsloContext
	OsloNamespace
	OsloVersion
	OsloTimeout
	OsloFanout
	numOslo
)

// The plain AMQP fields, in tab order.
const (
	AMQPExchange = iota
	AMQPKey
	AMQPBody
	AMQPTimeout
	numAMQP
)

// callMargin is how much longer than its own timeout a call's command
// may take before it is abandoned.
const callMargin = 5 * time.Second

// maxCandidates is how many completions a field offers.
const maxCandidates = 8

// Model is the RPC console.
type Model struct {
	c       *common.Common
	keys    KeyMap
	mode    Mode
	inputs  [2][]input.Model // by mode, then field
	fanout  bool
	focus   [2]int
	editing bool
	cands   complete.Cycler

	topo    model.OsloTopology
	topoSeq uint64
	topoFor string

	history []*Entry // oldest first
	sel     int      // the entry shown, an index into history
	nextID  int
	formErr string
	result  scroll.Model
	now     func() time.Time
	w, h    int
}

// New returns the console in oslo mode, editing the control exchange.
func New(c *common.Common) *Model {
	m := &Model{c: c, keys: DefaultKeyMap(), editing: true, result: scroll.New(), now: time.Now, sel: -1}
	m.inputs[ModeOslo] = make([]input.Model, numOslo)
	m.inputs[ModeAMQP] = make([]input.Model, numAMQP)
	for _, ins := range m.inputs {
		for i := range ins {
			ins[i] = input.New()
		}
	}
	m.discover()
	m.completions()
	return m
}

// SetNow sets the clock the history reads, for tests.
func (m *Model) SetNow(now func() time.Time) { m.now = now }

// Kind returns KindRPC.
func (m *Model) Kind() common.Kind { return common.KindRPC }

// Title says the mode and the vhost.
func (m *Model) Title() string {
	return "rpc (" + m.mode.String() + ") in vhost " + common.Clean(m.vhost())
}

// Capturing reports whether keys go to the fields.
func (m *Model) Capturing() bool { return m.editing }

// Esc stops editing; when not editing the root goes back.
func (m *Model) Esc() bool {
	if !m.editing {
		return false
	}
	m.editing = false
	return true
}

// Mode returns the console's mode.
func (m *Model) Mode() Mode { return m.mode }

// SetMode switches between oslo and plain AMQP.
func (m *Model) SetMode(md Mode) {
	m.mode = md
	m.formErr = ""
	m.completions()
	m.SetSize(m.w, m.h)
}

// Focused returns the focused field of the mode.
func (m *Model) Focused() int { return m.focus[m.mode] }

// SetField sets a field's text in a mode; for OsloFanout, "" is off.
func (m *Model) SetField(md Mode, field int, text string) {
	if md == ModeOslo && field == OsloFanout {
		m.fanout = text != ""
		return
	}
	m.inputs[md][field].SetValue(text)
	m.completions()
}

// History returns the calls made, oldest first.
func (m *Model) History() []*Entry { return m.history }

// Shown returns the entry the result pane shows, nil before any.
func (m *Model) Shown() *Entry {
	if m.sel < 0 || m.sel >= len(m.history) {
		return nil
	}
	return m.history[m.sel]
}

// vhost is the vhost the console acts in: the one in view, else "/".
func (m *Model) vhost() string { return cmp.Or(m.c.Vhost, "/") }

// OsloForm returns the oslo form's text.
func (m *Model) OsloForm() OsloForm {
	v := func(f int) string { return m.inputs[ModeOslo][f].Value() }
	return OsloForm{
		Exchange: v(OsloExchange), Topic: v(OsloTopic), Server: v(OsloServer), Method: v(OsloMethod),
		Args: v(OsloArgs), Context: v(OsloContext), Namespace: v(OsloNamespace), Version: v(OsloVersion),
		Timeout: v(OsloTimeout), Fanout: m.fanout,
	}
}

// AMQPForm returns the plain form's text.
func (m *Model) AMQPForm() AMQPForm {
	v := func(f int) string { return m.inputs[ModeAMQP][f].Value() }
	return AMQPForm{Exchange: v(AMQPExchange), RoutingKey: v(AMQPKey), Body: v(AMQPBody), Timeout: v(AMQPTimeout)}
}

// load puts an entry's request back in the form.
func (m *Model) load(e *Entry) {
	m.mode = e.Mode
	if e.Mode == ModeAMQP {
		f := e.AMQP
		for i, s := range []string{f.Exchange, f.RoutingKey, f.Body, f.Timeout} {
			m.inputs[ModeAMQP][i].SetValue(s)
		}
	} else {
		f := e.Oslo
		for i, s := range []string{f.Exchange, f.Topic, f.Server, f.Method, f.Args, f.Context, f.Namespace, f.Version, f.Timeout} {
			m.inputs[ModeOslo][i].SetValue(s)
		}
		m.fanout = f.Fanout
	}
	m.completions()
	m.SetSize(m.w, m.h)
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.result.SetSize(w, m.resultHeight())
	m.render()
}

// Update handles keys, pastes, refreshes and the replies.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.render()
		return m.discoverCmd()
	case topoMsg:
		m.setTopology(msg)
		m.render()
	case DoneMsg:
		m.done(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.editing {
			m.toField(msg)
		}
	case tea.MouseWheelMsg:
		m.result, _ = m.result.Update(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Call):
		return m.Send(true)
	case key.Matches(msg, k.Cast):
		return m.Send(false)
	case key.Matches(msg, k.Mode):
		m.SetMode(1 - m.mode)
		return nil
	case key.Matches(msg, k.PageUp), key.Matches(msg, k.PageDown):
		m.result, _ = m.result.Update(msg)
		return nil
	}
	if m.editing {
		m.editKey(msg)
		return nil
	}
	switch {
	case key.Matches(msg, k.HistUp):
		m.show(m.sel + 1)
	case key.Matches(msg, k.HistDown):
		m.show(m.sel - 1)
	case key.Matches(msg, k.Load) && m.Shown() != nil:
		m.load(m.Shown())
		m.editing = true
	case key.Matches(msg, k.Rerun) && m.Shown() != nil:
		return m.rerun(m.Shown())
	case key.Matches(msg, k.Edit), key.Matches(msg, k.Load):
		m.editing = true
	default:
		m.result, _ = m.result.Update(msg)
	}
	return nil
}

func (m *Model) editKey(msg tea.KeyPressMsg) {
	k := m.keys
	f := m.focus[m.mode]
	switch {
	case key.Matches(msg, k.Next):
		m.move(1)
	case key.Matches(msg, k.Prev):
		m.move(-1)
	case key.Matches(msg, k.Accept):
		m.move(1)
	case m.mode == ModeOslo && f == OsloFanout:
		if key.Matches(msg, k.Toggle) {
			m.fanout = !m.fanout
			m.completions()
		}
	case m.completes(f) && key.Matches(msg, k.CandDown):
		m.cycle(1)
	case m.completes(f) && key.Matches(msg, k.CandUp):
		m.cycle(-1)
	default:
		m.toField(msg)
	}
}

// toField gives a key or a paste to the focused field.
func (m *Model) toField(msg tea.Msg) {
	f := m.focus[m.mode]
	if m.mode == ModeOslo && f == OsloFanout {
		return
	}
	var changed bool
	if m.inputs[m.mode][f], changed = m.inputs[m.mode][f].Update(msg); changed {
		m.formErr = m.fieldErr(f)
		m.completions()
	}
}

// fieldErr checks a field that has a syntax as it is typed: the JSON of
// the arguments and the context, the timeout.
func (m *Model) fieldErr(f int) string {
	in := m.inputs[m.mode][f].Value()
	var err error
	switch {
	case m.mode == ModeOslo && (f == OsloArgs || f == OsloContext):
		_, err = ParseObject(in)
	case m.mode == ModeOslo && f == OsloTimeout, m.mode == ModeAMQP && f == AMQPTimeout:
		_, err = ParseTimeout(in, time.Second)
	}
	if err != nil {
		label := osloSpecs[f].label
		if m.mode == ModeAMQP {
			label = amqpSpecs[f].label
		}
		return (&FieldError{Field: label, Err: err}).Error()
	}
	return ""
}

func (m *Model) move(d int) {
	n := numOslo
	if m.mode == ModeAMQP {
		n = numAMQP
	}
	m.focus[m.mode] = (m.focus[m.mode] + d + n) % n
	m.completions()
}

// cycle picks the next or previous completion into the field.
func (m *Model) cycle(d int) {
	if s, ok := m.cands.Step(d); ok {
		m.inputs[m.mode][m.focus[m.mode]].SetValue(s)
	}
}

// show shows the history entry i, within the history.
func (m *Model) show(i int) {
	if len(m.history) == 0 {
		return
	}
	i = min(max(i, 0), len(m.history)-1)
	if i != m.sel {
		m.sel = i
		m.result.ScrollTo(0)
		m.SetSize(m.w, m.h)
	}
}

// ShortHelp returns the keys that matter now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.editing {
		return []key.Binding{k.Next, k.Call, k.Cast, k.Mode, k.Done}
	}
	return []key.Binding{k.Edit, k.Call, k.Cast, k.HistUp, k.Load, k.Rerun}
}

// FullHelp returns every key of the view.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Call, k.Cast, k.Mode, k.Next, k.Prev, k.Accept, k.Toggle, k.CandUp, k.CandDown, k.Done, k.Edit},
		{k.HistUp, k.HistDown, k.Load, k.Rerun, k.PageUp, k.PageDown},
	}
}
