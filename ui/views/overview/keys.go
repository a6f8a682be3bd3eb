package overview

import "charm.land/bubbles/v2/key"

// KeyMap is the overview's own keys.
type KeyMap struct {
	UseVhost key.Binding
}

// DefaultKeyMap returns the overview's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{UseVhost: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show this vhost"))}
}
