package topology

import (
	"charm.land/bubbles/v2/key"

	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// KeyMap is the topology view's keys.
type KeyMap struct {
	Scroll scroll.KeyMap
	Trace  key.Binding
}

// DefaultKeyMap returns the topology view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Scroll: scroll.DefaultKeyMap(),
		Trace:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "trace from this exchange")),
	}
}
