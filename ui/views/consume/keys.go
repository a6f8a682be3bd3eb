package consume

import "charm.land/bubbles/v2/key"

// KeyMap is the consume view's own keys; the list's are msglist.KeyMap.
type KeyMap struct {
	// Ack, Requeue and Reject settle the selected message in ack mode.
	Ack, Requeue, Reject key.Binding
	// Prefetch sets the prefetch (the count of a peek) and restarts.
	Prefetch key.Binding
	// Again peeks again, or restarts an ended consumer.
	Again key.Binding
	// Confirm and Deny answer the destructive-consume question; Accept
	// and Cancel the prefetch prompt.
	Confirm, Deny, Accept, Cancel key.Binding
}

// DefaultKeyMap returns the consume view's keys. The dangerous ones are
// marked in their help.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Ack:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "ack (removes it from the queue)")),
		Requeue:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "nack + requeue")),
		Reject:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reject (dead-letters, or drops without a DLX)")),
		Prefetch: key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "set prefetch")),
		Again:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "peek again / restart")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Deny:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
