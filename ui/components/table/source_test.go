package table

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// counted is a Rows of n generated objects, "obj00042" with a value, that
// counts the cells it formats.
type counted struct {
	names []string
	vals  []float64
	finds int
	cells int
}

func newCounted(n int) *counted {
	c := &counted{}
	for i := range n {
		c.names = append(c.names, fmt.Sprintf("obj%05d", i))
		c.vals = append(c.vals, float64(i%7))
	}
	return c
}

func (c *counted) Len() int         { return len(c.names) }
func (c *counted) Key(i int) string { return c.names[i] }
func (c *counted) Ref(i int) any    { return i }

func (c *counted) Cell(i, col int) Cell {
	c.cells++
	switch col {
	case 0:
		return Cell{Text: c.names[i]}
	case 1:
		return Cell{Text: "k" + c.names[i][len(c.names[i])-1:]}
	}
	return Cell{Text: fmt.Sprint(c.vals[i])}
}

func (c *counted) Num(i, col int) float64 { return c.vals[i] }

func (c *counted) Find(key string) (int, bool) {
	c.finds++
	i, ok := slices.BinarySearch(c.names, key)
	return i, ok
}

// stableCols are cols() with the name measured as Stable.
func stableCols() []Column {
	cs := cols()
	cs[0].Stable = true
	return cs
}

func TestBigRefreshFormatsOnlyWhatItDraws(t *testing.T) {
	const n = BigRows * 4
	m := New(stableCols())
	m.SetSize(60, 11)
	src := newCounted(n)
	m.SetSource(src, Change{})
	for range 500 {
		m, _ = m.Update(press("j"))
	}
	_ = m.View(st)
	sel, _ := m.Selected()
	offset := m.Offset()

	// The same objects, nothing asked about changed: the refresh and the
	// frame format about the rows drawn, not the 20,000 rows.
	next := &counted{names: src.names, vals: src.vals}
	var asked uint64
	m.SetSource(next, Change{Same: true, Changed: func(cols uint64) uint64 { asked = cols; return 0 }})
	_ = m.View(st)
	if next.cells > 10*len(m.cols)*4 {
		t.Errorf("a refresh of %d rows formatted %d cells", n, next.cells)
	}
	if asked&ColBit(1) != 0 {
		t.Errorf("asked about the searched column %b without a filter on", asked)
	}
	if asked&ColBit(0) == 0 {
		t.Errorf("did not ask about the sort column: %b", asked)
	}
	if r, _ := m.Selected(); r.Key != sel.Key || m.Offset() != offset {
		t.Errorf("selection %q offset %d, want %q %d", r.Key, m.Offset(), sel.Key, offset)
	}
}

func TestBigRefreshSortsAgainWhenTheSortColumnChanged(t *testing.T) {
	const n = BigRows + 10
	m := New(stableCols())
	m.SetSize(60, 11)
	src := newCounted(n)
	m.SetSource(src, Change{})
	m.SortBy(2, true) // by value, descending
	m, _ = m.Update(press("j"))
	sel, _ := m.Selected()

	// Every value moves; the same objects.
	next := &counted{names: src.names, vals: make([]float64, n)}
	for i := range n {
		next.vals[i] = float64((i * 13) % 101)
	}
	m.SetSource(next, Change{Same: true, Changed: func(cols uint64) uint64 { return cols }})
	if r, _ := m.Selected(); r.Key != sel.Key {
		t.Errorf("selection moved to %q, want %q", r.Key, sel.Key)
	}
	var got []float64
	for _, i := range m.view {
		got = append(got, next.vals[i])
	}
	if !slices.IsSortedFunc(got, func(a, b float64) int { return -cmpFloat(a, b) }) {
		t.Error("not sorted by the new values, descending")
	}
	// Ties keep the rows' own order.
	for k := 1; k < len(m.view); k++ {
		a, b := m.view[k-1], m.view[k]
		if next.vals[a] == next.vals[b] && a > b {
			t.Fatalf("rows %d and %d tie but are out of their order", a, b)
		}
	}

	// Values that change without moving any row keep the order as it is.
	before := slices.Clone(m.view)
	same := &counted{names: next.names, vals: next.vals}
	m.SetSource(same, Change{Same: true, Changed: func(cols uint64) uint64 { return cols }})
	if !slices.Equal(before, m.view) {
		t.Error("the order changed though no value did")
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestRefreshWithOtherObjectsFindsTheSelection(t *testing.T) {
	const n = BigRows + 100
	m := New(stableCols())
	m.SetSize(60, 11)
	src := newCounted(n)
	m.SetSource(src, Change{})
	for range 40 {
		m, _ = m.Update(press("j"))
	}
	sel, _ := m.Selected()
	// Two objects before the selection go: the rows are other objects.
	next := &counted{names: slices.Delete(slices.Clone(src.names), 3, 5), vals: slices.Delete(slices.Clone(src.vals), 3, 5)}
	m.SetSource(next, Change{})
	if r, _ := m.Selected(); r.Key != sel.Key {
		t.Errorf("selection %q, want %q", r.Key, sel.Key)
	}
	if next.finds == 0 {
		t.Error("the selection was not found by the source's Finder")
	}
}

func TestBigTableWidths(t *testing.T) {
	const n = BigRows + 1
	m := New(stableCols())
	m.SetSize(80, 6)
	src := newCounted(n)
	src.names[n-1] = "obj" + strings.Repeat("w", 30) // far below the window
	slices.Sort(src.names)
	m.SetSource(src, Change{})
	// The Stable name column is measured over every row.
	if m.natural[0] < 33 {
		t.Errorf("name column %d wide, want the widest name's 33", m.natural[0])
	}
	// The value column grows with the rows drawn, and keeps its width.
	m.cols[2].Max, m.cols[2].Min = 12, 1
	src.vals[n-1] = 1234567.5
	m.SetSource(&counted{names: src.names, vals: src.vals}, Change{Same: true, Changed: func(c uint64) uint64 { return c }})
	if m.natural[2] >= 9 {
		t.Errorf("value column measured a row not drawn: %d", m.natural[2])
	}
	m, _ = m.Update(press("G"))
	if m.natural[2] != len("1.2345675e+06") {
		t.Errorf("value column %d wide after drawing the wide value", m.natural[2])
	}
	m, _ = m.Update(press("g"))
	if m.natural[2] != len("1.2345675e+06") {
		t.Errorf("value column shrank to %d", m.natural[2])
	}
}

func TestSmallTableMeasuresEveryRow(t *testing.T) {
	m := New(cols())
	m.SetSize(80, 4) // two rows drawn
	m.SetRows(rows("a", "b", "c", strings.Repeat("z", 20)))
	if m.natural[0] != 20 {
		t.Errorf("name column %d wide, want 20", m.natural[0])
	}
}

func TestOtherObjectsCarryTheOrder(t *testing.T) {
	const n = BigRows + 200
	src := newCounted(n)
	src.names[10] = "obj" + strings.Repeat("w", 40) // the widest name
	slices.Sort(src.names)
	m := New(stableCols())
	m.SetSize(60, 11)
	m.SetSource(src, Change{})
	for range 30 {
		m, _ = m.Update(press("j"))
	}
	sel, _ := m.Selected()
	if m.natural[0] != 43 {
		t.Fatalf("name column %d wide, want 43", m.natural[0])
	}

	// The widest goes, two come (one sorts first, one in the middle), and
	// a few others go.
	var names []string
	var was []int
	for i, name := range src.names {
		if strings.Contains(name, "www") || i == 3 || i == 500 {
			continue
		}
		names = append(names, name)
		was = append(was, i)
	}
	names = append(names, "aaa-first", "obj00100x")
	was = append(was, -1, -1)
	// In a source's own order, which is not the sort order.
	next := &counted{names: names, vals: make([]float64, len(names))}
	asked := 0
	m.SetSource(next, Change{Was: func(i int) int { asked++; return was[i] }})
	if asked == 0 {
		t.Fatal("Was was not asked")
	}
	want := slices.Clone(names)
	slices.Sort(want)
	if got := keysOf(m); !slices.Equal(got, want) {
		t.Errorf("order %v…, want %v…", got[:5], want[:5])
	}
	if r, _ := m.Selected(); r.Key != sel.Key {
		t.Errorf("selection %q, want %q", r.Key, sel.Key)
	}
	if m.natural[0] != len("obj00100x") {
		t.Errorf("name column %d wide after the widest name went, want %d", m.natural[0], len("obj00100x"))
	}
	// Only the new rows' names were asked for.
	if next.cells > 100 {
		t.Errorf("%d cells formatted to carry the order", next.cells)
	}
}
