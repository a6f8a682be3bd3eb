package markdown

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRender pins the sample at two widths, as plain text.
func TestRender(t *testing.T) {
	st := styles.New(themes.Dark(), false)
	for _, w := range []int{40, 80} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			golden.RequireEqual(t, ansi.Strip(strings.Join(Render(st, sample(t), w), "\n")))
		})
	}
}

// TestRenderStyled pins the styles: the dark theme and NO_COLOR.
func TestRenderStyled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		noColor bool
	}{{"dark", false}, {"no-color", true}} {
		t.Run(tc.name, func(t *testing.T) {
			golden.RequireEqual(t, strings.Join(Render(styles.New(themes.Dark(), tc.noColor), sample(t), 60), "\n"))
		})
	}
}

// TestNoColor: with NO_COLOR no colour sequence is drawn, only attributes.
func TestNoColor(t *testing.T) {
	out := strings.Join(Render(styles.New(themes.Dark(), true), sample(t), 60), "\n")
	for _, colour := range []string{"[38;", "[48;", "[3", "[9"} {
		for _, seq := range strings.Split(out, "\x1b")[1:] {
			if strings.HasPrefix(seq, colour) && !strings.HasPrefix(seq, "[3m") {
				t.Fatalf("colour sequence %q with NO_COLOR", seq)
			}
		}
	}
}

// TestWidth: no line is ever wider than asked.
func TestWidth(t *testing.T) {
	st := styles.New(themes.Dark(), false)
	for w := 8; w <= 100; w++ {
		for _, l := range Render(st, sample(t), w) {
			if got := ansi.StringWidth(l); got > w {
				t.Fatalf("width %d: %q is %d wide", w, ansi.Strip(l), got)
			}
		}
	}
}

// TestHostile: escape sequences in the text are shown, not obeyed.
func TestHostile(t *testing.T) {
	st := styles.New(themes.Dark(), true)
	out := ansi.Strip(strings.Join(Render(st, "# t\x1b]0;x\x07\n\npara \x1b[2J `c\x1b[31m`\n\n```\nrm \x1b[2J\n```", 40), "\n"))
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("control characters reached the screen: %q", out)
	}
}

func TestInline(t *testing.T) {
	plain := lipgloss.NewStyle()
	st := styles.New(themes.Dark(), true)
	for _, tc := range []struct{ in, want string }{
		{"press `p` then **enter**", "press p then enter"},
		{"a `key with spaces` b", "a key with spaces b"},
		{"snake_case_name and _em_", "snake_case_name and em"},
		{"[docs](http://x/y) and <http://z>", "docs (http://x/y) and http://z"},
		{"unclosed `tick and *star", "unclosed `tick and *star"},
		{`\*not em\*`, "*not em*"},
	} {
		if got := ansi.Strip(Inline(st, plain, tc.in)); got != tc.want {
			t.Errorf("Inline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	spans := parseInline("a **b** *c* `d`")
	kinds := []int{spanText, spanStrong, spanText, spanEm, spanText, spanCode}
	if len(spans) != len(kinds) {
		t.Fatalf("spans %+v", spans)
	}
	for i, k := range kinds {
		if spans[i].kind != k {
			t.Errorf("span %d %+v, want kind %d", i, spans[i], k)
		}
	}
}

// TestWrapKeepsCode: a code span is one word, never broken.
func TestWrapKeepsCode(t *testing.T) {
	st := styles.New(themes.Dark(), true)
	lines := Wrap(st, lipgloss.NewStyle(), "bind it with `eu.orders.#` now", 12)
	for _, l := range lines {
		if strings.Contains(ansi.Strip(l), "eu.orders.#") {
			return
		}
	}
	t.Fatalf("the code span was broken: %q", lines)
}
