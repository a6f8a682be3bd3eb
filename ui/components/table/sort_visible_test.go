package table

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestSortSkipsHiddenColumns is the QA bug: at 80 columns s cycled onto
// columns the width left out (STATE), and the header then showed no
// arrow. s goes only through the columns on screen; a wide table still
// goes through all of them.
func TestSortSkipsHiddenColumns(t *testing.T) {
	m := New(cols())
	m.SetSize(14, 10) // too narrow for kind (Drop 1)
	m.SetRows(rows("bb", "a", "cccc"))
	if h := ansi.Strip(strings.Split(m.View(st), "\n")[0]); strings.Contains(h, "KIND") {
		t.Fatalf("kind is shown at 14 columns: %q", h)
	}
	for i, want := range []int{2, 0, 2} {
		m, _ = m.Update(press("s"))
		if c, _ := m.Sort(); c != want {
			t.Fatalf("s #%d sorts by column %d, want %d", i+1, c, want)
		}
		if h := ansi.Strip(strings.Split(m.View(st), "\n")[0]); !strings.ContainsAny(h, "↑↓") {
			t.Errorf("s #%d: the header shows no arrow: %q", i+1, h)
		}
	}
	m.SetSize(40, 10)
	m, _ = m.Update(press("s"))
	m, _ = m.Update(press("s"))
	if c, _ := m.Sort(); c != 1 {
		t.Errorf("wide, s goes to column %d, want kind (1)", c)
	}
}
