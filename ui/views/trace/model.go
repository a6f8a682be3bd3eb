// Package trace is the trace view: choose an exchange (fuzzy), type a
// routing key and headers, and the route through the live topology is
// redrawn at each keystroke with model.Router's explanations: matched
// bindings, near misses and why, alternate exchanges, dead-letter
// branches, the queues reached, or why nothing is.
package trace

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// The fields, in tab order.
const (
	FieldExchange = iota
	FieldKey
	FieldHeaders
	numFields
)

// maxCandidates is how many exchanges the picker offers.
const maxCandidates = 8

// Model is the trace view.
type Model struct {
	c       *common.Common
	keys    KeyMap
	inputs  [numFields]input.Model
	focus   int
	editing bool
	vhost   string // the vhost traced in

	cands   []string // exchange names the exchange field matches
	candHL  [][]int  // the bytes of each candidate the text matched
	candSel int

	router    *model.Router
	routerSeq uint64
	routerFor string
	routerErr error

	headersErr string
	trace      *model.Trace
	scroll     scroll.Model
	w, h       int

	// "verify live": the confirmation or the probe under way, the last
	// outcome, and why verifying was refused.
	verify       verifyState
	verifyID     int
	verification *Verification
	verifyNote   string
	// verifyFrom and verifyTo are the lines of the route the verify rows
	// take, from render.
	verifyFrom, verifyTo int
}

// New returns the trace view, editing, and prefilled from ref when it
// names an exchange or a queue.
func New(c *common.Common, ref common.Ref) *Model {
	m := &Model{c: c, keys: DefaultKeyMap(), scroll: scroll.New(), editing: true}
	for i := range m.inputs {
		m.inputs[i] = input.New()
	}
	m.Open(ref)
	return m
}

// Open prefills the probe: an exchange is chosen, a queue is reached
// through the default exchange by its name.
func (m *Model) Open(ref common.Ref) {
	m.editing = true
	k, ok := ref.Key.(broker.ObjectKey)
	switch {
	case ok && ref.Type == common.ObjExchange:
		m.vhost = k.Vhost
		m.inputs[FieldExchange].SetValue(k.Name)
		m.focus = FieldKey
	case ok && ref.Type == common.ObjQueue:
		m.vhost = k.Vhost
		m.inputs[FieldExchange].SetValue("")
		m.inputs[FieldKey].SetValue(k.Name)
		m.focus = FieldKey
	default:
		m.focus = FieldExchange
	}
	m.recompute()
}

// Kind returns KindTrace.
func (m *Model) Kind() common.Kind { return common.KindTrace }

// Title says what is traced.
func (m *Model) Title() string { return "trace in vhost " + common.Clean(m.traceVhost()) }

// Capturing reports whether keys go to the fields or the confirmation.
func (m *Model) Capturing() bool { return m.editing || m.verify == verifyAsking }

// Esc stops editing, or cancels the confirmation; otherwise the root goes
// back.
func (m *Model) Esc() bool {
	if m.verify == verifyAsking {
		m.verify = verifyIdle
		m.render()
		return true
	}
	if !m.editing {
		return false
	}
	m.editing = false
	return true
}

// Trace returns the current trace, nil before a snapshot.
func (m *Model) Trace() *model.Trace { return m.trace }

// Value returns a field's text.
func (m *Model) Value(field int) string { return m.inputs[field].Value() }

// traceVhost is the vhost traced in: the prefilled one, else the one in
// view, else "/".
func (m *Model) traceVhost() string {
	switch {
	case m.vhost != "":
		return m.vhost
	case m.c.Vhost != "":
		return m.c.Vhost
	}
	return "/"
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.scroll.SetSize(w, max(h-m.formHeight(), 0))
	m.render()
}

// Update handles refreshes, editing and scrolling.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.recompute()
	case VerifiedMsg:
		m.verified(msg)
	case tea.KeyPressMsg:
		if m.verify == verifyAsking {
			return m.verifyKey(msg)
		}
		if m.editing {
			m.editKey(msg)
			return nil
		}
		m.verifyNote = ""
		switch {
		case key.Matches(msg, m.keys.Edit):
			m.editing = true
			m.render()
			return nil
		case key.Matches(msg, m.keys.Verify):
			m.askVerify()
			return nil
		}
		m.scroll, _ = m.scroll.Update(msg)
	case tea.PasteMsg:
		if m.editing {
			var changed bool
			if m.inputs[m.focus], changed = m.inputs[m.focus].Update(msg); changed {
				m.candSel = 0
				m.recompute()
			}
		}
	case tea.MouseWheelMsg:
		m.scroll, _ = m.scroll.Update(msg)
	}
	return nil
}

func (m *Model) editKey(msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Next):
		m.move(1)
	case key.Matches(msg, k.Prev):
		m.move(-1)
	case key.Matches(msg, k.Accept):
		if m.focus == FieldHeaders {
			m.editing = false
			return
		}
		m.move(1)
	case m.focus == FieldExchange && key.Matches(msg, k.CandUp):
		m.candSel = max(m.candSel-1, 0)
		m.recompute()
	case m.focus == FieldExchange && key.Matches(msg, k.CandDown):
		m.candSel = min(m.candSel+1, max(len(m.cands)-1, 0))
		m.recompute()
	case msg.String() == "pgup" || msg.String() == "pgdown":
		m.scroll, _ = m.scroll.Update(msg)
	default:
		var changed bool
		if m.inputs[m.focus], changed = m.inputs[m.focus].Update(msg); changed {
			m.candSel = 0
			m.recompute()
		}
	}
}

// move leaves the focused field for another; leaving the exchange field
// takes the chosen candidate as its text.
func (m *Model) move(d int) {
	if m.focus == FieldExchange {
		if name, ok := m.chosen(); ok && name != m.inputs[FieldExchange].Value() {
			m.inputs[FieldExchange].SetValue(name)
		}
	}
	m.focus = (m.focus + d + numFields) % numFields
	m.recompute()
}

// chosen is the exchange the probe is published to: the field's text
// when an exchange has that name (or it is empty: the default exchange),
// else the selected fuzzy candidate.
func (m *Model) chosen() (string, bool) {
	text := m.inputs[FieldExchange].Value()
	if text == "" || m.router == nil {
		return text, true
	}
	if m.candSel > 0 && m.candSel < len(m.cands) {
		return m.cands[m.candSel], true
	}
	if _, ok := m.router.Vhost().Exchange(text); ok {
		return text, true
	}
	if len(m.cands) > 0 {
		return m.cands[0], true
	}
	return text, false
}

// recompute rebuilds the router when the snapshot changed, the exchange
// candidates, and the trace.
func (m *Model) recompute() {
	d := m.c.Data
	if !d.Ready() {
		return
	}
	vhost := m.traceVhost()
	if m.router == nil || m.routerSeq != d.Seq || m.routerFor != vhost {
		m.router, m.routerErr = d.Snap.Router(vhost)
		m.routerSeq, m.routerFor = d.Seq, vhost
	}
	if m.routerErr != nil {
		m.trace = nil
		m.render()
		return
	}
	m.candidates()
	headers, err := ParseHeaders(m.inputs[FieldHeaders].Value())
	m.headersErr = ""
	if err != nil {
		m.headersErr = err.Error()
	}
	exchange, _ := m.chosen()
	t := m.router.Trace(model.Message{Exchange: exchange, RoutingKey: m.inputs[FieldKey].Value(), Headers: headers},
		model.TraceOptions{NearMisses: 5})
	m.trace = &t
	m.render()
}

// candidates finds the exchanges the exchange field matches, best first.
func (m *Model) candidates() {
	m.cands, m.candHL = m.cands[:0], m.candHL[:0]
	text := m.inputs[FieldExchange].Value()
	if text == "" {
		return
	}
	xs := m.router.Vhost().Exchanges
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = x.Name
	}
	if _, ok := m.router.Vhost().Exchange(text); ok {
		m.cands = append(m.cands, text) // the exact name first
		m.candHL = append(m.candHL, allBytes(text))
	}
	for _, match := range fuzzy.Find(text, names) {
		if len(m.cands) == maxCandidates {
			break
		}
		if match.Str != text {
			m.cands = append(m.cands, match.Str)
			m.candHL = append(m.candHL, match.MatchedIndexes)
		}
	}
	m.candSel = min(m.candSel, max(len(m.cands)-1, 0))
}

// ShortHelp returns the keys that matter now.
func (m *Model) ShortHelp() []key.Binding {
	if m.verify == verifyAsking {
		return []key.Binding{m.keys.Confirm, m.keys.Cancel}
	}
	if m.editing {
		return []key.Binding{m.keys.Next, m.keys.Accept, m.keys.CandDown, m.keys.Done}
	}
	return []key.Binding{m.keys.Edit, m.verifyBinding(), m.keys.Scroll.Down}
}

// FullHelp returns every key of the view.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Next, k.Prev, k.Accept, k.CandUp, k.CandDown, k.Done, k.Edit, k.Verify, k.Confirm, k.Cancel}, k.Scroll.Bindings()}
}
