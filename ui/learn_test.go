package ui

import (
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/common"
	learnview "github.com/kaiten-bus/kaiten/ui/views/learn"
)

// scopedActions stands for a lesson's session: only its identity
// matters here.
type scopedActions struct {
	common.Actions
	vhost string
}

// TestScope: a lesson's scope shows its vhost and acts through its
// session; ending it restores both, also after a second scope replaced
// the first.
func TestScope(t *testing.T) {
	a := newApp(t, 100, 30, Options{})
	before := a.common.Actions
	lesson1, lesson2 := &scopedActions{vhost: "learn-a"}, &scopedActions{vhost: "learn-b"}
	runCmd(a, a.setScope(common.ScopeMsg{Vhost: "learn-a", Actions: lesson1}))
	if a.common.Vhost != "learn-a" || a.common.Actions != lesson1 {
		t.Fatalf("scoped: vhost %q actions %v", a.common.Vhost, a.common.Actions)
	}
	if !strings.Contains(screen(a), "vhost learn-a") {
		t.Errorf("the header should show the lesson's vhost:\n%s", screen(a))
	}
	_, cmd := a.Update(common.ScopeMsg{Vhost: "learn-b", Actions: lesson2})
	runCmd(a, cmd)
	if a.common.Vhost != "learn-b" || a.common.Actions != lesson2 {
		t.Fatalf("rescoped: vhost %q", a.common.Vhost)
	}
	_, cmd = a.Update(common.ScopeMsg{})
	runCmd(a, cmd)
	if a.common.Vhost != "/" || a.common.Actions != before {
		t.Fatalf("after the scope: vhost %q, actions %v, want / and the backend's", a.common.Vhost, a.common.Actions)
	}
	// Ending no scope changes nothing.
	if a.setScope(common.ScopeMsg{}) != nil {
		t.Error("ending no scope did something")
	}
}

// TestLearnCommand: :learn lists the lessons, :learn N opens one (here on
// a backend lessons cannot run on, which the lesson says), a bad number
// is refused, and :learn completes lesson numbers.
func TestLearnCommand(t *testing.T) {
	a := newApp(t, 100, 30, Options{})
	do(a, ":", "learn", "enter")
	if a.focus.Kind() != common.KindLearn || !strings.Contains(screen(a), "The bus") {
		t.Fatalf(":learn shows %s:\n%s", a.focus.Kind(), screen(a))
	}
	if got := a.completions("learn "); len(got) < 2 || got[0] != "learn 1" {
		t.Errorf("completions %q", got)
	}
	do(a, ":", "learn 1", "enter")
	lv := a.focus.(*learnview.Model)
	if lv.Lesson() != 1 || !strings.Contains(screen(a), "kaiten learn") || !strings.Contains(screen(a), "lesson 1 · The bus") {
		t.Errorf(":learn 1 on the fixture:\n%s", screen(a))
	}
	do(a, "esc")
	if lv.Lesson() != 0 || a.focus != lv {
		t.Errorf("esc should leave the lesson for the list, in the same view")
	}
	do(a, ":", "learn x", "enter")
	if a.flash.Level != common.LevelError || !strings.Contains(a.flash.Text, "lesson number") {
		t.Errorf("flash %+v", a.flash)
	}
}
