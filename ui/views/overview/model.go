// Package overview is the first screen: the broker, the objects and
// messages of the vhost in view, message rates with sparklines, and the
// vhosts, where enter switches to one.
package overview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// Model is the overview.
type Model struct {
	c      *common.Common
	keys   KeyMap
	vhosts table.Model
	w, h   int

	// The object counts, counted once per snapshot and vhost.
	counts      Counts
	countedSnap *broker.Snapshot
	countedHost string
}

// objects returns the object counts of the snapshot and vhost in view.
func (m *Model) objects() Counts {
	if s := m.c.Data.Snap; s != m.countedSnap || m.c.Vhost != m.countedHost {
		m.counts, m.countedSnap, m.countedHost = CountObjects(s, m.c.Vhost), s, m.c.Vhost
	}
	return m.counts
}

// New returns the overview.
func New(c *common.Common) *Model {
	m := &Model{c: c, keys: DefaultKeyMap(), vhosts: table.New(VhostColumns())}
	m.refresh()
	return m
}

// Kind returns KindOverview.
func (m *Model) Kind() common.Kind { return common.KindOverview }

// Title names the view.
func (m *Model) Title() string { return "overview" }

func (m *Model) refresh() {
	if m.c.Data.Ready() {
		m.vhosts.SetRows(VhostRows(m.c))
	}
}

// summaryHeight is how many lines the block above the table takes.
func (m *Model) summaryHeight() int {
	if !m.c.Data.Ready() {
		return 0
	}
	return len(summary(m.c, Counts{}, m.w)) + 1 // the counts do not change the lines
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vhosts.SetSize(w, max(h-m.summaryHeight(), 0))
}

// Filter returns the vhost table's filter.
func (m *Model) Filter() string { return m.vhosts.Filter() }

// SetFilter filters the vhost table.
func (m *Model) SetFilter(s string) { m.vhosts.SetFilter(s) }

// Update handles refreshes, enter and the vhost table's keys. Clicks are
// moved into the table's coordinates.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		m.refresh()
		m.SetSize(m.w, m.h)
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.UseVhost) {
			if r, ok := m.vhosts.Selected(); ok {
				name := r.Key
				return func() tea.Msg { return common.VhostMsg{Name: name} }
			}
			return nil
		}
	case tea.MouseClickMsg:
		msg.Y -= m.summaryHeight()
		if msg.Y < 0 {
			return nil
		}
		m.vhosts, _ = m.vhosts.Update(msg)
		return nil
	}
	var cmd tea.Cmd
	m.vhosts, cmd = m.vhosts.Update(msg)
	return cmd
}

// View draws the summary and the vhost table.
func (m *Model) View() string {
	if !m.c.Data.Ready() {
		return common.Waiting(m.c, m.w, m.h)
	}
	top := strings.Join(summary(m.c, m.objects(), m.w), "\n") + "\n"
	return common.Lines(top+"\n"+m.vhosts.View(m.c.Styles), m.w, m.h)
}

// ShortHelp returns the overview's keys.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.keys.UseVhost} }

// FullHelp returns the overview's keys and the table's.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.UseVhost}, m.vhosts.Keys.Bindings()}
}
