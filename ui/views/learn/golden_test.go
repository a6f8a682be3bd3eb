package learn

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

var sizes = [][2]int{{80, 24}, {160, 48}}

// TestGoldenList pins the lesson list with some progress saved.
func TestGoldenList(t *testing.T) {
	dir := t.TempDir()
	p := engine.Progress{}
	p.Mark("the-bus", "publish")
	p.Mark("the-bus", "consume")
	p.Mark("default-exchange", "by-name")
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			d := newDriver(t, Env{Target: target(t), ConfigDir: dir, Lessons: testLessons(t)}, sz[0], sz[1])
			d.Run(d.m.Start())
			d.Until("loaded", wait, d.Shows("The bus"))
			d.Press("j")
			golden.RequireEqual(t, d.Screen())
		})
	}
}

// TestGoldenLesson pins lesson 1 after a wrong attempt (what is wrong,
// the first hint, the route) and once complete.
func TestGoldenLesson(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			d := newDriver(t, Env{Target: target(t), Lessons: testLessons(t)}, sz[0], sz[1])
			d.open(1)
			d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
			d.Settle(300 * time.Millisecond)
			t.Run("started", func(t *testing.T) { golden.RequireEqual(t, d.Screen()) })
			d.publish("orders", "pizza", "one margherita")
			d.Until("the route drawn", wait, d.animDone())
			d.Until("the wrong attempt explained", wait, d.Shows("key pizza"))
			d.Press("h")
			d.Until("the hint", wait, d.Shows("hint 1/2"))
			t.Run("wrong", func(t *testing.T) { golden.RequireEqual(t, d.Screen()) })
			d.publish("orders", "sushi", "one salmon nigiri")
			d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
			d.Press("S")
			d.Until("lesson complete", wait, d.Shows("★ lesson complete!"))
			d.Until("the route drawn", wait, d.animDone())
			t.Run("complete", func(t *testing.T) { golden.RequireEqual(t, d.Screen()) })
		})
	}
}

// TestGoldenStyled pins the list's styles, in colour and with NO_COLOR,
// and checks that the open lesson draws no colour with NO_COLOR.
func TestGoldenStyled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		noColor bool
	}{{"dark", false}, {"no-color", true}} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDriver(t, Env{Target: target(t), Lessons: testLessons(t)}, 80, 12)
			d.m.c.Styles = styles.New(themes.Dark(), tc.noColor)
			d.Run(d.m.Start())
			d.Until("loaded", wait, d.Shows("The bus"))
			golden.RequireEqual(t, d.m.View())
			if !tc.noColor {
				return
			}
			d.open(1)
			d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
			for _, seq := range strings.Split(d.m.View(), "\x1b[")[1:] {
				if strings.HasPrefix(seq, "38;") || strings.HasPrefix(seq, "48;") || len(seq) > 1 && (seq[0] == '3' || seq[0] == '4' || seq[0] == '9') && seq[1] >= '0' && seq[1] <= '7' {
					t.Fatalf("a colour with NO_COLOR: %q", seq[:min(len(seq), 12)])
				}
			}
		})
	}
}
