// Package scroll shows a block of already styled lines in a box, scrolled
// by keys and the mouse wheel. New lines keep the scroll position, so a
// live view does not jump on refresh.
package scroll

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
)

// KeyMap is the scrolling keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultKeyMap returns j/k, arrows, page keys, g and G.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d", "space"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	}
}

// Bindings lists the keys for help.
func (k KeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// Model is a scrolled block of lines.
type Model struct {
	Keys          KeyMap
	lines         []string
	offset        int
	width, height int
}

// New returns an empty block.
func New() Model { return Model{Keys: DefaultKeyMap()} }

// SetLines replaces the lines, keeping the offset where it can.
func (m *Model) SetLines(lines []string) {
	m.lines = lines
	m.clamp()
}

// Lines returns the lines.
func (m Model) Lines() []string { return m.lines }

// SetSize sets the box.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// Offset returns the first line shown.
func (m Model) Offset() int { return m.offset }

// ScrollTo shows line i at the top, as far as the lines allow.
func (m *Model) ScrollTo(i int) {
	m.offset = i
	m.clamp()
}

func (m *Model) clamp() {
	m.offset = max(min(m.offset, len(m.lines)-m.height), 0)
}

// Update scrolls for keys and the mouse wheel; it reports whether it used
// the message.
func (m Model) Update(msg tea.Msg) (Model, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := m.Keys
		switch {
		case key.Matches(msg, k.Up):
			m.offset--
		case key.Matches(msg, k.Down):
			m.offset++
		case key.Matches(msg, k.PageUp):
			m.offset -= max(m.height-1, 1)
		case key.Matches(msg, k.PageDown):
			m.offset += max(m.height-1, 1)
		case key.Matches(msg, k.Top):
			m.offset = 0
		case key.Matches(msg, k.Bottom):
			m.offset = len(m.lines)
		default:
			return m, false
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.offset -= 3
		case tea.MouseWheelDown:
			m.offset += 3
		default:
			return m, false
		}
	default:
		return m, false
	}
	m.clamp()
	return m, true
}

// View draws the visible lines, each cut to the width, padded to the box.
func (m Model) View() string {
	end := min(m.offset+m.height, len(m.lines))
	return common.Lines(strings.Join(m.lines[m.offset:end], "\n"), m.width, m.height)
}
