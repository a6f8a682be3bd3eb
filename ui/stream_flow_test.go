package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
	"github.com/kaiten-bus/kaiten/ui/views/tap"
)

// TestTapFlow runs the real program on the embedded broker: start, :tap
// an exchange, publish through the session, see the message arrive, t
// traces it, esc back to the tap, esc leaves it and the tap's queue goes.
func TestTapFlow(t *testing.T) {
	s := drive.Session(t, false)
	drive.Declare(t, s, "flow.tap", "topic", "flow.tap.q", "order.#")
	a, err := New(Options{Backend: s, Broker: "embedded broker", Theme: "dark", Vhost: "/", Refresh: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tm, f := runApp(t, a, 120, 40)

	waitScreen(t, f, "● connected")
	tm.Type(":tap flow.tap")
	tm.Send(enter())
	waitScreen(t, f, "● tapping exchange flow.tap in vhost /")
	if n := len(drive.Bindings(t, s, "flow.tap")); n != 2 {
		t.Errorf("%d bindings from the exchange while tapped, want the queue's and the tap's", n)
	}
	res, err := s.Publish(context.Background(), broker.Publishing{Exchange: "flow.tap", RoutingKey: "order.flow.created", Body: []byte(`{"hello": "tap"}`)}, broker.PublishOptions{Confirm: true})
	if err != nil || res.Acked != 1 {
		t.Fatalf("publish: %+v %v", res, err)
	}
	waitScreen(t, f, "order.flow.created")
	waitScreen(t, f, `{"hello": "tap"}`)
	tm.Type("t")
	waitScreen(t, f, "trace in vhost /")
	waitScreen(t, f, "flow.tap.q")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitScreen(t, f, "● tapping exchange flow.tap")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	deadline := time.Now().Add(10 * time.Second)
	for len(drive.Bindings(t, s, "flow.tap")) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the tap's binding is still there after leaving the view")
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestQuitClosesTheTap: App.Close, which runs when the program ends,
// closes a tap that is still shown.
func TestQuitClosesTheTap(t *testing.T) {
	s := drive.Session(t, false)
	if err := drive.Channel(t, s).ExchangeDeclare("flow.quit", "fanout", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, 80, 24, Options{Backend: s})
	do(a, ":", "tap flow.quit")
	_, cmd := a.Update(keyMsg("enter"))
	v, ok := a.focus.(*tap.Model)
	if !ok {
		t.Fatalf("focus is %s", a.focus.Kind())
	}
	d := drive.New(t, v)
	d.Run(cmd)
	d.Until("the tap to run", 10*time.Second, v.List().Running)
	if n := len(drive.Bindings(t, s, "flow.quit")); n != 1 {
		t.Fatalf("%d bindings while tapped", n)
	}
	a.Close()
	if n := len(drive.Bindings(t, s, "flow.quit")); n != 0 {
		t.Errorf("%d bindings left after Close", n)
	}
}

func TestStreamCommandsAndKeys(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	do(a, ":", "tap orders", "enter")
	if v, ok := a.focus.(*tap.Model); !ok || v.Exchange() != "orders" {
		t.Fatalf(":tap orders shows %s", a.focus.Title())
	}
	if !strings.Contains(screen(a), "cannot tap here") {
		t.Errorf("a backend that cannot tap is not said:\n%s", screen(a))
	}
	do(a, "esc", ":", "tap", "enter")
	if v, ok := a.focus.(*tap.Model); !ok || v.Exchange() != "" || !strings.Contains(screen(a), "tap which exchange?") {
		t.Fatalf(":tap without an exchange:\n%s", screen(a))
	}
	do(a, "esc", "esc")
	do(a, ":", "consume orders.eu ack", "enter")
	if v, ok := a.focus.(*consume.Model); !ok || v.Mode() != broker.ModeAck || !strings.Contains(screen(a), "consume queue orders.eu (ack)") {
		t.Fatalf(":consume orders.eu ack:\n%s", screen(a))
	}
	do(a, "esc")
	do(a, ":", "consume nowhere", "enter")
	if !strings.Contains(screen(a), `no queue "nowhere" in vhost "/"`) {
		t.Errorf(":consume of a missing queue:\n%s", screen(a))
	}
	do(a, ":", "ex", "enter", "/", "orders", "enter", "w")
	if v, ok := a.focus.(*tap.Model); !ok || v.Exchange() != "orders" {
		t.Fatalf("w in the exchanges view shows %s", a.focus.Title())
	}
	do(a, "esc", ":", "qu", "enter", "/", "orders.eu", "enter", "c")
	if v, ok := a.focus.(*consume.Model); !ok || v.Mode() != broker.ModePeek || !strings.Contains(screen(a), "consume queue orders.eu (peek)") {
		t.Fatalf("c in the queues view:\n%s", screen(a))
	}
	if got := a.completions("tap ord"); len(got) == 0 || got[0] != "tap orders" {
		t.Errorf("completions of :tap ord: %v", got)
	}
	if got := a.completions("consume orders.e"); len(got) != 1 || got[0] != "consume orders.eu" {
		t.Errorf("completions of :consume orders.e: %v", got)
	}
}

func TestNavigateWithProbeFillsTheTrace(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	runCmd(a, func() tea.Msg {
		return common.NavigateMsg{Kind: common.KindTrace, Probe: &common.Probe{Vhost: "/", Exchange: "orders", RoutingKey: "order.eu.created"}}
	})
	if a.focus.Kind() != common.KindTrace {
		t.Fatalf("focus %s", a.focus.Kind())
	}
	if !strings.Contains(screen(a), "orders.eu") {
		t.Errorf("the probe's route is not shown:\n%s", screen(a))
	}
}
