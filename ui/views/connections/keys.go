package connections

import "charm.land/bubbles/v2/key"

// KeyMap is the connections view's own keys.
type KeyMap struct {
	Detail key.Binding
}

// DefaultKeyMap returns the connections view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail"))}
}
