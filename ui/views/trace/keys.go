package trace

import (
	"charm.land/bubbles/v2/key"

	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// KeyMap is the trace view's keys.
type KeyMap struct {
	Next, Prev, Accept, Edit, Done key.Binding
	CandUp, CandDown               key.Binding
	// Verify publishes the probe and compares RabbitMQ's route, after
	// Confirm; Cancel declines.
	Verify, Confirm, Cancel key.Binding
	Scroll                  scroll.KeyMap
}

// DefaultKeyMap returns the trace view's keys.
func DefaultKeyMap() KeyMap {
	sk := scroll.DefaultKeyMap()
	// While editing, letters are text: the tree scrolls with page keys only.
	return KeyMap{
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept, next field")),
		Edit:     key.NewBinding(key.WithKeys("enter", "tab", "i", "e"), key.WithHelp("enter/i", "edit the probe")),
		Done:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
		CandUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous exchange")),
		CandDown: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next exchange")),
		Verify:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify live: publish the probe, compare RabbitMQ's route")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "publish the probe (asked before verifying)")),
		Cancel:   key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "do not publish")),
		Scroll:   sk,
	}
}

// verifyBinding is the verify key, with the reason in its help when the
// session is read-only or cannot publish.
func (m *Model) verifyBinding() key.Binding {
	b := m.keys.Verify
	switch {
	case m.c.ReadOnly:
		b.SetHelp("v", "verify live (off: read-only, it publishes)")
	case m.c.Actions == nil:
		b.SetHelp("v", "verify live (not available on this connection)")
	}
	return b
}
