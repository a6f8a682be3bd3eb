package detail

import (
	"charm.land/bubbles/v2/key"

	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// KeyMap is the detail view's keys.
type KeyMap struct {
	Scroll          scroll.KeyMap
	Topology, Trace key.Binding
}

// DefaultKeyMap returns the detail view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Scroll:   scroll.DefaultKeyMap(),
		Topology: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "topology of this exchange")),
		Trace:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "trace a route")),
	}
}
