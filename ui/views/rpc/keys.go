package rpc

import "charm.land/bubbles/v2/key"

// KeyMap is the RPC console's keys.
type KeyMap struct {
	Next, Prev, Accept, Edit, Done key.Binding
	// Call and Cast send the request; Mode switches between oslo and
	// plain AMQP. They work while editing too.
	Call, Cast, Mode key.Binding
	// Toggle flips the fanout switch.
	Toggle key.Binding
	// CandUp and CandDown complete the target fields from the live
	// topology.
	CandUp, CandDown key.Binding
	// HistUp and HistDown choose a past call, Load puts it in the form
	// to edit, Rerun sends it again.
	HistUp, HistDown, Load, Rerun key.Binding
	// PageUp and PageDown scroll the reply, editing or not.
	PageUp, PageDown key.Binding
}

// DefaultKeyMap returns the RPC console's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field")),
		Edit:     key.NewBinding(key.WithKeys("i", "e", "tab"), key.WithHelp("i", "edit the request")),
		Done:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
		Call:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "call")),
		Cast:     key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "cast")),
		Mode:     key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "oslo / plain AMQP")),
		Toggle:   key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "switch fanout")),
		CandUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous completion")),
		CandDown: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next completion")),
		HistUp:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "newer call")),
		HistDown: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "older call")),
		Load:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit this call")),
		Rerun:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run this call again")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
	}
}
