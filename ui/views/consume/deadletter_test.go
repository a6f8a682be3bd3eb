package consume

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
)

func TestDeadLetterExchange(t *testing.T) {
	str := func(s string) model.Value { return model.Value{Type: model.TypeLongstr, Str: s} }
	pol := broker.Policy{Vhost: "/", Name: "dl", Pattern: "^orders", ApplyTo: "queues", Definition: model.Table{"dead-letter-exchange": str("pdlx")}}
	for _, tc := range []struct {
		name string
		q    broker.Queue
		ps   []broker.Policy
		want string
		ok   bool
	}{
		{"argument", broker.Queue{Vhost: "/", Name: "a", Arguments: model.Table{"x-dead-letter-exchange": str("dlx")}}, nil, "dlx", true},
		{"argument default exchange", broker.Queue{Vhost: "/", Name: "a", Arguments: model.Table{"x-dead-letter-exchange": str("")}}, nil, "", true},
		{"argument wins over policy", broker.Queue{Vhost: "/", Name: "orders", Arguments: model.Table{"x-dead-letter-exchange": str("dlx")}}, []broker.Policy{pol}, "dlx", true},
		{"policy named by the broker", broker.Queue{Vhost: "/", Name: "zzz", Policy: "dl"}, []broker.Policy{pol}, "pdlx", true},
		{"policy matched", broker.Queue{Vhost: "/", Name: "orders.eu"}, []broker.Policy{pol}, "pdlx", true},
		{"policy of another vhost", broker.Queue{Vhost: "v2", Name: "orders.eu"}, []broker.Policy{pol}, "", false},
		{"none", broker.Queue{Vhost: "/", Name: "audit"}, []broker.Policy{pol}, "", false},
	} {
		got, ok := DeadLetterExchange(tc.q, tc.ps)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %q %v, want %q %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRejectSaysWhatHappens is the QA bug: x read "reject → dead-letter"
// on a queue with no dead-letter exchange, where a reject drops. On the
// embedded broker, with the snapshot the poller would take: the label and
// the flash name the DLX, and a reject that drops asks first.
func TestRejectSaysWhatHappens(t *testing.T) {
	bus := drive.Start(t)
	ch := bus.Channel(t)
	must(t, ch.ExchangeDeclare("rj.dlx", "fanout", false, true, false, false, nil))
	_, err := ch.QueueDeclare("rj.dlq", false, true, false, false, nil)
	must(t, err)
	must(t, ch.QueueBind("rj.dlq", "", "rj.dlx", false, nil))
	_, err = ch.QueueDeclare("rj.dl", false, true, false, false, amqp.Table{"x-dead-letter-exchange": "rj.dlx"})
	must(t, err)
	_, err = ch.QueueDeclare("rj.plain", false, true, false, false, nil)
	must(t, err)
	for _, q := range []string{"rj.dl", "rj.plain"} {
		for i := range 2 {
			must(t, ch.PublishWithContext(context.Background(), "", q, false, false, amqp.Publishing{Body: fmt.Appendf(nil, "%d", i)}))
		}
	}
	bus.Refresh(t)

	open := func(q string) (*Model, *drive.Driver) {
		v := New(bus.Common, Ref("/", q, broker.ModeAck))
		v.SetSize(120, 30)
		t.Cleanup(func() {
			if cmd := v.Stop(); cmd != nil {
				cmd()
			}
		})
		d := drive.New(t, v)
		d.Run(v.Start())
		d.Until("two messages", wait, func() bool { return v.List().Len() == 2 })
		return v, d
	}
	help := func(v *Model) string { return v.ShortHelp()[2].Help().Desc }

	v, d := open("rj.dl")
	if h := help(v); h != `reject → dead-letter to exchange "rj.dlx"` {
		t.Errorf("reject help on rj.dl: %q", h)
	}
	d.Key(press('g'))
	d.Key(press('x'))
	d.Until("#1 rejected", wait, func() bool { return v.List().BySeq(1).State == msglist.Rejected })
	d.Until("a flash", wait, func() bool { return len(d.Flashes) > 0 })
	if f := d.Flashes[len(d.Flashes)-1].Text; f != `message #1 rejected: dead-lettered to exchange "rj.dlx"` {
		t.Errorf("flash after reject on rj.dl: %q", f)
	}
	d.Until("the dead-letter queue holds it", wait, func() bool { return drive.Depth(t, bus.Session, "rj.dlq") == 1 })

	v, d = open("rj.plain")
	if h := help(v); h != "reject → drop (no dead-letter exchange)" {
		t.Errorf("reject help on rj.plain: %q", h)
	}
	if s := ansi.Strip(v.View()); !strings.Contains(s, "x reject (drops it)") {
		t.Errorf("hint line on rj.plain:\n%s", s)
	}
	d.Key(press('g'))
	d.Key(press('x'))
	if s := ansi.Strip(v.View()); !strings.Contains(s, "reject drops #1 for good") || !v.Capturing() {
		t.Fatalf("a dropping reject does not ask:\n%s", s)
	}
	if v.List().BySeq(1).State != msglist.Unsettled {
		t.Fatalf("#1 settled before the yes: %v", v.List().BySeq(1).State)
	}
	d.Key(press('n'))
	if v.Capturing() || v.List().BySeq(1).State != msglist.Unsettled {
		t.Fatalf("n did not keep #1: %v", v.List().BySeq(1).State)
	}
	d.Key(press('x'))
	d.Key(press('y'))
	d.Until("#1 rejected", wait, func() bool { return v.List().BySeq(1).State == msglist.Rejected })
	d.Until("the reject's flash", wait, func() bool {
		return len(d.Flashes) > 0 && strings.HasPrefix(d.Flashes[len(d.Flashes)-1].Text, "message #1 rejected")
	})
	if f := d.Flashes[len(d.Flashes)-1].Text; f != "message #1 rejected: dropped (the queue has no dead-letter exchange)" {
		t.Errorf("flash after reject on rj.plain: %q", f)
	}
}

// TestRejectThenLeave: x then esc at once (the learn lesson's keys) must
// reject, not put the message back: the consumer's close waits for the
// settle under way, whichever command runs first.
func TestRejectThenLeave(t *testing.T) {
	bus := drive.Start(t)
	ch := bus.Channel(t)
	must(t, ch.ExchangeDeclare("rl.dlx", "fanout", false, true, false, false, nil))
	_, err := ch.QueueDeclare("rl.dlq", false, false, false, false, nil)
	must(t, err)
	must(t, ch.QueueBind("rl.dlq", "", "rl.dlx", false, nil))
	_, err = ch.QueueDeclare("rl.work", false, false, false, false, amqp.Table{"x-dead-letter-exchange": "rl.dlx"})
	must(t, err)
	must(t, ch.PublishWithContext(context.Background(), "", "rl.work", false, false, amqp.Publishing{Body: []byte("m")}))
	bus.Refresh(t)
	v := New(bus.Common, Ref("/", "rl.work", broker.ModeAck))
	v.SetSize(120, 30)
	d := drive.New(t, v)
	d.Run(v.Start())
	d.Until("the message", wait, func() bool { return v.List().Len() == 1 })
	d.Key(press('g'))
	reject := v.Update(press('x'))
	stop := v.Stop()
	if reject == nil || stop == nil {
		t.Fatalf("reject %v, stop %v", reject != nil, stop != nil)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }() // the close runs first
	select {
	case <-stopped:
		t.Log("the close did not wait for the reject")
	case <-time.After(100 * time.Millisecond):
	}
	if msg, ok := reject().(SettledMsg); !ok || msg.Err != nil {
		t.Fatalf("reject: %+v", msg)
	}
	<-stopped
	d.Until("the message dead-lettered", wait, func() bool { return drive.Depth(t, bus.Session, "rl.dlq") == 1 })
	if n := drive.Depth(t, bus.Session, "rl.work"); n != 0 {
		t.Errorf("rl.work holds %d after x then esc, want 0", n)
	}
}
