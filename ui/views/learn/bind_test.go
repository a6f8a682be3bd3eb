package learn

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"

	engine "github.com/kaiten-bus/kaiten/learn"
)

// lessonNumbered returns the real lesson n.
func lessonNumbered(t *testing.T, n int) []engine.Lesson {
	t.Helper()
	for _, l := range lessons(t) {
		if l.Number == n {
			return []engine.Lesson{l}
		}
	}
	t.Fatalf("no lesson %d", n)
	return nil
}

func TestBindDirect(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 5)}, 100, 40)
	d.open(5)
	d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
	d.Press("S")
	d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
	d.Until("the bind step named", wait, d.Shows("press enter to add a binding (B)"))
	d.Press("enter")
	if !d.m.Capturing() || d.m.open.prompt.Value() != "app.logs " {
		t.Fatalf("enter should open the bind prompt prefilled with the source only: capturing %v, %q", d.m.Capturing(), d.m.open.prompt.Value())
	}
	d.Press("errors Critical")
	d.Press("enter")
	d.Until("bound", wait, func() bool { return len(d.Flashes) > 0 })
	if f := d.Flashes[0]; !strings.Contains(f.Text, `bound exchange app.logs → queue errors with key "Critical"`) {
		t.Fatalf("flash %+v", f)
	}
	d.Until("the wrong key explained", wait, d.Shows("Critical"))
	d.Press("B")
	d.Press("errors critical")
	d.Press("enter")
	d.Until("bound", wait, func() bool { return len(d.Flashes) > 1 })
	d.publish("app.logs", "critical", "database down")
	d.Until("lesson complete", wait, d.Shows("★ lesson complete!"))
	// esc closes the prompt first, and leaves the lesson open.
	d.Press("B")
	if !d.Esc() || d.m.Capturing() || d.m.Lesson() != 5 {
		t.Errorf("esc in the prompt should close it only")
	}
}

// TestBindExchange: a destination that is an exchange of the lesson is
// bound exchange to exchange (lesson 12); a bad line is refused.
func TestBindExchange(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 12)}, 100, 40)
	d.open(12)
	d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
	d.Press("enter")
	d.Press("audit #")
	d.Press("enter")
	d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
	if f := d.Flashes[0]; !strings.Contains(f.Text, "→ exchange audit") {
		t.Errorf("flash %+v", f)
	}
	d.Press("B")
	for range 20 { // whatever the prompt was prefilled with
		d.Press("backspace")
	}
	d.Press("x")
	d.Press("enter")
	d.Until("refused", wait, func() bool { return len(d.Flashes) > 1 })
	if f := d.Flashes[1]; !strings.Contains(f.Text, "type the source exchange") {
		t.Errorf("flash %+v", f)
	}
	d.Press(" nope")
	d.Press("enter")
	d.Until("a broker error", wait, func() bool { return len(d.Flashes) > 2 })
	if f := d.Flashes[2]; !strings.Contains(f.Text, "cannot bind") {
		t.Errorf("binding a missing exchange: flash %+v", f)
	}
}

// TestParseBind: the key is optional, and name=value words after it are
// a headers binding's arguments, typed.
func TestParseBind(t *testing.T) {
	src, dest, rkey, args, err := parseBind("print q.big x-match=any size=10 color=red ok=true")
	if err != nil || src != "print" || dest != "q.big" || rkey != "" {
		t.Fatalf("got %q %q %q %v", src, dest, rkey, err)
	}
	if args["x-match"] != "any" || args["size"] != int64(10) || args["color"] != "red" || args["ok"] != true {
		t.Errorf("args %#v", args)
	}
	if _, _, rkey, args, _ = parseBind("logs q.eu eu.*"); rkey != "eu.*" || args != nil {
		t.Errorf("a key only: %q %v", rkey, args)
	}
	if _, _, _, _, err = parseBind("logs q.eu eu.* =x"); err == nil {
		t.Errorf("an argument without a name should be refused")
	}
}

// TestBindHeaders: the bind prompt makes a headers binding with
// x-match and header values (lesson 7's exchange print), and a message
// with those headers then reaches the queue.
func TestBindHeaders(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 7)}, 100, 40)
	d.open(7)
	d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
	d.Press("B")
	d.Press("print q.urgent x-match=all format=svg")
	d.Press("enter")
	d.Until("bound", wait, func() bool { return len(d.Flashes) > 0 })
	if f := d.Flashes[0]; !strings.Contains(f.Text, "arguments format=svg x-match=all") {
		t.Fatalf("flash %+v", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	act := d.Scopes[len(d.Scopes)-1].Actions
	res, err := act.Publish(ctx, broker.Publishing{Exchange: "print", Properties: model.Properties{Headers: model.Table{"format": model.String("svg")}}, Body: []byte("logo")},
		broker.PublishOptions{Confirm: true, Mandatory: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Returned > 0 {
		t.Fatalf("a message with format=svg was returned: the headers binding was not made: %+v", res)
	}
}
