package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probeMsg asks the program for its current screen: the filter below sees
// the model as it stands when the probe's turn comes.
type probeMsg struct{}

// screens records the latest screen the probe saw.
type screenProbe struct {
	mu     sync.Mutex
	latest string
	seen   chan struct{}
}

func (p *screenProbe) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(probeMsg); ok {
		p.mu.Lock()
		p.latest = ansi.Strip(m.View().Content)
		p.mu.Unlock()
		select {
		case p.seen <- struct{}{}:
		default:
		}
		return nil
	}
	return msg
}

// waitFor probes the running program until its screen holds want.
func (p *screenProbe) waitFor(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tm.Send(probeMsg{})
		select {
		case <-p.seen:
		case <-time.After(time.Second):
		}
		p.mu.Lock()
		got := p.latest
		p.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Fatalf("the screen never showed %q; last screen:\n%s", want, p.latest)
}

func enter() tea.Msg { return tea.KeyPressMsg{Code: tea.KeyEnter} }

// TestFlow runs the real program on the fixture's poller: start on the
// overview, :qu, filter, enter a queue, esc back, :trace, type a key, see
// the route, quit.
func TestFlow(t *testing.T) {
	a, err := New(Options{Backend: &fakeBackend{status: connected()}, Broker: "amqp://guest@fixture/", Theme: "dark", Vhost: "/", Refresh: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p := &screenProbe{seen: make(chan struct{}, 1)}
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(120, 40), teatest.WithProgramOptions(tea.WithFilter(p.filter)))

	p.waitFor(t, tm, "broker    RabbitMQ 3.13.7")
	p.waitFor(t, tm, "● connected")
	tm.Type(":qu")
	tm.Send(enter())
	p.waitFor(t, tm, "queues [10]")
	tm.Type("/o.eu")
	p.waitFor(t, tm, "queues [1 of 10]")
	tm.Send(enter())
	tm.Send(enter())
	p.waitFor(t, tm, "queue orders.eu")
	p.waitFor(t, tm, "dead letters ☠ orders.dlx")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.waitFor(t, tm, "queues [1 of 10]  /o.eu")
	tm.Type(":trace")
	tm.Send(enter())
	p.waitFor(t, tm, "trace in vhost /")
	tm.Type("ordr")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Type("order.eu.created")
	p.waitFor(t, tm, "queues (3): `audit.log`, `orders.all`, `orders.eu`")
	p.waitFor(t, tm, "✓ order . eu . *        → queue `orders.eu`")
	p.waitFor(t, tm, "order . eu . created  `*`→`created`")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
