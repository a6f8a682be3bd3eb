package learn

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
)

// testLessons are copies of the first two lessons, so that the goldens
// do not change when the lessons' words do.
func testLessons(t *testing.T) []engine.Lesson {
	t.Helper()
	ls, err := engine.LoadFS(os.DirFS("testdata/lessons"))
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// publish publishes as the publish form does: through the Actions the
// scope handed to the root, that is the lesson's session.
func (d *driver) publish(exchange, key, body string) {
	d.t.Helper()
	if len(d.Scopes) == 0 || d.Scopes[len(d.Scopes)-1].Actions == nil {
		d.t.Fatal("the lesson never handed its session to the root")
	}
	act := d.Scopes[len(d.Scopes)-1].Actions
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := act.Publish(ctx, broker.Publishing{Exchange: exchange, RoutingKey: key, Body: []byte(body)}, broker.PublishOptions{Confirm: true}); err != nil {
		d.t.Fatal(err)
	}
}

func (d *driver) open(n int) {
	d.t.Helper()
	d.Run(d.m.Open(n))
	d.Until("the lesson started", wait, func() bool { return d.m.Run() != nil && len(d.Scopes) > 0 })
}

func (d *driver) animDone() func() bool {
	return func() bool { return d.m.open != nil && !d.m.open.anim.Empty() && !d.m.open.anim.Playing() }
}

// TestLessonOne walks lesson 1 in the view on the embedded broker: the
// scope, a wrong attempt and its explanation, the route, the right
// attempt, the progress saved, show-me for the second task, the lesson
// complete, and esc closing it.
func TestLessonOne(t *testing.T) {
	dir := t.TempDir()
	tg := target(t)
	d := newDriver(t, Env{Target: tg, ConfigDir: dir, Lessons: testLessons(t)}, 80, 24)
	d.open(1)
	sc := d.Scopes[0]
	if sc.Vhost != "learn-the-bus" || sc.Actions == nil {
		t.Fatalf("scope %+v, want vhost learn-the-bus with the lesson's session", sc)
	}
	if v, ok := sc.Actions.(interface{ Vhost() string }); !ok || v.Vhost() != "learn-the-bus" {
		t.Fatalf("the scope's actions act in %v, want the lesson vhost", sc.Actions)
	}
	d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
	if !strings.Contains(d.Screen(), "press enter to open the publish form (p)") {
		t.Fatalf("the next step should name the key:\n%s", d.Screen())
	}

	// enter opens the publish form on the exchange of the task.
	d.Press("enter")
	d.Until("navigated", wait, func() bool { return len(d.Navigations) == 1 })
	nav := d.Navigations[0]
	if nav.Kind != common.KindPublish || nav.Ref.Key != (broker.ObjectKey{Vhost: "learn-the-bus", Name: "orders"}) {
		t.Fatalf("enter navigated to %+v, want the publish form on orders in learn-the-bus", nav)
	}

	// The wrong key: the task says why, and the route shows where it went.
	d.publish("orders", "pizza", "one margherita")
	d.Until("the wrong attempt explained", wait, d.Shows("pizza"))
	d.Until("the route drawn", wait, d.animDone())
	scr := d.Screen()
	for _, want := range []string{"route of your message #1", `routing key "pizza"`, "✗ unroutable", "tasks 0/2"} {
		if !strings.Contains(scr, want) {
			t.Errorf("after the wrong attempt the screen lacks %q:\n%s", want, scr)
		}
	}

	// Hints, one at a time.
	d.Press("h")
	d.Settle(50 * time.Millisecond)
	if !strings.Contains(d.Screen(), "hint 1/2") || strings.Contains(d.Screen(), "hint 2/2") {
		t.Errorf("h should show the first hint only:\n%s", d.Screen())
	}

	// The right key: task 1 is done and saved.
	d.publish("orders", "sushi", "one salmon nigiri")
	d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
	d.Until("progress saved", wait, func() bool {
		p, err := engine.LoadProgress(dir)
		return err == nil && slices.Contains(p.Done("the-bus"), "publish")
	})
	d.Until("the route drawn", wait, d.animDone())
	if scr := d.Screen(); !strings.Contains(scr, "✓ delivered to 1 queue: kitchen") || !strings.Contains(scr, "✓ 1.") {
		t.Errorf("after the right attempt:\n%s", scr)
	}

	// The next task is done in the consume view, in ack mode, on kitchen.
	d.Press("enter")
	d.Until("navigated", wait, func() bool { return len(d.Navigations) == 2 })
	if want := consume.Ref("learn-the-bus", "kitchen", broker.ModeAck); d.Navigations[1].Kind != common.KindConsume || d.Navigations[1].Ref != want {
		t.Fatalf("enter navigated to %+v, want consume %+v", d.Navigations[1], want)
	}

	// Show me: the lesson does it through the broker, the check sees it.
	d.Press("S")
	d.Until("lesson complete", wait, d.Shows("★ lesson complete!"))
	d.Until("a flash for the lesson complete", wait, func() bool {
		return slices.ContainsFunc(d.Flashes, func(f common.FlashMsg) bool { return strings.Contains(f.Text, "lesson 1 complete") })
	})
	d.Until("progress saved", wait, func() bool {
		p, err := engine.LoadProgress(dir)
		return err == nil && len(p.Done("the-bus")) == 2
	})

	// esc: back to the list with the progress, the scope ended, the vhost gone.
	root, err := broker.Open(context.Background(), broker.Config{URL: tg.URL, APIURL: tg.APIURL})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	hasVhost := func() bool {
		snap, err := root.Snapshot(context.Background(), broker.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(snap.Vhosts, func(v broker.VhostInfo) bool { return v.Name == "learn-the-bus" })
	}
	if !hasVhost() {
		t.Fatal("the lesson's vhost is not on the broker")
	}
	if !d.Esc() {
		t.Fatal("esc in a lesson should be used by the view")
	}
	d.Until("scope ended", wait, func() bool { return d.Scopes[len(d.Scopes)-1].Actions == nil })
	if d.m.Lesson() != 0 || !strings.Contains(d.Screen(), "✓ 2/2") {
		t.Errorf("after esc the list should show lesson 1 done:\n%s", d.Screen())
	}
	d.Until("vhost deleted", wait, func() bool {
		for _, f := range d.Flashes {
			if strings.Contains(f.Text, "closing the lesson") {
				t.Fatal(f.Text)
			}
		}
		return !hasVhost()
	})
	if d.Esc() {
		t.Error("esc on the list should go back in the root")
	}
}

// TestOpenWhileOpen: opening another lesson closes the first, and a
// lesson number that does not exist says so.
func TestOpenWhileOpen(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: testLessons(t)}, 80, 24)
	d.open(1)
	first := d.m.Run()
	d.Scopes = nil
	d.Run(d.m.Open(2))
	d.Until("lesson 2 started", wait, func() bool { return d.m.Run() != nil && d.m.Run() != first })
	d.Until("its scope", wait, func() bool { return len(d.Scopes) == 2 })
	if d.Scopes[0].Actions != nil || d.Scopes[1].Vhost != d.m.Run().Vhost() {
		t.Errorf("scopes %+v: want the first ended, then the second's", d.Scopes)
	}
	if d.m.Title() != "lesson 2 · The default exchange" {
		t.Errorf("title %q", d.m.Title())
	}
	d.Run(d.m.Open(99))
	d.Until("a flash", wait, func() bool { return len(d.Flashes) > 0 })
	if !strings.Contains(d.Flashes[0].Text, "no lesson 99") {
		t.Errorf("flash %+v", d.Flashes)
	}
	// n goes to the next lesson; after the last, it says so.
	d.Press("n")
	d.Until("a second flash", wait, func() bool { return len(d.Flashes) > 1 })
	if !strings.Contains(d.Flashes[1].Text, "last lesson") {
		t.Errorf("flash %+v", d.Flashes[1])
	}
}

// TestNoTarget: on a broker lessons cannot run on, the lesson says how
// to get one.
func TestNoTarget(t *testing.T) {
	d := newDriver(t, Env{Lessons: testLessons(t)}, 80, 24)
	d.Run(d.m.Open(1))
	d.Until("the reason", wait, d.Shows("kaiten learn"))
}

// TestListKeys: j/k move, enter opens the lesson under the cursor.
func TestListKeys(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: testLessons(t)}, 80, 24)
	d.Run(d.m.Start())
	d.Until("loaded", wait, d.Shows("The default exchange"))
	d.Press("j", "j", "k", "down")
	if d.m.sel != 1 {
		t.Fatalf("cursor on %d, want 1 (the last lesson)", d.m.sel)
	}
	d.Press("enter")
	d.Until("lesson 2 open", wait, func() bool { return d.m.Lesson() == 2 && d.m.Run() != nil })
}
