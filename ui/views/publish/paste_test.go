package publish_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// A paste with escape sequences never reaches the terminal through the
// form: the editors drop control characters.
func TestPasteIsSafe(t *testing.T) {
	m := publish.New(fixture.Common())
	m.SetSize(80, 21)
	m.Update(tea.PasteMsg{Content: "orders\x1b]0;pwned\x07"})
	for m.Focused() != publish.FieldBody {
		drive.Type(m, "tab")
	}
	m.Update(tea.PasteMsg{Content: "line1\n\x1b[2Jline2\x07"})
	f := m.Form()
	for _, s := range []string{f.Exchange, f.Body} {
		if strings.ContainsAny(s, "\x1b\x07") {
			t.Errorf("%q kept control characters", s)
		}
	}
	if !strings.Contains(f.Body, "line1\n") || !strings.Contains(f.Body, "line2") {
		t.Errorf("the paste's text was lost: %q", f.Body)
	}
	if v := m.View(); strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x07") {
		t.Errorf("the view sends the pasted escapes to the terminal: %q", v)
	}
}
