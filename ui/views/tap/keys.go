package tap

import "charm.land/bubbles/v2/key"

// KeyMap is the tap view's own keys; the list's are msglist.KeyMap.
type KeyMap struct {
	// Choose opens the exchange picker to tap another exchange.
	Choose key.Binding
	// Pick, CandUp and CandDown work the picker.
	Pick, CandUp, CandDown, Cancel key.Binding
}

// DefaultKeyMap returns the tap view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Choose:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "tap another exchange")),
		Pick:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "tap it")),
		CandUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous exchange")),
		CandDown: key.NewBinding(key.WithKeys("down", "ctrl+n", "tab"), key.WithHelp("↓", "next exchange")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
