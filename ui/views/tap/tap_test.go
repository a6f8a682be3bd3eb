package tap

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

const wait = 10 * time.Second

// tapOn is a tap view of exchange x on a session of the embedded broker.
func tapOn(t *testing.T, s *broker.Session, x string) (*Model, *drive.Driver) {
	t.Helper()
	c := fixture.Common()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c.Actions, c.Ctx = s, ctx
	v := New(c, common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: x}, Name: x})
	v.SetSize(120, 30)
	d := drive.New(t, v)
	t.Cleanup(func() {
		if cmd := v.Stop(); cmd != nil {
			cmd()
		}
	})
	return v, d
}

// declare declares a topic exchange with a queue bound to it by "#".
func declare(t *testing.T, s *broker.Session, x, q string) { drive.Declare(t, s, x, "topic", q, "#") }

func publish(t *testing.T, s *broker.Session, x, key, body string, headers model.Table) {
	t.Helper()
	p := broker.Publishing{Exchange: x, RoutingKey: key, Body: []byte(body)}
	if headers != nil {
		p.Properties = model.Properties{Headers: headers, Has: model.HasHeaders}
	}
	res, err := s.Publish(context.Background(), p, broker.PublishOptions{Confirm: true})
	if err != nil || res.Acked != 1 {
		t.Fatalf("publish: %+v, %v", res, err)
	}
}

func TestTapShowsWhatIsPublishedAndTakesNothing(t *testing.T) {
	s := drive.Session(t, false)
	declare(t, s, "tap.t1", "tap.t1.q")
	v, d := tapOn(t, s, "tap.t1")
	d.Run(v.Start())
	if !strings.Contains(ansi.Strip(v.View()), "starting a tap on exchange tap.t1") {
		t.Errorf("no starting state:\n%s", ansi.Strip(v.View()))
	}
	d.Until("the tap to run", wait, v.List().Running)
	if got := drive.Bindings(t, s, "tap.t1"); len(got) != 2 {
		t.Fatalf("bindings from the exchange while tapping: %v", got)
	}
	publish(t, s, "tap.t1", "order.eu.created", `{"id": 1}`, model.Table{"region": model.String("eu")})
	publish(t, s, "tap.t1", "order.us.\x1b[2Jcreated", "plain", nil)
	d.Until("two messages in the tap", wait, func() bool { return v.List().Len() == 2 })
	screen := ansi.Strip(v.View())
	for _, want := range []string{"● tapping exchange tap.t1 in vhost /", "2 messages kept", "order.eu.created", `{"id": 1}`, `order.us.\x1b[2Jcreated`} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if n := drive.Depth(t, s, "tap.t1.q"); n != 2 {
		t.Errorf("the bound queue holds %d messages, want 2: the tap took some", n)
	}
	// t traces the selected message.
	d.Key(tea.KeyPressMsg{Code: 'k', Text: "k"})
	d.Key(tea.KeyPressMsg{Code: 't', Text: "t"})
	d.Until("a navigation", wait, func() bool { return len(d.Navigations) == 1 })
	p := d.Navigations[0].Probe
	if d.Navigations[0].Kind != common.KindTrace || p == nil || p.Exchange != "tap.t1" || p.RoutingKey != "order.eu.created" || p.Headers["region"].Str != "eu" {
		t.Errorf("trace navigation %+v probe %+v", d.Navigations[0], p)
	}
	// Leaving stops the tap and leaves no queue behind.
	if cmd := v.Stop(); cmd != nil {
		cmd()
	}
	if got := drive.Bindings(t, s, "tap.t1"); len(got) != 1 || got[0] != "tap.t1.q" {
		t.Errorf("bindings after the tap stopped: %v", got)
	}
	publish(t, s, "tap.t1", "order.late", "after", nil)
	d.Settle(200 * time.Millisecond)
	if v.List().Len() != 2 {
		t.Errorf("a stopped tap still shows new messages: %d", v.List().Len())
	}
}

func TestTapStoppedWhileStartingLeavesNothing(t *testing.T) {
	s := drive.Session(t, false)
	declare(t, s, "tap.t2", "tap.t2.q")
	v, d := tapOn(t, s, "tap.t2")
	start := v.Start()
	if cmd := v.Stop(); cmd != nil {
		t.Errorf("nothing was started yet, yet Stop has work")
	}
	d.Run(start)
	d.Settle(time.Second)
	if got := drive.Bindings(t, s, "tap.t2"); len(got) != 1 {
		t.Errorf("a tap stopped while starting left bindings: %v", got)
	}
	if v.List().Running() {
		t.Errorf("the stopped tap runs")
	}
}

func TestTapOfMissingExchangeSaysWhy(t *testing.T) {
	s := drive.Session(t, false)
	v, d := tapOn(t, s, "tap.nowhere")
	d.Run(v.Start())
	d.Until("the tap to fail", wait, func() bool { ended, _ := v.List().Ended(); return ended })
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, `no exchange "tap.nowhere"`) {
		t.Errorf("screen:\n%s", screen)
	}
}

func TestPickerChoosesAnExchange(t *testing.T) {
	c := fixture.Common()
	v := New(c, common.Ref{})
	v.SetSize(80, 21)
	if !v.Capturing() || v.Exchange() != "" {
		t.Fatalf("no picker without an exchange")
	}
	for _, r := range "ordr" {
		v.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	screen := ansi.Strip(v.View())
	if !strings.Contains(screen, "tap which exchange? ordr") || !strings.Contains(screen, "▸ orders") {
		t.Fatalf("picker:\n%s", screen)
	}
	if strings.Contains(screen, "(AMQP default)") {
		t.Errorf("the picker offers the default exchange:\n%s", screen)
	}
	v.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if v.Exchange() != "orders" || v.Capturing() {
		t.Errorf("picked %q, capturing %v", v.Exchange(), v.Capturing())
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "cannot tap here") {
		t.Errorf("a backend without a session is not said:\n%s", screen)
	}
}

func TestGolden(t *testing.T) {
	s := drive.Session(t, false)
	declare(t, s, "tap.golden", "tap.golden.q")
	v, d := tapOn(t, s, "tap.golden")
	d.Run(v.Start())
	d.Until("the tap to run", wait, v.List().Running)
	publish(t, s, "tap.golden", "order.eu.created", `{"order": 1, "items": [{"sku": "A-1", "qty": 2}], "total": 31.5}`, model.Table{"region": model.String("eu"), "n": model.Value{Type: model.TypeLong, Int: 5}})
	publish(t, s, "tap.golden", "order.us.shipped", "shipped by truck\nsecond line", nil)
	publish(t, s, "tap.golden", "évènement.交換", "\xff\xfe\x00binary", nil)
	d.Until("three messages", wait, func() bool { return v.List().Len() == 3 })
	drive.Stamp(v.List())
	for _, size := range drive.Sizes {
		t.Run(size.Name, func(t *testing.T) {
			v.SetSize(size.W, size.H)
			drive.Golden(t, v)
		})
		t.Run(size.Name+"-detail", func(t *testing.T) {
			v.SetSize(size.W, size.H)
			drive.Type(v, "g", "enter")
			defer v.Esc()
			drive.Golden(t, v)
		})
	}
	t.Run("picker-80x24", func(t *testing.T) {
		p := New(fixture.Common(), common.Ref{})
		p.SetSize(drive.Sizes[0].W, drive.Sizes[0].H)
		drive.Golden(t, p)
	})
}

func TestTapOfAnotherVhostIsRefused(t *testing.T) {
	s := drive.Session(t, false)
	c := fixture.Common()
	c.Actions, c.Ctx = s, context.Background()
	v := New(c, common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "staging", Name: "events"}})
	v.SetSize(160, 10)
	if cmd := v.Start(); cmd != nil {
		t.Fatal("a tap of another vhost's exchange started")
	}
	if screen := ansi.Strip(v.View()); !strings.Contains(screen, "cannot tap events of vhost staging: the session is on vhost / (start kaiten with --vhost staging)") {
		t.Errorf("screen:\n%s", screen)
	}
}
