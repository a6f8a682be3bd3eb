package common

import tea "charm.land/bubbletea/v2"

// Object types a Ref can name.
const (
	ObjExchange   = "exchange"
	ObjQueue      = "queue"
	ObjBinding    = "binding"
	ObjConnection = "connection"
	ObjChannel    = "channel"
	ObjConsumer   = "consumer"
	ObjVhost      = "vhost"
)

// Ref names an object of the broker: its type and its identity key
// (broker.ObjectKey, broker.BindingKey or broker.ConsumerKey), so that a
// detail view finds it again in each new snapshot.
type Ref struct {
	Type string
	Key  any
	// Name is the object's name for titles, already Printable.
	Name string
}

// NavigateMsg asks the root to show a view, keeping the current one on the
// history stack for esc.
type NavigateMsg struct {
	Kind Kind
	// Ref is the object the view is about (detail, topology, trace).
	Ref Ref
	// Replace replaces the current view instead of pushing onto history.
	Replace bool
	// Probe, for the trace view, is a message to trace.
	Probe *Probe
}

// Navigate returns a command that navigates.
func Navigate(k Kind, ref Ref) tea.Cmd {
	return func() tea.Msg { return NavigateMsg{Kind: k, Ref: ref} }
}

// Level is how a flash message is shown.
type Level uint8

// The levels of a flash message.
const (
	LevelInfo Level = iota
	LevelError
)

// FlashMsg shows a message in the status bar until the next key.
type FlashMsg struct {
	Text  string
	Level Level
}

// Flash returns a command that shows a message in the status bar.
func Flash(level Level, text string) tea.Cmd {
	return func() tea.Msg { return FlashMsg{Text: text, Level: level} }
}

// RefreshMsg tells every live view that Common.Data or Common.Vhost
// changed.
type RefreshMsg struct{}

// VhostMsg asks the root to show another vhost ("" for all).
type VhostMsg struct{ Name string }
