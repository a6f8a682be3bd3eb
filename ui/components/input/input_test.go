package input

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func press(m Model, code rune, mod tea.KeyMod) Model {
	m, _ = m.Update(tea.KeyPressMsg{Code: code, Mod: mod})
	return m
}

func TestEditing(t *testing.T) {
	m := typeText(New(), "order.eu")
	if m.Value() != "order.eu" || m.Position() != 8 {
		t.Fatalf("typed %q at %d", m.Value(), m.Position())
	}
	m = press(m, tea.KeyLeft, 0)
	m = press(m, tea.KeyLeft, 0)
	m = typeText(m, "X")
	if m.Value() != "order.Xeu" {
		t.Errorf("insert in the middle: %q", m.Value())
	}
	m = press(m, tea.KeyBackspace, 0)
	m = press(m, 'a', tea.ModCtrl)
	m = press(m, tea.KeyDelete, 0)
	if m.Value() != "rder.eu" {
		t.Errorf("home and delete: %q", m.Value())
	}
	m = press(m, 'e', tea.ModCtrl)
	m = typeText(m, " more words")
	m = press(m, 'w', tea.ModCtrl)
	if m.Value() != "rder.eu more " {
		t.Errorf("ctrl+w: %q", m.Value())
	}
	m = press(m, 'u', tea.ModCtrl)
	if m.Value() != "" {
		t.Errorf("ctrl+u: %q", m.Value())
	}
	m, changed := m.Update(tea.PasteMsg{Content: "a\x1b[31mb\nc"})
	if !changed || m.Value() != "a[31mb c" {
		t.Errorf("paste is cleaned of control characters: %q", m.Value())
	}
	// ctrl+x is not text.
	if _, changed := m.Update(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl, Text: ""}); changed {
		t.Error("ctrl+x changed the text")
	}
}

func TestViewKeepsTheCursorInView(t *testing.T) {
	plain := lipgloss.NewStyle()
	m := typeText(New(), "abcdefghij")
	if got := m.View(5, plain, plain, true); got != "ghij " {
		t.Errorf("cursor at the end: %q", got)
	}
	m = press(m, tea.KeyHome, 0)
	if got := m.View(5, plain, plain, true); got != "abcde" {
		t.Errorf("cursor at the start: %q", got)
	}
	if got := m.View(5, plain, plain, false); got != "abcd…" {
		t.Errorf("unfocused: %q", got)
	}
}
