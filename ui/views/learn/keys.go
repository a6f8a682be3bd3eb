package learn

import (
	"charm.land/bubbles/v2/key"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// KeyMap is the learn view's keys: the lesson list's, then the open
// lesson's.
type KeyMap struct {
	// In the list.
	Up, Down, Open key.Binding
	// In a lesson. Accept binds in the bind prompt, declares in the
	// declare prompt.
	Next, Hint, ShowMe, NextLesson, List, Accept key.Binding
	// Go are the keys that open the normal views, to do a task there.
	Go     []GoKey
	Scroll scroll.KeyMap
}

// GoKey is a key that opens a normal view from a lesson.
type GoKey struct {
	Binding key.Binding
	Kind    common.Kind
	// What the view is for, in the next-step line: "open the publish form".
	What string
	// Then says what to do there, for a student who has never seen it.
	Then string
}

// DefaultKeyMap returns the learn view's keys.
func DefaultKeyMap() KeyMap {
	sk := scroll.DefaultKeyMap()
	goKey := func(k string, kind common.Kind, short, what, then string) GoKey {
		return GoKey{Binding: key.NewBinding(key.WithKeys(k), key.WithHelp(k, short)), Kind: kind, What: what, Then: then}
	}
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the lesson")),
		Next:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "do the next task")),
		Hint:       key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		ShowMe:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "show me (do the task for me)")),
		NextLesson: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next lesson")),
		List:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "the lesson list")),
		Accept:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "bind or declare")),
		Go: []GoKey{
			goKey("p", common.KindPublish, "publish", "open the publish form",
				"there: fill the fields (tab moves), ctrl+s publishes, esc twice comes back"),
			goKey("t", common.KindTrace, "trace", "trace a routing key", "there: type a key and see where it goes, esc twice comes back"),
			goKey("a", common.KindTap, "tap", "tap the traffic", "there: watch what the exchange routes, esc comes back"),
			goKey("c", common.KindConsume, "consume", "consume from the queue",
				"there: the messages arrive; a acks the one selected, x rejects it, esc comes back"),
			goKey("r", common.KindRPC, "rpc", "call or cast",
				"there: type the body, ctrl+s calls, ctrl+t casts, ctrl+o switches oslo / plain AMQP; esc twice comes back"),
			goKey("q", common.KindQueues, "queues", "see the queues", "esc comes back"),
			goKey("x", common.KindExchanges, "exchanges", "see the exchanges", "esc comes back"),
			goKey("b", common.KindBindings, "bindings", "see the bindings", "esc comes back"),
			goKey("B", kindBind, "bind: add a binding", "add a binding",
				"type: source exchange, destination, key, then name=value arguments for headers (like print q.x x-match=all format=pdf); enter binds, esc cancels"),
			goKey("D", kindDeclare, "declare a queue", "declare a queue",
				"type: the queue's name, then durable and name=value arguments if you want them (like greetings); enter declares, esc cancels"),
		},
		Scroll: sk,
	}
}
