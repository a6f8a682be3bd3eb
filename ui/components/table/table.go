// Package table is a live, sortable, filterable table. Rows are identified
// by a key, so a refresh that replaces every row keeps the selection on
// the same object and the scroll where it was; the / filter is fuzzy and
// remembers which letters matched, for highlighting.
package table

import (
	"cmp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Column describes a column.
type Column struct {
	Title string
	// Min and Max bound the width; Max 0 means no bound but the screen.
	Min, Max int
	// Flex columns share the room that is left over.
	Flex bool
	// Right aligns the column to the right, for numbers.
	Right bool
	// Numeric sorts by the row's Num value instead of the text.
	Numeric bool
	// Drop orders the columns left out when the screen is too narrow:
	// the highest first; 0 is never dropped.
	Drop int
	// Search makes the / filter look at the column.
	Search bool
}

// Cell is one cell: Printable text and what it means.
type Cell struct {
	Text string
	Tone styles.Tone
}

// Row is one row.
type Row struct {
	// Key identifies the object across refreshes.
	Key   string
	Cells []Cell
	// Num holds the sort value of each Numeric column, by column index.
	Num []float64
	// Ref is what the row shows, for the owner.
	Ref any
}

// Model is the table.
type Model struct {
	Keys KeyMap

	cols    []Column
	rows    []Row
	natural []int // each column's widest text

	view   []int   // indexes into rows, filtered and sorted
	hl     [][]int // per row index: matched byte offsets in the search text
	filter string

	sortCol  int
	sortDesc bool

	cursor, offset int
	selKey         string
	width, height  int
}

// New returns a table of the columns, sorted by the first.
func New(cols []Column) Model {
	return Model{Keys: DefaultKeyMap(), cols: cols, natural: make([]int, len(cols))}
}

// Columns returns the columns.
func (m Model) Columns() []Column { return m.cols }

// SetRows replaces the rows. The selection stays on the row with the same
// key; if it is gone, on the row now at its place.
func (m *Model) SetRows(rows []Row) {
	m.rows = rows
	clear(m.natural)
	for i, c := range m.cols {
		m.natural[i] = len([]rune(c.Title)) + 2 // room for the sort arrow
	}
	for _, r := range rows {
		for i := range min(len(r.Cells), len(m.cols)) {
			m.natural[i] = max(m.natural[i], cellWidth(r.Cells[i].Text))
		}
	}
	m.rebuild()
}

// SetFilter filters the rows with a fuzzy pattern over the Search columns.
func (m *Model) SetFilter(s string) {
	if s == m.filter {
		return
	}
	m.filter = s
	m.rebuild()
}

// Filter returns the filter.
func (m Model) Filter() string { return m.filter }

// SortBy sorts by a column, descending or not.
func (m *Model) SortBy(col int, desc bool) {
	if col < 0 || col >= len(m.cols) {
		return
	}
	m.sortCol, m.sortDesc = col, desc
	m.rebuild()
}

// Sort returns the sort column and direction.
func (m Model) Sort() (int, bool) { return m.sortCol, m.sortDesc }

// SetSize sets the box the table draws in, header included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
}

// Len returns how many rows pass the filter; Total how many there are.
func (m Model) Len() int { return len(m.view) }

// Total returns how many rows there are.
func (m Model) Total() int { return len(m.rows) }

// Selected returns the row under the cursor.
func (m Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return Row{}, false
	}
	return m.rows[m.view[m.cursor]], true
}

// Cursor returns the cursor's index among the shown rows.
func (m Model) Cursor() int { return m.cursor }

// Offset returns the index of the first row shown.
func (m Model) Offset() int { return m.offset }

// rebuild filters and sorts, then finds the selected row again.
func (m *Model) rebuild() {
	m.view = m.view[:0]
	m.hl = m.hl[:0]
	if m.filter == "" {
		for i := range m.rows {
			m.view = append(m.view, i)
		}
	} else {
		m.hl = make([][]int, len(m.rows))
		for _, match := range fuzzy.FindFromNoSort(m.filter, searchSource{m}) {
			m.view = append(m.view, match.Index)
			m.hl[match.Index] = match.MatchedIndexes
		}
	}
	m.sort()
	m.reselect()
}

func (m *Model) sort() {
	c, desc := m.sortCol, m.sortDesc
	if c >= len(m.cols) {
		return
	}
	numeric := m.cols[c].Numeric
	slices.SortStableFunc(m.view, func(a, b int) int {
		ra, rb := &m.rows[a], &m.rows[b]
		var n int
		if numeric {
			n = cmp.Compare(num(ra, c), num(rb, c))
		} else {
			n = compareFold(text(ra, c), text(rb, c))
		}
		if desc {
			return -n
		}
		return n
	})
}

func (m *Model) reselect() {
	if m.selKey != "" {
		for i, ri := range m.view {
			if m.rows[ri].Key == m.selKey {
				m.cursor = i
				m.scroll()
				return
			}
		}
	}
	m.cursor = max(min(m.cursor, len(m.view)-1), 0)
	m.remember()
	m.scroll()
}

func (m *Model) remember() {
	if r, ok := m.Selected(); ok {
		m.selKey = r.Key
	}
}

// move puts the cursor on a shown row and scrolls to it.
func (m *Model) move(i int) {
	m.cursor = max(min(i, len(m.view)-1), 0)
	m.remember()
	m.scroll()
}

// scroll keeps the cursor in the window of rows, moving the window as
// little as it can so a refresh never jumps.
func (m *Model) scroll() {
	rows := m.pageRows()
	if rows <= 0 {
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(min(m.offset, len(m.view)-rows), 0)
}

// pageRows is how many rows fit under the header.
func (m Model) pageRows() int { return m.height - 1 }

// Update moves the cursor and sorts for keys, the wheel and clicks. Click
// coordinates are relative to the table's top left.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.updateKey(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(m.cursor - 3)
		case tea.MouseWheelDown:
			m.move(m.cursor + 3)
		}
	case tea.MouseClickMsg:
		m.click(msg.X, msg.Y)
	}
	return m, nil
}

func (m *Model) updateKey(msg tea.KeyPressMsg) {
	k, page := m.Keys, max(m.pageRows(), 1)
	switch {
	case key.Matches(msg, k.Up):
		m.move(m.cursor - 1)
	case key.Matches(msg, k.Down):
		m.move(m.cursor + 1)
	case key.Matches(msg, k.PageUp):
		m.move(m.cursor - page)
	case key.Matches(msg, k.PageDown):
		m.move(m.cursor + page)
	case key.Matches(msg, k.HalfUp):
		m.move(m.cursor - page/2)
	case key.Matches(msg, k.HalfDown):
		m.move(m.cursor + page/2)
	case key.Matches(msg, k.Top):
		m.move(0)
	case key.Matches(msg, k.Bottom):
		m.move(len(m.view) - 1)
	case key.Matches(msg, k.Sort):
		m.SortBy((m.sortCol+1)%len(m.cols), m.cols[(m.sortCol+1)%len(m.cols)].Numeric)
	case key.Matches(msg, k.Reverse):
		m.SortBy(m.sortCol, !m.sortDesc)
	}
}

// click selects the clicked row, or sorts by the clicked column header
// (again: reversed).
func (m *Model) click(x, y int) {
	if y == 0 {
		for _, p := range m.layout() {
			if x >= p.x && x < p.x+p.w {
				desc := m.cols[p.col].Numeric
				if p.col == m.sortCol {
					desc = !m.sortDesc
				}
				m.SortBy(p.col, desc)
				return
			}
		}
		return
	}
	if i := m.offset + y - 1; i < len(m.view) {
		m.move(i)
	}
}

// searchSource is the search text of each row for fuzzy: its Search
// cells joined by spaces.
type searchSource struct{ m *Model }

// Len is the number of rows.
func (s searchSource) Len() int { return len(s.m.rows) }

// String is row i's search text.
func (s searchSource) String(i int) string { return s.m.searchText(i) }

func (m *Model) searchText(i int) string {
	var b strings.Builder
	for c, col := range m.cols {
		if !col.Search {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text(&m.rows[i], c))
	}
	return b.String()
}

// matchedIn returns the matched byte offsets of a row that fall in one
// column's cell, relative to the cell.
func (m *Model) matchedIn(ri, col int) []int {
	if m.filter == "" || ri >= len(m.hl) || len(m.hl[ri]) == 0 || !m.cols[col].Search {
		return nil
	}
	start := 0
	for c := range col {
		if m.cols[c].Search {
			start += len(text(&m.rows[ri], c)) + 1
		}
	}
	end := start + len(text(&m.rows[ri], col))
	var out []int
	for _, o := range m.hl[ri] {
		if o >= start && o < end {
			out = append(out, o-start)
		}
	}
	return out
}

func text(r *Row, c int) string {
	if c < len(r.Cells) {
		return r.Cells[c].Text
	}
	return ""
}

func num(r *Row, c int) float64 {
	if c < len(r.Num) {
		return r.Num[c]
	}
	return 0
}

func compareFold(a, b string) int {
	if n := strings.Compare(strings.ToLower(a), strings.ToLower(b)); n != 0 {
		return n
	}
	return strings.Compare(a, b)
}
