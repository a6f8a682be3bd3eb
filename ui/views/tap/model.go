// Package tap is the tap view: the messages an exchange routes, copied to
// a private, exclusive, auto-delete queue that takes nothing from anybody
// (broker.Session.Tap), shown as they arrive in a msglist. Leaving the
// view, or quitting, closes the tap and deletes its queue.
package tap

import (
	"context"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
)

// maxCandidates is how many exchanges the picker offers.
const maxCandidates = 8

// Model is the tap view.
type Model struct {
	c    *common.Common
	keys KeyMap
	list *msglist.Model

	exchange string // the exchange tapped; "" before one is picked
	vhost    string // the session's vhost, where a tap binds
	// elsewhere is the vhost of an exchange asked for in another vhost
	// than the session's, which the session cannot tap.
	elsewhere string

	picking bool
	pick    input.Model
	cands   []string
	candSel int

	w, h int
}

// New returns the tap view of the exchange ref names, or, when it names
// none, the view with its exchange picker open.
func New(c *common.Common, ref common.Ref) *Model {
	m := &Model{c: c, keys: DefaultKeyMap(), list: msglist.New(c, 0), pick: input.New()}
	m.vhost = sessionVhost(c)
	if k, ok := ref.Key.(broker.ObjectKey); ok && ref.Type == common.ObjExchange && k.Name != "" {
		m.exchange = k.Name
		if k.Vhost != "" && k.Vhost != m.vhost {
			m.elsewhere = k.Vhost
		}
	} else {
		m.picking = true
		m.candidates()
	}
	m.list.Vhost, m.list.Name = m.vhost, "tap-"+m.exchange
	return m
}

// sessionVhost is the vhost the backend acts in: a tap binds to exchanges
// of the session's vhost.
func sessionVhost(c *common.Common) string {
	if v, ok := c.Actions.(interface{ Vhost() string }); ok {
		return v.Vhost()
	}
	if c.Vhost != "" {
		return c.Vhost
	}
	return "/"
}

// Kind returns KindTap.
func (m *Model) Kind() common.Kind { return common.KindTap }

// Title says what is tapped.
func (m *Model) Title() string {
	if m.exchange == "" {
		return "tap: choose an exchange"
	}
	return "tap exchange " + common.Name(m.exchange)
}

// Exchange returns the exchange tapped, "" before one is picked.
func (m *Model) Exchange() string { return m.exchange }

// List returns the message list.
func (m *Model) List() *msglist.Model { return m.list }

// Count returns the messages the filter shows, and the messages kept.
func (m *Model) Count() (int, int) { return m.list.Matched(), m.list.Len() }

// Filter returns the / filter of the list.
func (m *Model) Filter() string { return m.list.Filter() }

// SetFilter filters the list.
func (m *Model) SetFilter(s string) { m.list.SetFilter(s) }

// Start starts the tap; the root calls it when it shows the view.
func (m *Model) Start() tea.Cmd {
	if m.exchange == "" || m.c.Actions == nil || m.elsewhere != "" {
		return nil
	}
	act, x, limit := m.c.Actions, m.exchange, m.list.Limit()
	return m.list.Start(func(ctx context.Context) (msglist.Stream, error) {
		t, err := act.Tap(ctx, broker.TapOptions{Exchanges: []string{x}, MaxPending: limit})
		if err != nil {
			return nil, err
		}
		return t, nil
	})
}

// Stop closes the tap; the returned command deletes its queue.
func (m *Model) Stop() tea.Cmd { return m.list.Stop() }

// Capturing reports whether keys go to the picker or the save prompt.
func (m *Model) Capturing() bool { return m.picking || m.list.Capturing() }

// Esc closes the picker, the save prompt or the detail pane.
func (m *Model) Esc() bool {
	if m.picking && m.exchange != "" {
		m.picking = false
		return true
	}
	return m.list.Esc()
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.list.SetSize(w, max(h-m.bannerHeight(), 0))
}

// Update handles the picker, the view's keys and the list.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.picking {
			m.candidates()
		}
		return nil
	case tea.KeyPressMsg:
		if m.picking {
			return m.pickKey(msg)
		}
		if !m.list.Capturing() && key.Matches(msg, m.keys.Choose) {
			m.openPicker()
			return nil
		}
	case tea.PasteMsg:
		if m.picking {
			m.pick, _ = m.pick.Update(msg)
			m.candSel = 0
			m.candidates()
			return nil
		}
	case tea.MouseClickMsg:
		msg.Y -= m.bannerHeight()
		return m.list.Update(msg)
	}
	return m.list.Update(msg)
}

func (m *Model) openPicker() {
	m.picking = true
	m.pick.SetValue("")
	m.candSel = 0
	m.candidates()
	m.SetSize(m.w, m.h)
}

func (m *Model) pickKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		if m.exchange != "" {
			m.picking = false
			m.SetSize(m.w, m.h)
		}
		return nil
	case key.Matches(msg, k.Pick):
		name, ok := m.chosen()
		if !ok {
			return common.Flash(common.LevelError, "no exchange matches "+common.Clean(m.pick.Value()))
		}
		m.picking, m.exchange, m.elsewhere = false, name, ""
		m.list.Clear()
		m.list.Name = "tap-" + name
		m.SetSize(m.w, m.h)
		return m.Start()
	case key.Matches(msg, k.CandUp):
		m.candSel = max(m.candSel-1, 0)
	case key.Matches(msg, k.CandDown):
		m.candSel = min(m.candSel+1, max(len(m.cands)-1, 0))
	default:
		var changed bool
		if m.pick, changed = m.pick.Update(msg); changed {
			m.candSel = 0
			m.candidates()
		}
	}
	return nil
}

// chosen is the picked exchange: the selected candidate, or the text
// when no snapshot offers candidates.
func (m *Model) chosen() (string, bool) {
	if m.candSel < len(m.cands) {
		return m.cands[m.candSel], true
	}
	text := m.pick.Value()
	return text, text != "" && !m.c.Data.Ready()
}

// Tappable returns the names of the exchanges of a vhost a tap can bind
// to: not the default exchange, and only the types a tap copies without
// taking anything (direct, fanout, topic, headers).
func Tappable(c *common.Common, vhost string) []string {
	if !c.Data.Ready() {
		return nil
	}
	var out []string
	for _, x := range c.Data.Snap.Exchanges {
		if x.Vhost != vhost || x.Name == "" {
			continue
		}
		switch x.Type {
		case "direct", "fanout", "topic", "headers":
			out = append(out, x.Name)
		}
	}
	slices.Sort(out)
	return out
}

// candidates finds the exchanges the picker's text matches, best first.
func (m *Model) candidates() {
	names := Tappable(m.c, m.vhost)
	text := m.pick.Value()
	m.cands = m.cands[:0]
	if text == "" {
		m.cands = append(m.cands, names[:min(len(names), maxCandidates)]...)
	} else {
		for _, match := range fuzzy.Find(text, names) {
			if len(m.cands) == maxCandidates {
				break
			}
			m.cands = append(m.cands, match.Str)
		}
	}
	m.candSel = min(m.candSel, max(len(m.cands)-1, 0))
}

// ShortHelp returns the keys that matter now.
func (m *Model) ShortHelp() []key.Binding {
	if m.picking {
		return []key.Binding{m.keys.Pick, m.keys.CandDown, m.keys.Cancel}
	}
	return append(m.list.ShortHelp(), m.keys.Choose)
}

// FullHelp returns every key of the view.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	groups := m.list.FullHelp()
	groups[0] = append(groups[0], k.Choose)
	return append(groups, []key.Binding{k.Pick, k.CandUp, k.CandDown, k.Cancel})
}
