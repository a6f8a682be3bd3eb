// Package detail is the page of one object: its fields, arguments,
// policy, and the bindings into and out of it (or its consumers and
// channels), kept live as snapshots arrive.
package detail

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// Model is a detail page.
type Model struct {
	c      *common.Common
	ref    common.Ref
	keys   KeyMap
	scroll scroll.Model
	w, h   int
}

// New returns the page of the object ref names.
func New(c *common.Common, ref common.Ref) *Model {
	m := &Model{c: c, ref: ref, keys: DefaultKeyMap(), scroll: scroll.New()}
	m.scroll.Keys = m.keys.Scroll
	m.refresh()
	return m
}

// Kind returns KindDetail.
func (m *Model) Kind() common.Kind { return common.KindDetail }

// Title names the object.
func (m *Model) Title() string { return m.ref.Type + " " + m.ref.Name }

// Selected returns the object shown.
func (m *Model) Selected() (common.Ref, bool) { return m.ref, true }

func (m *Model) refresh() {
	if m.c.Data.Ready() {
		m.scroll.SetLines(Render(m.c.Styles, m.c.Data, m.ref))
	}
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.scroll.SetSize(w, h)
}

// Update handles refreshes, scrolling and the exchange keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.refresh()
		return nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Topology) && m.ref.Type == common.ObjExchange:
			return common.Navigate(common.KindTopology, m.ref)
		case key.Matches(msg, m.keys.Trace):
			return common.Navigate(common.KindTrace, m.ref)
		}
	}
	m.scroll, _ = m.scroll.Update(msg)
	return nil
}

// View draws the page.
func (m *Model) View() string {
	if !m.c.Data.Ready() {
		return common.Waiting(m.c, m.w, m.h)
	}
	return m.scroll.View()
}

// ShortHelp returns the page's keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.ref.Type == common.ObjExchange {
		return []key.Binding{m.keys.Topology, m.keys.Trace}
	}
	return []key.Binding{m.keys.Trace}
}

// FullHelp returns the page's keys and the scrolling keys.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), m.keys.Scroll.Bindings()}
}
