// Package topology is the topology view: for one exchange, the tree of
// everything it feeds, recursively, with alternate-exchange and
// dead-letter edges drawn apart; with no exchange, the tree of every entry
// point of the vhost.
package topology

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Model is the topology view.
type Model struct {
	c      *common.Common
	ref    common.Ref // an exchange, or zero for the whole vhost
	keys   KeyMap
	scroll scroll.Model
	w, h   int
}

// New returns the topology of the exchange ref names; a ref of another
// type shows the whole vhost.
func New(c *common.Common, ref common.Ref) *Model {
	if ref.Type != common.ObjExchange {
		ref = common.Ref{}
	}
	m := &Model{c: c, ref: ref, keys: DefaultKeyMap(), scroll: scroll.New()}
	m.scroll.Keys = m.keys.Scroll
	m.refresh()
	return m
}

// Kind returns KindTopology.
func (m *Model) Kind() common.Kind { return common.KindTopology }

// Title names the exchange, or the vhost.
func (m *Model) Title() string {
	if m.ref.Type == "" {
		return "topology of vhost " + common.Clean(m.c.Vhost)
	}
	return "topology of " + m.ref.Name
}

// Selected returns the exchange shown.
func (m *Model) Selected() (common.Ref, bool) { return m.ref, m.ref.Type != "" }

func (m *Model) refresh() {
	if !m.c.Data.Ready() {
		return
	}
	var ls []Line
	if k, ok := m.ref.Key.(broker.ObjectKey); ok {
		ls = Tree(m.c.Data.Snap, k.Vhost, k.Name)
	} else {
		ls = Forest(m.c.Data.Snap, m.c.Vhost)
	}
	m.scroll.SetLines(Render(m.c.Styles, ls))
}

// Render styles tree lines.
func Render(st *styles.Styles, ls []Line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		s := " " + st.Rule.Render(l.Prefix) + st.Tone(l.Tone).Render(l.Text)
		if l.Note != "" {
			s += " " + st.Label.Render(l.Note)
		}
		out[i] = s
	}
	return out
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.scroll.SetSize(w, h)
}

// Update handles refreshes and scrolling.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.refresh()
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Trace) && m.ref.Type != "" {
			return common.Navigate(common.KindTrace, m.ref)
		}
	}
	m.scroll, _ = m.scroll.Update(msg)
	return nil
}

// View draws the tree.
func (m *Model) View() string {
	if !m.c.Data.Ready() {
		return common.Waiting(m.c, m.w, m.h)
	}
	return m.scroll.View()
}

// ShortHelp returns the view's keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.ref.Type == "" {
		return nil
	}
	return []key.Binding{m.keys.Trace}
}

// FullHelp returns the view's keys and the scrolling keys.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), m.keys.Scroll.Bindings()}
}
