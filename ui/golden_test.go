package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// screens are the views the golden files show, each reached by keys
// from the overview, as a user would.
var screens = []struct {
	name string
	keys []string
}{
	{"overview", nil},
	{"exchanges", []string{":", "ex", "enter"}},
	{"queues", []string{":", "qu", "enter"}},
	{"queues-filtered", []string{":", "qu", "enter", "/", "ord", "enter", "j"}},
	{"bindings", []string{":", "bi", "enter"}},
	{"connections", []string{":", "connections", "enter"}},
	{"channels", []string{":", "ch", "enter"}},
	{"consumers", []string{":", "cons", "enter"}},
	{"detail-queue", []string{":", "qu", "enter", "/", "orders.eu", "enter", "enter"}},
	{"detail-exchange", []string{":", "ex", "enter", "/", "orders", "enter", "enter"}},
	{"topology", []string{":", "topology orders", "enter"}},
	{"trace", []string{":", "trace", "enter", "orders", "tab", "order.eu.created"}},
	{"help", []string{":", "qu", "enter", "?"}},
	{"command", []string{":", "co"}},
}

func TestGolden(t *testing.T) {
	for _, sc := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				a := newApp(t, size[0], size[1], Options{})
				do(a, sc.keys...)
				golden.RequireEqual(t, screen(a))
			})
		}
	}
}

// TestGoldenStyled pins the colours: styled output of one screen per
// theme, and attributes only with NO_COLOR.
func TestGoldenStyled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		theme   string
		noColor bool
	}{{"dark", "dark", false}, {"light", "light", false}, {"ansi16", "ansi16", false}, {"no-color", "dark", true}} {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t, 80, 24, Options{Theme: tc.theme, NoColor: tc.noColor})
			do(a, ":", "qu", "enter", "/", "ord", "enter")
			golden.RequireEqual(t, a.render())
		})
	}
}
