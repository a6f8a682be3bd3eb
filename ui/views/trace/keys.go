package trace

import (
	"charm.land/bubbles/v2/key"

	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// KeyMap is the trace view's keys.
type KeyMap struct {
	Next, Prev, Accept, Edit, Done key.Binding
	CandUp, CandDown               key.Binding
	Scroll                         scroll.KeyMap
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
		Scroll:   sk,
	}
}
