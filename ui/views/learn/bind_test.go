package learn

import (
	"strings"
	"testing"

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
	if !d.m.Capturing() || d.m.open.prompt.Value() != "app.logs errors" {
		t.Fatalf("enter should open the bind prompt prefilled: capturing %v, %q", d.m.Capturing(), d.m.open.prompt.Value())
	}
	d.Press(" Critical")
	d.Press("enter")
	d.Until("bound", wait, func() bool { return len(d.Flashes) > 0 })
	if f := d.Flashes[0]; !strings.Contains(f.Text, `bound exchange app.logs → queue errors with key "Critical"`) {
		t.Fatalf("flash %+v", f)
	}
	d.Until("the wrong key explained", wait, d.Shows("Critical"))
	d.Press("B")
	d.Press(" critical")
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
	d.Press(" #")
	d.Press("enter")
	d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
	if f := d.Flashes[0]; !strings.Contains(f.Text, "→ exchange audit") {
		t.Errorf("flash %+v", f)
	}
	d.Press("B")
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
