package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
)

// TestConsumeBadModeSaysMode is the QA bug: ":consume orders.eu bogus"
// said no queue "orders.eu bogus"; it must say what the mode may be, as
// the CLI does, and read modes in any case.
func TestConsumeBadModeSaysMode(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	do(a, ":", "consume orders.eu bogus", "enter")
	s := screen(a)
	if !strings.Contains(s, "consume mode must be peek, ack or auto") || strings.Contains(s, "no queue") {
		t.Errorf(":consume orders.eu bogus:\n%s", s)
	}
	do(a, ":", "consume orders.eu Ack", "enter")
	if v, ok := a.focus.(*consume.Model); !ok || v.Mode() != broker.ModeAck {
		t.Fatalf(":consume orders.eu Ack shows %s", a.focus.Title())
	}
}

// TestThemeErrorFits is the QA bug: ":theme nosuch" with a user theme
// directory named the directory too, and the status line cut it. The
// error fits 80 columns, whole, and still names the themes.
func TestThemeErrorFits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "rather", "long", "config", "directory", "kaiten", "themes")
	a := newApp(t, 80, 24, Options{ThemeDir: dir})
	do(a, ":", "theme nosuch", "enter")
	want := `no theme "nosuch"; try dark, light, high-contrast, ansi16`
	if s := screen(a); !strings.Contains(s, want) {
		t.Errorf("status line lacks %q:\n%s", want, s)
	}
	if got := themeError("x", errors.New("no theme"), make([]string, 40), 80); ansi.StringWidth(got) > 79 {
		t.Errorf("with many themes the error is %d wide: %q", ansi.StringWidth(got), got)
	}
}
