// Package publish is the publish form: exchange and routing key completed
// from the live topology, headers, every basic property, a body editor
// that checks JSON as it is typed, confirms and mandatory on by default,
// and the broker's answer: confirmed, returned with its reply code, nacked,
// or refused.
package publish

import (
	"cmp"
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/complete"
	"github.com/kaiten-bus/kaiten/ui/components/input"
)

// The fields, in tab order: exchange, key, headers, the properties (in
// Properties order, from FieldProp), body, the switches and the repeat
// count.
const (
	FieldExchange = iota
	FieldKey
	FieldHeaders
	FieldProp // the first property; property i is FieldProp+i
)

// Fields after the properties.
var (
	FieldBody      = FieldProp + len(Properties)
	FieldConfirm   = FieldBody + 1
	FieldMandatory = FieldBody + 2
	FieldRepeat    = FieldBody + 3
	numFields      = FieldBody + 4
)

// PublishTimeout bounds one publish, confirms and returns included.
const PublishTimeout = 30 * time.Second

// maxCandidates is how many completions a field offers.
const maxCandidates = 8

// PublishedMsg is the broker's answer to a publish of the form.
type PublishedMsg struct {
	// ID is the request's; an answer to an older request is dropped.
	ID         int
	Publishing broker.Publishing
	Options    broker.PublishOptions
	Result     broker.PublishResult
	Err        error
}

// Model is the publish view.
type Model struct {
	c       *common.Common
	keys    KeyMap
	inputs  []input.Model // one-line fields by field index; others unused
	headers textarea.Model
	body    textarea.Model
	confirm bool
	mand    bool
	focus   int
	editing bool

	cands complete.Cycler // completions of the focused field
	names complete.Cache  // what the focused field completes from

	reqID   int
	busy    bool
	last    *PublishedMsg
	formErr string // why the form cannot be sent, "" when it can
	json    JSONCheck
	now     func() time.Time
	w, h    int
}

// New returns the publish view, editing the exchange field.
func New(c *common.Common) *Model {
	m := &Model{
		c: c, keys: DefaultKeyMap(), inputs: make([]input.Model, numFields),
		headers: newEditor(), body: newEditor(), confirm: true, mand: true,
		editing: true, now: time.Now,
	}
	for i := range m.inputs {
		m.inputs[i] = input.New()
	}
	m.headers.Placeholder = "K=V, one a line; or a JSON object"
	m.body.Placeholder = "the message body; JSON is checked as you type"
	m.applyStyles()
	m.setFocus(FieldExchange)
	return m
}

func newEditor() textarea.Model {
	t := textarea.New()
	t.ShowLineNumbers = false
	t.Prompt = ""
	t.CharLimit = 0
	t.MaxHeight = 0
	return t
}

// Open prefills the exchange when ref names one, and edits the routing
// key. A form opened on another exchange than it last had starts with an
// empty key, headers, properties and body: a message written for one
// exchange is rarely right for the next, and typing would append to it.
// A FreshRef opens the form fresh (see OpenFresh).
func (m *Model) Open(ref common.Ref) {
	if ref.Type == ObjFresh {
		m.OpenFresh(ref)
		return
	}
	m.editing = true
	if ref.Type == common.ObjExchange {
		if k, ok := ref.Key.(broker.ObjectKey); ok {
			if k.Name != m.inputs[FieldExchange].Value() {
				m.clearMessage()
			}
			m.inputs[FieldExchange].SetValue(k.Name)
			m.setFocus(FieldKey)
			m.check()
			return
		}
	}
	m.setFocus(FieldExchange)
}

// ObjFresh is the Ref type of FreshRef: an exchange to write a new
// message for.
const ObjFresh = "publish-fresh"

// FreshRef names an exchange to open the form on fresh, for a
// NavigateMsg: the lessons open it so for each task.
func FreshRef(vhost, exchange string) common.Ref {
	return common.Ref{Type: ObjFresh, Key: broker.ObjectKey{Vhost: vhost, Name: exchange}, Name: common.Name(exchange)}
}

// OpenFresh opens the form on ref's exchange with an empty key, headers,
// properties and body, editing the key, even when the form last had the
// same exchange: a new task wants a new message, and typing must not
// append to the last one.
func (m *Model) OpenFresh(ref common.Ref) {
	k, ok := ref.Key.(broker.ObjectKey)
	if !ok {
		m.Open(common.Ref{})
		return
	}
	m.editing = true
	m.clearMessage()
	m.inputs[FieldExchange].SetValue(k.Name)
	m.setFocus(FieldKey)
	m.check()
}

// clearMessage empties what the form says besides the exchange and the
// switches: the key, headers, properties and body.
func (m *Model) clearMessage() {
	m.inputs[FieldKey] = input.New()
	for i := range Properties {
		m.inputs[FieldProp+i] = input.New()
	}
	m.headers.Reset()
	m.body.Reset()
}

// SetNow sets the clock a "now" timestamp reads, for tests.
func (m *Model) SetNow(now func() time.Time) { m.now = now }

// Kind returns KindPublish.
func (m *Model) Kind() common.Kind { return common.KindPublish }

// Title says where the message goes.
func (m *Model) Title() string { return "publish in vhost " + common.Clean(m.vhost()) }

// Capturing reports whether keys go to the fields.
func (m *Model) Capturing() bool { return m.editing }

// Esc stops editing; when not editing the root goes back.
func (m *Model) Esc() bool {
	if !m.editing {
		return false
	}
	m.editing = false
	m.blur()
	return true
}

// Focused returns the focused field.
func (m *Model) Focused() int { return m.focus }

// Last returns the last answer of the broker, nil before one.
func (m *Model) Last() *PublishedMsg { return m.last }

// Busy reports whether a publish is under way.
func (m *Model) Busy() bool { return m.busy }

// vhost is the vhost published in: the one in view, else "/".
func (m *Model) vhost() string { return cmp.Or(m.c.Vhost, "/") }

// Form returns the form's text.
func (m *Model) Form() Form {
	f := Form{
		Exchange: m.inputs[FieldExchange].Value(), RoutingKey: m.inputs[FieldKey].Value(),
		Headers: m.headers.Value(), Body: m.body.Value(), Props: map[string]string{},
		Confirm: m.confirm, Mandatory: m.mand, Repeat: m.inputs[FieldRepeat].Value(),
	}
	for i, p := range Properties {
		f.Props[p.Name] = m.inputs[FieldProp+i].Value()
	}
	return f
}

// SetField sets a one-line field's text, or a text area's.
func (m *Model) SetField(field int, text string) {
	switch field {
	case FieldHeaders:
		m.headers.SetValue(text)
	case FieldBody:
		m.body.SetValue(text)
	case FieldConfirm, FieldMandatory:
	default:
		m.inputs[field].SetValue(text)
	}
	m.changed()
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	l := m.layout()
	m.headers.SetWidth(max(w-labelWidth-1, 1))
	m.headers.SetHeight(l.headers)
	m.body.SetWidth(max(w-labelWidth-1, 1))
	m.body.SetHeight(l.body)
	m.applyStyles()
}

// Update handles keys, pastes, refreshes and the broker's answers.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.applyStyles()
		m.completions()
	case PublishedMsg:
		if msg.ID == m.reqID {
			m.busy = false
			m.last = &msg
		}
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Publish) {
			return m.Publish()
		}
		if m.editing {
			return m.editKey(msg)
		}
		if key.Matches(msg, m.keys.Edit) {
			m.editing = true
			m.setFocus(m.focus)
		}
	case tea.PasteMsg:
		if m.editing {
			return m.toField(msg)
		}
	}
	return nil
}

func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Next):
		m.move(1)
	case key.Matches(msg, k.Prev):
		m.move(-1)
	case m.focus == FieldConfirm || m.focus == FieldMandatory:
		switch {
		case key.Matches(msg, k.Toggle):
			if m.focus == FieldConfirm {
				m.confirm = !m.confirm
			} else {
				m.mand = !m.mand
			}
		case key.Matches(msg, k.Accept):
			m.move(1)
		}
	case m.isText(m.focus):
		return m.toField(msg)
	case key.Matches(msg, k.Accept):
		m.move(1)
	case (m.focus == FieldExchange || m.focus == FieldKey) && key.Matches(msg, k.CandDown):
		m.cycle(1)
	case (m.focus == FieldExchange || m.focus == FieldKey) && key.Matches(msg, k.CandUp):
		m.cycle(-1)
	default:
		return m.toField(msg)
	}
	return nil
}

// isText reports whether a field is a multi-line editor.
func (m *Model) isText(f int) bool { return f == FieldHeaders || f == FieldBody }

// toField gives a key or a paste to the focused field.
func (m *Model) toField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.focus == FieldHeaders:
		m.headers, cmd = m.headers.Update(msg)
	case m.focus == FieldBody:
		m.body, cmd = m.body.Update(msg)
	case m.focus == FieldConfirm || m.focus == FieldMandatory:
		return nil
	default:
		var changed bool
		if m.inputs[m.focus], changed = m.inputs[m.focus].Update(msg); !changed {
			return nil
		}
		m.cands.Sel = -1
	}
	m.changed()
	return cmd
}

// move goes to the next or previous field.
func (m *Model) move(d int) {
	m.setFocus((m.focus + d + numFields) % numFields)
}

// setFocus focuses a field: the text areas take focus, the others drop
// it, and the field's completions are found.
func (m *Model) setFocus(f int) {
	m.focus = f
	m.blur()
	if m.editing {
		switch f {
		case FieldHeaders:
			m.headers.Focus()
		case FieldBody:
			m.body.Focus()
		}
	}
	m.completions()
}

func (m *Model) blur() {
	m.headers.Blur()
	m.body.Blur()
}

// cycle picks the next or previous completion into the field.
func (m *Model) cycle(d int) {
	if s, ok := m.cands.Step(d); ok {
		m.inputs[m.focus].SetValue(s)
		m.check()
	}
}

// changed rechecks the form after an edit.
func (m *Model) changed() {
	if m.cands.Sel < 0 {
		m.completions()
	}
	m.check()
}

// check runs the live checks: JSON, and whether the form can be read.
func (m *Model) check() {
	f := m.Form()
	m.json = CheckJSON(f.Props["content_type"], f.Body)
	m.formErr = ""
	if _, _, err := f.Build(m.now()); err != nil {
		m.formErr = err.Error()
	}
}

// Disabled says why the form cannot publish, "" when it can.
func (m *Model) Disabled() string {
	switch {
	case m.c.Actions == nil:
		return "this backend cannot publish: there is no broker session to publish with"
	case m.c.ReadOnly:
		return "read-only: publishing is disabled (the session was opened with --read-only or a read-only context)"
	}
	return ""
}

// Publish sends the form's message in a command, unless it cannot: then
// the reason is shown and the field at fault focused.
func (m *Model) Publish() tea.Cmd {
	if why := m.Disabled(); why != "" {
		return common.Flash(common.LevelError, why)
	}
	if m.busy {
		return common.Flash(common.LevelInfo, "a publish is under way")
	}
	f := m.Form()
	p, o, err := f.Build(m.now())
	if err != nil {
		m.formErr = err.Error()
		if fe, ok := err.(*FieldError); ok {
			m.focusNamed(fe.Field)
		}
		return common.Flash(common.LevelError, common.Clean(err.Error()))
	}
	m.reqID++
	m.busy = true
	id, act, ctx := m.reqID, m.c.Actions, cmp.Or(m.c.Ctx, context.Background())
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, PublishTimeout)
		defer cancel()
		res, err := act.Publish(ctx, p, o)
		return PublishedMsg{ID: id, Publishing: p, Options: o, Result: res, Err: err}
	}
}

// focusNamed focuses the field of a FieldError.
func (m *Model) focusNamed(name string) {
	switch name {
	case "headers":
		m.setFocus(FieldHeaders)
	case "repeat":
		m.setFocus(FieldRepeat)
	default:
		for i, p := range Properties {
			if p.Name == name {
				m.setFocus(FieldProp + i)
			}
		}
	}
}

// ShortHelp returns the keys that matter now.
func (m *Model) ShortHelp() []key.Binding {
	if m.editing {
		return []key.Binding{m.keys.Next, m.keys.Publish, m.keys.CandDown, m.keys.Done}
	}
	return []key.Binding{m.keys.Edit, m.keys.Publish}
}

// FullHelp returns every key of the view.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Next, k.Prev, k.Accept, k.Publish, k.Toggle, k.CandUp, k.CandDown, k.Done, k.Edit}}
}
