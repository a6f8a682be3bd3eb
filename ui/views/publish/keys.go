package publish

import "charm.land/bubbles/v2/key"

// KeyMap is the publish form's keys.
type KeyMap struct {
	Next, Prev, Accept, Edit, Done key.Binding
	// Publish sends the message; it works while editing too.
	Publish key.Binding
	// Toggle flips the confirms and mandatory switches.
	Toggle key.Binding
	// CandUp and CandDown complete the exchange and routing key fields
	// from the live topology.
	CandUp, CandDown key.Binding
}

// DefaultKeyMap returns the publish form's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field (a newline in the body)")),
		Edit:     key.NewBinding(key.WithKeys("enter", "tab", "i", "e"), key.WithHelp("enter/i", "edit the message")),
		Done:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
		Publish:  key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "publish")),
		Toggle:   key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "switch on/off")),
		CandUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous completion")),
		CandDown: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next completion")),
	}
}
