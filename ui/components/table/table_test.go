package table

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

var st = styles.New(themes.Dark(), false)

func cols() []Column {
	return []Column{
		{Title: "name", Min: 6, Flex: true, Search: true},
		{Title: "kind", Min: 4, Max: 8, Search: true, Drop: 1},
		{Title: "n", Min: 3, Right: true, Numeric: true},
	}
}

func rows(names ...string) []Row {
	out := make([]Row, len(names))
	for i, n := range names {
		out[i] = Row{Key: n, Cells: []Cell{{Text: n}, {Text: "k" + n[:1]}, {Text: fmt.Sprint(len(n))}}, Num: []float64{2: float64(len(n))}}
	}
	return out
}

func keysOf(m Model) []string {
	var out []string
	for _, i := range m.view {
		out = append(out, m.src.Key(i))
	}
	return out
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

func TestSelectionSurvivesRefresh(t *testing.T) {
	m := New(cols())
	m.SetSize(40, 4)
	m.SetRows(rows("alpha", "bravo", "charlie", "delta", "echo"))
	for range 3 {
		m, _ = m.Update(press("j"))
	}
	if r, _ := m.Selected(); r.Key != "delta" || m.Offset() != 1 {
		t.Fatalf("after 3×j: selected %q, offset %d", r.Key, m.Offset())
	}
	// A refresh that adds a row before the selection keeps it on delta,
	// and the window does not jump.
	m.SetRows(rows("aardvark", "alpha", "bravo", "charlie", "delta", "echo"))
	if r, _ := m.Selected(); r.Key != "delta" {
		t.Errorf("after refresh: selected %q", r.Key)
	}
	if m.Offset() != 2 {
		t.Errorf("offset %d, want 2 (scrolled just enough)", m.Offset())
	}
	// When the selected row disappears, the cursor stays at its place.
	m.SetRows(rows("aardvark", "alpha", "bravo", "charlie", "echo"))
	if r, _ := m.Selected(); r.Key != "echo" {
		t.Errorf("after delete: selected %q", r.Key)
	}
}

func TestSortAndKeys(t *testing.T) {
	m := New(cols())
	m.SetSize(40, 10)
	m.SetRows(rows("bb", "a", "cccc", "ddd"))
	if got := keysOf(m); !slices.Equal(got, []string{"a", "bb", "cccc", "ddd"}) {
		t.Fatalf("by name: %v", got)
	}
	m, _ = m.Update(press("s")) // kind
	m, _ = m.Update(press("s")) // n, numeric: descending first
	if got := keysOf(m); !slices.Equal(got, []string{"cccc", "ddd", "bb", "a"}) {
		t.Errorf("by n desc: %v", got)
	}
	m, _ = m.Update(press("S"))
	if got := keysOf(m); !slices.Equal(got, []string{"a", "bb", "ddd", "cccc"}) {
		t.Errorf("by n asc: %v", got)
	}
	m, _ = m.Update(press("G"))
	if r, _ := m.Selected(); r.Key != "cccc" {
		t.Errorf("G selects %q", r.Key)
	}
	m, _ = m.Update(press("g"))
	if r, _ := m.Selected(); r.Key != "a" {
		t.Errorf("g selects %q", r.Key)
	}
}

func TestFilterHighlightsMatchedLetters(t *testing.T) {
	m := New(cols())
	m.SetSize(40, 10)
	m.SetRows(rows("orders.eu", "orders.us", "audit"))
	m.SetFilter("o.e")
	if got := keysOf(m); !slices.Equal(got, []string{"orders.eu"}) {
		t.Fatalf("filter o.e: %v", got)
	}
	if got := m.matchedIn(0, 0); !slices.Equal(got, []int{0, 6, 7}) {
		t.Errorf("matched offsets %v", got)
	}
	// The second search column is matched after the first and a space.
	m.SetFilter("ka")
	if got := keysOf(m); !slices.Equal(got, []string{"audit"}) {
		t.Fatalf("filter ka: %v", got)
	}
	if got := m.matchedIn(2, 1); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("kind offsets %v", got)
	}
	out := m.View(st)
	if !strings.Contains(out, st.Highlight.Inherit(st.Selected).Render("ka")) {
		t.Errorf("the matched letters are not highlighted:\n%q", out)
	}
	m.SetFilter("")
	if m.Len() != 3 {
		t.Errorf("clearing the filter shows %d rows", m.Len())
	}
}

func TestLayoutDropsThenShrinks(t *testing.T) {
	m := New(cols())
	m.SetRows(rows(strings.Repeat("x", 50)))
	m.SetSize(80, 3)
	if got := len(m.layout()); got != 3 {
		t.Fatalf("80 wide: %d columns", got)
	}
	m.SetSize(30, 3)
	ps := m.layout()
	if len(ps) != 2 || ps[0].col != 0 || ps[1].col != 2 {
		t.Fatalf("30 wide: %+v, want name and n", ps)
	}
	for _, line := range strings.Split(m.View(st), "\n") {
		if w := ansi.StringWidth(line); w != 30 {
			t.Errorf("line %q is %d wide", ansi.Strip(line), w)
		}
	}
}

func TestMouse(t *testing.T) {
	m := New(cols())
	m.SetSize(40, 10)
	m.SetRows(rows("a", "bb", "ccc", "dddd", "eeeee"))
	m, _ = m.Update(tea.MouseClickMsg{X: 2, Y: 3})
	if r, _ := m.Selected(); r.Key != "ccc" {
		t.Errorf("click on the third row selects %q", r.Key)
	}
	m, _ = m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if r, _ := m.Selected(); r.Key != "eeeee" {
		t.Errorf("wheel down selects %q", r.Key)
	}
	// A click on a header sorts by that column, a second reverses.
	x := m.layout()[2].x
	m, _ = m.Update(tea.MouseClickMsg{X: x, Y: 0})
	if c, desc := m.Sort(); c != 2 || !desc {
		t.Errorf("header click: sort %d desc %v", c, desc)
	}
	m, _ = m.Update(tea.MouseClickMsg{X: x, Y: 0})
	if _, desc := m.Sort(); desc {
		t.Error("second header click did not reverse")
	}
}
