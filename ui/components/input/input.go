// Package input is a one-line text editor without blinking or timers, so
// that what it draws depends only on what was typed.
package input

import (
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// KeyMap is the editor's key bindings.
type KeyMap struct {
	Left, Right, Home, End        key.Binding
	Backspace, Delete             key.Binding
	DeleteWordBack, DeleteToStart key.Binding
	DeleteToEnd                   key.Binding
}

// DefaultKeyMap returns the usual readline-like bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Left:           key.NewBinding(key.WithKeys("left", "ctrl+b"), key.WithHelp("←", "left")),
		Right:          key.NewBinding(key.WithKeys("right", "ctrl+f"), key.WithHelp("→", "right")),
		Home:           key.NewBinding(key.WithKeys("home", "ctrl+a"), key.WithHelp("ctrl+a", "start")),
		End:            key.NewBinding(key.WithKeys("end", "ctrl+e"), key.WithHelp("ctrl+e", "end")),
		Backspace:      key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("⌫", "delete back")),
		Delete:         key.NewBinding(key.WithKeys("delete", "ctrl+d"), key.WithHelp("del", "delete")),
		DeleteWordBack: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace"), key.WithHelp("ctrl+w", "delete word")),
		DeleteToStart:  key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "delete to start")),
		DeleteToEnd:    key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "delete to end")),
	}
}

// Model is the editor: runes and a cursor.
type Model struct {
	Keys  KeyMap
	value []rune
	pos   int
}

// New returns an empty editor.
func New() Model { return Model{Keys: DefaultKeyMap()} }

// Value returns the text.
func (m Model) Value() string { return string(m.value) }

// SetValue replaces the text and puts the cursor at its end.
func (m *Model) SetValue(s string) {
	m.value = []rune(clean(s))
	m.pos = len(m.value)
}

// Position returns the cursor's index in runes.
func (m Model) Position() int { return m.pos }

// Update edits the text for a key or a paste; changed says whether the
// text changed.
func (m Model) Update(msg tea.Msg) (Model, bool) {
	before := string(m.value)
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.insert(msg.Content)
	case tea.KeyPressMsg:
		m.key(msg)
	}
	return m, string(m.value) != before
}

func (m *Model) key(msg tea.KeyPressMsg) {
	k := m.Keys
	switch {
	case key.Matches(msg, k.Left):
		m.pos = max(m.pos-1, 0)
	case key.Matches(msg, k.Right):
		m.pos = min(m.pos+1, len(m.value))
	case key.Matches(msg, k.Home):
		m.pos = 0
	case key.Matches(msg, k.End):
		m.pos = len(m.value)
	case key.Matches(msg, k.Backspace):
		if m.pos > 0 {
			m.value = append(m.value[:m.pos-1], m.value[m.pos:]...)
			m.pos--
		}
	case key.Matches(msg, k.Delete):
		if m.pos < len(m.value) {
			m.value = append(m.value[:m.pos], m.value[m.pos+1:]...)
		}
	case key.Matches(msg, k.DeleteWordBack):
		start := m.pos
		for start > 0 && unicode.IsSpace(m.value[start-1]) {
			start--
		}
		for start > 0 && !unicode.IsSpace(m.value[start-1]) {
			start--
		}
		m.value = append(m.value[:start], m.value[m.pos:]...)
		m.pos = start
	case key.Matches(msg, k.DeleteToStart):
		m.value = m.value[m.pos:]
		m.pos = 0
	case key.Matches(msg, k.DeleteToEnd):
		m.value = m.value[:m.pos]
	default:
		if msg.Text != "" && msg.Mod&^(tea.ModShift|tea.ModCapsLock) == 0 {
			m.insert(msg.Text)
		}
	}
}

func (m *Model) insert(s string) {
	rs := []rune(clean(s))
	if len(rs) == 0 {
		return
	}
	v := make([]rune, 0, len(m.value)+len(rs))
	v = append(v, m.value[:m.pos]...)
	v = append(v, rs...)
	v = append(v, m.value[m.pos:]...)
	m.value, m.pos = v, m.pos+len(rs)
}

// clean drops control characters: a paste can carry escape sequences, and
// a line editor has no use for newlines or tabs.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// View draws the text in width cells with the cursor (when focused) drawn
// in the cursor style; text wider than width scrolls to keep the cursor in
// view.
func (m Model) View(width int, text, cursor lipgloss.Style, focused bool) string {
	if width <= 0 {
		return ""
	}
	before, at, after := string(m.value[:m.pos]), " ", ""
	if m.pos < len(m.value) {
		at, after = string(m.value[m.pos]), string(m.value[m.pos+1:])
	}
	if !focused {
		return text.Render(ansi.Truncate(string(m.value), width, "…"))
	}
	// Keep the cursor in view: drop cells from the left of the text before it.
	room := width - ansi.StringWidth(at)
	if w := ansi.StringWidth(before); w > room {
		before = ansi.TruncateLeft(before, w-room, "")
	}
	rest := width - ansi.StringWidth(before) - ansi.StringWidth(at)
	after = ansi.Truncate(after, max(rest, 0), "")
	return text.Render(before) + cursor.Render(at) + text.Render(after)
}
