package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// fakeBackend serves the fixture's snapshot from a poller and a fixed
// status.
type fakeBackend struct {
	status broker.Status
}

func (f *fakeBackend) Poll(ctx context.Context, o broker.PollOptions) *broker.Poller {
	return broker.NewPoller(ctx, func(context.Context) (*broker.Snapshot, error) { return fixture.Snapshot(), nil }, o)
}

func (f *fakeBackend) Watch() (<-chan broker.Status, func()) {
	ch := make(chan broker.Status, 1)
	ch <- f.status
	return ch, func() {}
}

func (f *fakeBackend) Status() broker.Status { return f.status }

func connected() broker.Status { return broker.Status{State: broker.StateConnected, Generation: 1} }

// newApp returns an app of size w×h that has taken the fixture's updates,
// without starting anything.
func newApp(t testing.TB, w, h int, opts Options) *App {
	t.Helper()
	if opts.Backend == nil {
		opts.Backend = &fakeBackend{status: connected()}
	}
	if opts.Broker == "" {
		opts.Broker = "amqp://guest@127.0.0.1:5672/"
	}
	if opts.Theme == "" {
		opts.Theme = "dark"
	}
	if opts.Vhost == "" {
		opts.Vhost = "/"
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a.Update(statusMsg{status: connected()})
	for _, u := range fixture.Updates(12) {
		a.Update(pollMsg{id: a.pollID, update: u})
	}
	return a
}

// screen is the app's screen as plain text.
func screen(a *App) string { return ansi.Strip(a.render()) }

// press sends keys: single characters as typed text, and names like
// "enter", "esc", "tab", "ctrl+c" as those keys.
func press(a *App, keys ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// typeText types each rune of s.
func typeText(a *App, s string) {
	for _, r := range s {
		runCmd(a, press(a, string(r)))
	}
}

// runCmd runs a command and feeds its messages back, the way the program
// would, except quitting and the blocking broker waits.
func runCmd(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runCmd(a, c)
		}
	case nil, tea.QuitMsg:
	case pollStartedMsg:
		// A vhost change restarts polling; the tests' data is the
		// fixture newApp loaded, and following the poller would wait
		// for its refreshes forever.
		msg.poller.Stop()
	default:
		_, next := a.Update(msg)
		runCmd(a, next)
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"backspace": {Code: tea.KeyBackspace}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
		"pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp}, "shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "ctrl+r": {Code: 'r', Mod: tea.ModCtrl},
	}
	if m, ok := special[k]; ok {
		return m
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// do presses keys and runs what they return.
func do(a *App, keys ...string) {
	for _, k := range keys {
		if len([]rune(k)) > 1 && !isSpecial(k) {
			typeText(a, k)
			continue
		}
		runCmd(a, press(a, k))
	}
}

func isSpecial(k string) bool {
	return strings.Contains("enter esc tab backspace up down pgdown pgup shift+tab ctrl+c ctrl+r", k)
}
