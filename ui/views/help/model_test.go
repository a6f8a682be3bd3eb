package help

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestNarrowKeepsAGap is the QA bug: at 80 columns ":consume QUEUE
// [peek|ack|auto]" ran into its description ("au…take messages"). The
// command is drawn whole, a gap after it, and the description cut to the
// width instead.
func TestNarrowKeepsAGap(t *testing.T) {
	cmds := []Command{
		{Names: []string{"consume"}, Arg: "QUEUE [peek|ack|auto]", Help: "take messages from a queue: peek puts them back, ack settles by hand, auto removes them"},
		{Names: []string{"queues", "qu", "q"}, Help: "the queues"},
	}
	secs := []Section{{Title: "global", Bindings: []key.Binding{
		key.NewBinding(key.WithKeys("ctrl+shift+x"), key.WithHelp("ctrl+shift+alt+x", "a key with a long name and a long description that goes on and on")),
	}}}
	for _, w := range []int{80, 160} {
		m := New(fixture.Common(), secs, cmds)
		m.SetSize(w, 20)
		screen := ansi.Strip(m.View())
		for _, want := range []string{":consume QUEUE [peek|ack|auto]  take messages", ":queues, :qu, :q", "ctrl+shift+alt+x  a key"} {
			if !strings.Contains(screen, want) {
				t.Errorf("%d columns: %q not drawn:\n%s", w, want, screen)
			}
		}
		for _, l := range strings.Split(screen, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("%d columns: line %d wide: %q", w, ansi.StringWidth(l), l)
			}
		}
	}
}
