package learn

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker/embedded"
	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// embeddedTarget starts the embedded broker once per test binary.
var embeddedTarget = sync.OnceValues(func() (engine.Target, error) {
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		return engine.Target{}, err
	}
	return engine.Target{URL: b.AMQPURL(), APIURL: b.APIURL()}, nil
})

func target(t *testing.T) engine.Target {
	t.Helper()
	tg, err := embeddedTarget()
	if err != nil {
		t.Fatalf("start the embedded broker: %v", err)
	}
	return tg
}

// driver runs the view as the program would: commands in goroutines,
// their messages fed back to Update one at a time, and the messages for
// the root (flash, scope, navigation) recorded.
type driver struct {
	t       *testing.T
	m       *Model
	msgs    chan tea.Msg
	flashes []common.FlashMsg
	scopes  []common.ScopeMsg
	navs    []common.NavigateMsg
}

func newDriver(t *testing.T, env Env, w, h int) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &common.Common{Styles: styles.New(themes.Dark(), false), Data: &common.Data{}, Vhost: "/", Ctx: ctx}
	d := &driver{t: t, m: New(c, env), msgs: make(chan tea.Msg, 4096)}
	d.m.SetSize(w, h)
	t.Cleanup(func() {
		if cmd := d.m.Stop(); cmd != nil {
			cmd()
		}
		cancel()
	})
	return d
}

// exec runs a command in the background.
func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if msg := cmd(); msg != nil {
			d.msgs <- msg
		}
	}()
}

func (d *driver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case common.FlashMsg:
		d.flashes = append(d.flashes, msg)
	case common.ScopeMsg:
		d.scopes = append(d.scopes, msg)
	case common.NavigateMsg:
		d.navs = append(d.navs, msg)
	default:
		d.exec(d.m.Update(msg))
	}
}

// until feeds messages until cond holds.
func (d *driver) until(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond) // for conditions outside the view
	defer tick.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-tick.C:
		case <-deadline:
			d.t.Fatalf("never %s; the screen:\n%s", what, d.screen())
		}
	}
}

// settle feeds what arrives until nothing has for a while.
func (d *driver) settle(quiet time.Duration) {
	for {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-time.After(quiet):
			return
		}
	}
}

// press sends keys, each a key name or a rune.
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		}
		d.exec(d.m.Update(msg))
	}
}

// esc is what the root does with esc: the view's Esc, then its command.
func (d *driver) esc() bool {
	used := d.m.Esc()
	if used {
		d.exec(d.m.EscCmd())
	}
	return used
}

func (d *driver) screen() string { return ansi.Strip(d.m.View()) }

func (d *driver) has(s string) func() bool {
	return func() bool { return strings.Contains(d.screen(), s) }
}

// lessonOne returns lesson 1 of the real lessons.
func lessons(t *testing.T) []engine.Lesson {
	t.Helper()
	ls, err := engine.Load()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}
