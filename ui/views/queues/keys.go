package queues

import "charm.land/bubbles/v2/key"

// KeyMap is the queues view's own keys.
type KeyMap struct {
	Detail, Trace, Consume key.Binding
}

// DefaultKeyMap returns the queues view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Trace:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "trace a publish to it")),
		// Consume peeks: the other modes change the queue, and are asked
		// for by name (:consume QUEUE ack|auto).
		Consume: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "consume (peek)")),
	}
}
