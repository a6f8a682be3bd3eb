package consumers

import "charm.land/bubbles/v2/key"

// KeyMap is the consumers view's own keys.
type KeyMap struct {
	Detail, Queue key.Binding
}

// DefaultKeyMap returns the consumers view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Queue:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open its queue")),
	}
}
