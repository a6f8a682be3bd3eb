// Package drive is the views' test support: an embedded broker of each
// test's own with a session and the views' Common (broker.go), and a
// Driver that runs a view's commands the way the Bubble Tea program
// does: each command runs in its own goroutine, its message goes back to
// the view's Update, and what that returns runs in turn. Only tests
// import it.
package drive

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
)

// Updater is a view's Update.
type Updater interface {
	Update(msg tea.Msg) tea.Cmd
}

// poll is how often Until looks again at a condition that no message
// changes (a file written, a queue emptied on the broker).
const poll = 20 * time.Millisecond

// Driver runs commands for a view and records what it is told to do
// beyond itself: flashes, navigation and scopes, the messages meant for
// the root.
type Driver struct {
	t       testing.TB
	v       Updater
	msgs    chan tea.Msg
	running int // commands whose message has not been delivered
	// Flashes, Navigations and Scopes are the messages meant for the root.
	Flashes     []common.FlashMsg
	Navigations []common.NavigateMsg
	Scopes      []common.ScopeMsg
}

// New returns a driver of the view.
func New(t testing.TB, v Updater) *Driver {
	return &Driver{t: t, v: v, msgs: make(chan tea.Msg, 4096)}
}

// Run starts a command.
func (d *Driver) Run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.running++
	go func() { d.msgs <- cmd() }()
}

// Key sends a key press to the view and runs what it returns.
func (d *Driver) Key(k tea.KeyPressMsg) { d.Run(d.v.Update(k)) }

// Press sends keys to the view, each a key name ("enter", "ctrl+s", see
// Keys) or text typed rune by rune, and runs what they return.
func (d *Driver) Press(keys ...string) {
	for _, k := range Keys(keys...) {
		d.Key(k)
	}
}

// Esc is what the root does with esc: the view's Esc and, when the view
// used it, the command it wants run after. It reports whether the view
// used esc.
func (d *Driver) Esc() bool {
	e, ok := d.v.(common.Escaper)
	if !ok || !e.Esc() {
		return false
	}
	if f, ok := d.v.(common.EscFollower); ok {
		d.Run(f.EscCmd())
	}
	return true
}

// Until feeds the commands' messages to the view until cond holds,
// failing the test after timeout with the view's screen.
func (d *Driver) Until(what string, timeout time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.running--
			d.deliver(msg)
		case <-tick.C:
		case <-deadline:
			d.t.Fatalf("timed out after %s waiting for %s; the screen:\n%s", timeout, what, d.Screen())
		}
	}
}

// Do presses keys and feeds messages until no command runs any more
// (a publish or a call answered, and all that followed from it), and
// returns the flashes that came meanwhile.
func (d *Driver) Do(keys ...string) []common.FlashMsg {
	d.t.Helper()
	n := len(d.Flashes)
	d.Press(keys...)
	d.Until("the commands to end", time.Minute, func() bool { return d.running == 0 })
	return d.Flashes[n:]
}

// Settle runs the commands that finish within wait, for a command whose
// effect is that nothing more happens.
func (d *Driver) Settle(wait time.Duration) {
	deadline := time.After(wait)
	for {
		select {
		case msg := <-d.msgs:
			d.running--
			d.deliver(msg)
		case <-deadline:
			return
		}
	}
}

// Screen is the view's screen as plain text, "" for a view without one.
func (d *Driver) Screen() string {
	if v, ok := d.v.(interface{ View() string }); ok {
		return ansi.Strip(v.View())
	}
	return ""
}

// Shows returns a condition for Until: the screen holds s.
func (d *Driver) Shows(s string) func() bool {
	return func() bool { return strings.Contains(d.Screen(), s) }
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
	case common.ScopeMsg:
		d.Scopes = append(d.Scopes, msg)
	default:
		if cmds, ok := sequence(msg); ok {
			d.running += len(cmds)
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
