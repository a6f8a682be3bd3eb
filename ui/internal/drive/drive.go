// Package drive runs a view's commands the way the Bubble Tea program
// does, for the views' Update tests against a real broker: each command
// runs in its own goroutine, its message goes back to the view's Update,
// and what that returns runs in turn.
package drive

import (
	"reflect"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
)

// Updater is a view's Update.
type Updater interface {
	Update(msg tea.Msg) tea.Cmd
}

// Driver runs commands for a view and records what it is told to do
// beyond itself: flashes and navigation.
type Driver struct {
	t     testing.TB
	v     Updater
	msgs  chan tea.Msg
	count int // commands running
	// Flashes and Navigations are the messages meant for the root.
	Flashes     []common.FlashMsg
	Navigations []common.NavigateMsg
}

// New returns a driver of the view.
func New(t testing.TB, v Updater) *Driver {
	return &Driver{t: t, v: v, msgs: make(chan tea.Msg, 64)}
}

// Run starts a command.
func (d *Driver) Run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.count++
	go func() { d.msgs <- cmd() }()
}

// Key sends a key press to the view and runs what it returns.
func (d *Driver) Key(k tea.KeyPressMsg) { d.Run(d.v.Update(k)) }

// Until feeds the commands' messages to the view until cond holds, failing
// the test after timeout.
func (d *Driver) Until(what string, timeout time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.count--
			d.deliver(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// Settle runs the commands that finish within wait, for a command whose
// effect is that nothing more happens.
func (d *Driver) Settle(wait time.Duration) {
	deadline := time.After(wait)
	for {
		select {
		case msg := <-d.msgs:
			d.count--
			d.deliver(msg)
		case <-deadline:
			return
		}
	}
}

func (d *Driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.Run(c)
		}
	case common.FlashMsg:
		d.Flashes = append(d.Flashes, msg)
	case common.NavigateMsg:
		d.Navigations = append(d.Navigations, msg)
	default:
		if cmds, ok := sequence(msg); ok {
			d.count += len(cmds)
			go func() {
				for _, c := range cmds {
					var m tea.Msg
					if c != nil {
						m = c()
					}
					d.msgs <- m
				}
			}()
			return
		}
		d.Run(d.v.Update(msg))
	}
}

// sequence recognises tea.Sequence's message, a list of commands to run
// one after the other (its type is unexported).
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}
