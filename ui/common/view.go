package common

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Kind names a kind of view; the root finds views by kind.
type Kind string

// The kinds of view.
const (
	KindOverview    Kind = "overview"
	KindExchanges   Kind = "exchanges"
	KindQueues      Kind = "queues"
	KindBindings    Kind = "bindings"
	KindConnections Kind = "connections"
	KindChannels    Kind = "channels"
	KindConsumers   Kind = "consumers"
	KindTopology    Kind = "topology"
	KindTrace       Kind = "trace"
	KindDetail      Kind = "detail"
	KindHelp        Kind = "help"
	KindPublish     Kind = "publish"
	KindTap         Kind = "tap"
	KindConsume     Kind = "consume"
	KindRPC         Kind = "rpc"
	KindLearn       Kind = "learn"
)

// View is one screen of the explorer. Views have pointer receivers and
// change only in Update; View draws the body at the size SetSize gave.
type View interface {
	Kind() Kind
	// Title is the view's name in the title line: "queues",
	// "queue orders.eu".
	Title() string
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// ShortHelp and FullHelp are the view's key bindings, for the status
	// bar and the help screen.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Filterable is a view with a / filter.
type Filterable interface {
	Filter() string
	SetFilter(s string)
}

// Capturer is a view that takes every key while it edits text; the root
// then keeps only ctrl+c for itself.
type Capturer interface {
	Capturing() bool
}

// Escaper is a view that uses esc itself before the root goes back; Esc
// reports whether it did.
type Escaper interface {
	Esc() bool
}

// Selector is a view with a selected object, for commands that act on
// "the one under the cursor" (:topology, :trace).
type Selector interface {
	Selected() (Ref, bool)
}

// Counter is a view that says how many rows it shows of how many, for
// the title line.
type Counter interface {
	Count() (shown, total int)
}
