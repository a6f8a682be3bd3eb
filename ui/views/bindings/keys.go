package bindings

import "charm.land/bubbles/v2/key"

// KeyMap is the bindings view's own keys.
type KeyMap struct {
	Detail, Source, Destination key.Binding
}

// DefaultKeyMap returns the bindings view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Detail:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Source:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the source exchange")),
		Destination: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "open the destination")),
	}
}
