package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// TestFilterHighlightsInEveryList: in every view with a / filter, the
// letters the filter matched are drawn in the highlight colour (a colour
// no other token of the test theme uses), and esc clears the filter.
func TestFilterHighlightsInEveryList(t *testing.T) {
	a := newApp(t, 160, 48, Options{})
	th := themes.Dark()
	th.Highlight = lipgloss.Color("#123456")
	a.setTheme(th)
	const sgr = "38;2;18;52;86" // #123456 as a foreground
	n := 0
	for _, k := range registeredViews(a) {
		if _, ok := k.(common.Filterable); !ok {
			continue
		}
		n++
		t.Run(string(k.Kind()), func(t *testing.T) {
			a.navigate(common.NavigateMsg{Kind: k.Kind()})
			v := a.focus
			f, ok := v.(common.Filterable)
			if v.Kind() != k.Kind() || !ok {
				t.Fatalf("navigated to %s", v.Kind())
			}
			if c, ok := v.(common.Counter); ok {
				if _, total := c.Count(); total == 0 {
					t.Skipf("%s has no rows to filter (a stream with no messages yet)", v.Kind())
				}
			}
			lit := false
			for _, letter := range []string{"e", "o", "a", "s", "/", "1"} {
				do(a, "/", letter, "enter")
				if lit = strings.Contains(a.render(), sgr); lit {
					break
				}
				do(a, "esc")
			}
			if !lit {
				t.Fatalf("no filter highlights a letter:\n%s", screen(a))
			}
			do(a, "esc")
			if f.Filter() != "" {
				t.Errorf("esc left the filter %q", f.Filter())
			}
			if out := a.render(); strings.Contains(out, sgr) {
				t.Error("highlight left after the filter was cleared")
			}
		})
	}
	if n < 6 {
		t.Errorf("only %d views have a filter", n)
	}
}
