package learn

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

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

// typeText types into the view, rune by rune.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.exec(d.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
}

// TestBindDirect does lesson 5's binding task with the lesson's bind
// prompt: enter opens it prefilled with the source and the destination,
// the wrong key leaves the task undone with the reason, the right key
// and a publish do it.
func TestBindDirect(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 5)}, 100, 40)
	d.open(5)
	d.until("tasks shown", d.has("tasks 0/2"))
	d.press("S")
	d.until("task 1 done", d.has("tasks 1/2"))
	d.until("the bind step named", d.has("press enter to add a binding (B)"))
	d.press("enter")
	if !d.m.Capturing() || d.m.open.prompt.Value() != "app.logs errors" {
		t.Fatalf("enter should open the bind prompt prefilled: capturing %v, %q", d.m.Capturing(), d.m.open.prompt.Value())
	}
	d.typeText(" Critical")
	d.press("enter")
	d.until("bound", func() bool { return len(d.flashes) > 0 })
	if f := d.flashes[0]; !strings.Contains(f.Text, `bound exchange app.logs → queue errors with key "Critical"`) {
		t.Fatalf("flash %+v", f)
	}
	d.until("the wrong key explained", d.has("Critical"))
	d.press("B")
	d.typeText(" critical")
	d.press("enter")
	d.until("bound", func() bool { return len(d.flashes) > 1 })
	d.publish("app.logs", "critical", "database down")
	d.until("lesson complete", d.has("★ lesson complete!"))
	// esc closes the prompt first, and leaves the lesson open.
	d.press("B")
	if !d.esc() || d.m.Capturing() || d.m.Lesson() != 5 {
		t.Errorf("esc in the prompt should close it only")
	}
}

// TestBindExchange: a destination that is an exchange of the lesson is
// bound exchange to exchange (lesson 12); a bad line is refused.
func TestBindExchange(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 12)}, 100, 40)
	d.open(12)
	d.until("tasks shown", d.has("tasks 0/2"))
	d.press("enter")
	d.typeText(" #")
	d.press("enter")
	d.until("task 1 done", d.has("tasks 1/2"))
	if f := d.flashes[0]; !strings.Contains(f.Text, "→ exchange audit") {
		t.Errorf("flash %+v", f)
	}
	d.press("B")
	d.typeText("x")
	d.press("enter")
	d.until("refused", func() bool { return len(d.flashes) > 1 })
	if f := d.flashes[1]; !strings.Contains(f.Text, "type the source exchange") {
		t.Errorf("flash %+v", f)
	}
	d.typeText(" nope")
	d.press("enter")
	d.until("a broker error", func() bool { return len(d.flashes) > 2 })
	if f := d.flashes[2]; !strings.Contains(f.Text, "cannot bind") {
		t.Errorf("binding a missing exchange: flash %+v", f)
	}
}
