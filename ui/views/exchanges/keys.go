package exchanges

import "charm.land/bubbles/v2/key"

// KeyMap is the exchanges view's own keys.
type KeyMap struct {
	Detail, Topology, Trace, Publish, Tap key.Binding
}

// DefaultKeyMap returns the exchanges view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Topology: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "topology")),
		Trace:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "trace a route")),
		Publish:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish to it")),
		Tap:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "tap (watch) its messages")),
	}
}
