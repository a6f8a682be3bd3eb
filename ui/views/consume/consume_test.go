package consume

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

const wait = 10 * time.Second

func press(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// consumeOn is a consume view of queue q in a mode, on a session of the
// embedded broker.
func consumeOn(t *testing.T, s *broker.Session, q string, mode broker.ConsumeMode, readOnly bool) (*Model, *drive.Driver) {
	t.Helper()
	c := fixture.Common()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c.Actions, c.Ctx, c.ReadOnly = s, ctx, readOnly
	v := New(c, Ref("/", q, mode))
	v.SetSize(120, 30)
	t.Cleanup(func() {
		if cmd := v.Stop(); cmd != nil {
			cmd()
		}
	})
	return v, drive.New(t, v)
}

// queueWithDLX declares queue q dead-lettering to q+".dlq", and puts n
// messages in it.
func queueWithDLX(t *testing.T, s *broker.Session, q string, n int) {
	t.Helper()
	ch := drive.Channel(t, s)
	dlx := q + ".dlx"
	must(t, ch.ExchangeDeclare(dlx, "fanout", false, true, false, false, nil))
	_, err := ch.QueueDeclare(q+".dlq", false, false, false, false, nil)
	must(t, err)
	must(t, ch.QueueBind(q+".dlq", "", dlx, false, nil))
	_, err = ch.QueueDeclare(q, false, false, false, false, amqp.Table{"x-dead-letter-exchange": dlx})
	must(t, err)
	t.Cleanup(func() {
		ch, err := s.Channel()
		if err != nil {
			return
		}
		defer ch.Close()
		_, _ = ch.QueueDelete(q, false, false, false)
		_, _ = ch.QueueDelete(q+".dlq", false, false, false)
	})
	for i := range n {
		res, err := s.Publish(context.Background(), broker.Publishing{RoutingKey: q, Body: fmt.Appendf(nil, `{"n": %d}`, i+1)}, broker.PublishOptions{Confirm: true})
		if err != nil || res.Acked != 1 {
			t.Fatalf("publish: %+v %v", res, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAckModeSettlesOnTheBroker(t *testing.T) {
	s := drive.Session(t, false)
	queueWithDLX(t, s, "cons.ack", 3)
	v, d := consumeOn(t, s, "cons.ack", broker.ModeAck, false)
	d.Run(v.Start())
	d.Until("three messages", wait, func() bool { return v.List().Len() == 3 })
	screen := ansi.Strip(v.View())
	for _, want := range []string{"● consuming queue cons.ack · mode ACK · prefetch 100 · 3 unsettled", "a ack · n requeue"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if n := drive.Depth(t, s, "cons.ack"); n != 0 {
		t.Errorf("%d ready while the consumer holds them all", n)
	}
	// #1 acked, #2 rejected (dead-lettered), #3 requeued: it comes again,
	// redelivered, to the same consumer.
	d.Key(press('g'))
	d.Key(press('a'))
	d.Until("#1 acked", wait, func() bool { return v.List().BySeq(1).State == msglist.Acked })
	d.Key(press('j'))
	d.Key(press('x'))
	d.Until("#2 rejected", wait, func() bool { return v.List().BySeq(2).State == msglist.Rejected })
	d.Key(press('j'))
	d.Key(press('n'))
	d.Until("#3 requeued and delivered again", wait, func() bool {
		return v.List().BySeq(3).State == msglist.Requeued && v.List().Len() == 4
	})
	if again := v.List().BySeq(4); !again.Msg.Redelivered || string(again.Msg.Body) != `{"n": 3}` {
		t.Errorf("the requeued message came back as %+v", again.Msg)
	}
	if n := drive.Depth(t, s, "cons.ack.dlq"); n != 1 {
		t.Errorf("the dead-letter queue holds %d, want the rejected one", n)
	}
	screen = ansi.Strip(v.View())
	for _, want := range []string{"✓ ", "✗ ", "↩ ", "↻ ", "1 unsettled"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	// A settled message is not settled twice.
	n := len(d.Flashes) // the reject's
	d.Key(press('k'))
	d.Key(press('a'))
	d.Until("a flash", wait, func() bool { return len(d.Flashes) == n+1 })
	if !strings.Contains(d.Flashes[n].Text, "settled already") {
		t.Errorf("flash %q", d.Flashes[n].Text)
	}
	// Leaving puts what is unsettled back.
	if cmd := v.Stop(); cmd != nil {
		cmd()
	}
	d.Until("the unsettled message back in the queue", wait, func() bool { return drive.Depth(t, s, "cons.ack") == 1 })
}

func TestPeekLeavesTheMessages(t *testing.T) {
	s := drive.Session(t, false)
	queueWithDLX(t, s, "cons.peek", 2)
	v, d := consumeOn(t, s, "cons.peek", broker.ModePeek, false)
	d.Run(v.Start())
	d.Until("the peek to end", wait, func() bool { ended, _ := v.List().Ended(); return ended })
	if v.List().Len() != 2 {
		t.Fatalf("peeked %d", v.List().Len())
	}
	if n := drive.Depth(t, s, "cons.peek"); n != 2 {
		t.Errorf("the queue holds %d after a peek, want 2", n)
	}
	screen := ansi.Strip(v.View())
	for _, want := range []string{"◉ peeked queue cons.peek · mode PEEK", "⚠ peek requeues: messages come back redelivered and may reorder"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	d.Key(press('a'))
	d.Until("a flash", wait, func() bool { return len(d.Flashes) == 1 })
	if !strings.Contains(d.Flashes[0].Text, "peek put the messages back already") {
		t.Errorf("a in peek mode: %q", d.Flashes[0].Text)
	}
	d.Key(press('r'))
	d.Until("peeked again, redelivered", wait, func() bool {
		ended, _ := v.List().Ended()
		return ended && v.List().Len() == 2 && v.List().Entry(0).Msg.Redelivered
	})
}

func TestAutoModeAsksFirst(t *testing.T) {
	s := drive.Session(t, false)
	queueWithDLX(t, s, "cons.auto", 2)
	v, d := consumeOn(t, s, "cons.auto", broker.ModeAuto, false)
	if cmd := v.Start(); cmd != nil || !v.Capturing() {
		t.Fatalf("auto mode started without asking")
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "⚠ consume queue cons.auto destructively?") {
		t.Errorf("no question:\n%s", screen)
	}
	d.Key(press('n'))
	d.Settle(200 * time.Millisecond)
	if n := drive.Depth(t, s, "cons.auto"); n != 2 || v.List().Running() {
		t.Fatalf("after no: %d in the queue, running %v", n, v.List().Running())
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "not consumed") {
		t.Errorf("the refusal is not said:\n%s", screen)
	}
	d.Key(press('r'))
	d.Key(press('y'))
	d.Until("two messages consumed", wait, func() bool { return v.List().Len() == 2 })
	d.Until("the queue empty", wait, func() bool { return drive.Depth(t, s, "cons.auto") == 0 })
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "mode AUTO") || !strings.Contains(screen, "auto is destructive") {
		t.Errorf("screen:\n%s", screen)
	}
}

func TestReadOnlyRefuses(t *testing.T) {
	s := drive.Session(t, true)
	for _, mode := range []broker.ConsumeMode{broker.ModeAck, broker.ModeAuto, broker.ModePeek} {
		v, _ := consumeOn(t, s, "cons.ro", mode, true)
		if cmd := v.Start(); cmd != nil {
			t.Errorf("%s started read-only", mode)
		}
		screen := ansi.Strip(v.View())
		if !strings.Contains(screen, "read-only: "+mode.String()+" is disabled") {
			t.Errorf("%s: no reason:\n%s", mode, screen)
		}
		for _, b := range v.ShortHelp()[:3] {
			if b.Enabled() {
				t.Errorf("%s: %s enabled read-only", mode, b.Help().Key)
			}
		}
	}
}

func TestPrefetchRestarts(t *testing.T) {
	s := drive.Session(t, false)
	queueWithDLX(t, s, "cons.prefetch", 5)
	v, d := consumeOn(t, s, "cons.prefetch", broker.ModeAck, false)
	d.Run(v.Start())
	d.Until("five messages", wait, func() bool { return v.List().Len() == 5 })
	d.Key(tea.KeyPressMsg{Code: 'P', Text: "P"})
	for range 3 {
		d.Key(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	d.Key(press('2'))
	d.Key(tea.KeyPressMsg{Code: tea.KeyEnter})
	d.Until("two messages under prefetch 2", wait, func() bool { return v.List().Running() && v.List().Len() == 2 })
	d.Settle(300 * time.Millisecond)
	if v.List().Len() != 2 {
		t.Errorf("prefetch 2 delivered %d", v.List().Len())
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "prefetch 2 · 2 unsettled") {
		t.Errorf("screen:\n%s", screen)
	}
}

func TestGolden(t *testing.T) {
	s := drive.Session(t, false)
	queueWithDLX(t, s, "cons.golden", 3)
	v, d := consumeOn(t, s, "cons.golden", broker.ModeAck, false)
	d.Run(v.Start())
	d.Until("three messages", wait, func() bool { return v.List().Len() == 3 })
	drive.Stamp(v.List())
	d.Key(press('g'))
	d.Key(press('a'))
	d.Until("#1 acked", wait, func() bool { return v.List().BySeq(1).State == msglist.Acked })
	for _, size := range drive.Sizes {
		t.Run("ack-"+size.Name, func(t *testing.T) {
			v.SetSize(size.W, size.H)
			drive.Golden(t, v)
		})
	}
	for _, tc := range []struct {
		name     string
		mode     broker.ConsumeMode
		readOnly bool
	}{{"auto-question", broker.ModeAuto, false}, {"read-only", broker.ModeAck, true}, {"peek-starting", broker.ModePeek, false}} {
		t.Run(tc.name+"-80x24", func(t *testing.T) {
			c := fixture.Common()
			c.Actions, c.ReadOnly = s, tc.readOnly
			w := New(c, Ref("/", "orders.eu", tc.mode))
			w.SetSize(drive.Sizes[0].W, drive.Sizes[0].H)
			w.Start()
			drive.Golden(t, w)
		})
	}
}

func TestConsumeOfAnotherVhostIsRefused(t *testing.T) {
	s := drive.Session(t, false)
	c := fixture.Common()
	c.Actions, c.Ctx = s, context.Background()
	v := New(c, common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: "staging", Name: "jobs"}})
	v.SetSize(160, 10)
	if cmd := v.Start(); cmd != nil {
		t.Fatal("a consumer of another vhost's queue started")
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "queue jobs is in vhost staging, the session in vhost / (start kaiten with --vhost staging)") {
		t.Errorf("screen:\n%s", screen)
	}
}
