// Package table is a live, sortable, filterable table. Rows are identified
// by a key, so a refresh that replaces every row keeps the selection on
// the same object and the scroll where it was; the / filter is fuzzy and
// remembers which letters matched, for highlighting.
package table

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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
	// Stable says the cell's text follows from the row's key alone (a
	// name). A table of more than BigRows rows measures a Stable column
	// over every row when the rows change, and its other columns over
	// the rows it draws, growing and never shrinking, so a refresh of a
	// big table costs what it draws.
	Stable bool
}

// BigRows is the number of rows above which a table measures only its
// Stable columns over every row.
const BigRows = 5000

// Cell is one cell: Printable text and what it means.
type Cell struct {
	Text string
	Tone styles.Tone
	// Short, when set, is drawn instead of Text when Text does not fit:
	// the part that tells the row from its neighbours (a connection's
	// client address without the server's, say), cut in the middle if
	// it does not fit either.
	Short string
}

// Row is one row, built in full: what Selected returns, and what
// SetRows takes.
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
	src     Rows
	n       int   // src.Len()
	natural []int // each column's widest text

	order  []int // indexes into src, sorted
	view   []int // order, filtered
	search []string
	hl     map[int][]int // per row index: matched byte offsets in the search text
	filter string

	sortCol  int
	sortDesc bool
	nums     []float64 // the numeric sort column's values, by row
	texts    []string  // the text sort column's texts, by row
	textW    []int     // their widths, when measured (else empty)

	cursor, offset int
	selKey         string
	selRow         int // the selected row's index while the rows are the same, else -1
	width, height  int
}

// New returns a table of the columns, sorted by the first.
func New(cols []Column) Model {
	return Model{Keys: DefaultKeyMap(), cols: cols, natural: make([]int, len(cols)), src: RowList(nil), selRow: -1}
}

// Columns returns the columns.
func (m Model) Columns() []Column { return m.cols }

// SetRows replaces the rows with rows built beforehand. The selection
// stays on the row with the same key; if it is gone, on the row now at
// its place.
func (m *Model) SetRows(rows []Row) { m.SetSource(RowList(rows), Change{}) }

// SetSource replaces the rows. The selection stays on the row with the
// same key; if it is gone, on the row now at its place. When ch says the
// rows are the same objects as before, only the changed columns are
// measured, the rows are sorted again only if the sort column changed
// (and then only if they are out of order), and filtered again only if
// they were sorted again or a searched column changed. When they are
// other objects but ch.Was says where each row was, a table sorted by a
// Stable column carries its order over (see carry).
func (m *Model) SetSource(src Rows, ch Change) {
	same := ch.Same && m.src != nil && src.Len() == m.n && len(m.order) == m.n
	oldN := m.n
	m.src, m.n = src, src.Len()
	var searched, measured uint64
	for c, col := range m.cols {
		if col.Search {
			searched |= ColBit(c)
		}
		if m.measured(c) && (m.n <= BigRows || col.Stable) {
			measured |= ColBit(c)
		}
	}
	changed := AllCols
	if same {
		ask := ColBit(m.sortCol) | measured
		if m.filter != "" {
			ask |= searched
		}
		changed = AllCols & ask
		if ch.Changed != nil {
			changed = ch.Changed(ask)
		}
	} else {
		m.selRow = -1
	}
	refilter := changed&searched != 0
	if refilter || m.filter == "" {
		// Without a filter, whether the searched columns changed is not
		// known, nor needed until a filter is typed.
		m.search, m.hl = m.search[:0], nil
	}
	switch {
	case changed&ColBit(m.sortCol) == 0:
	case !same && ch.Was != nil && m.carry(ch.Was, oldN):
		refilter = true
	default:
		refilter = m.sort(same) || refilter
	}
	m.measure(changed)
	if refilter {
		m.applyFilter(m.order)
		return
	}
	m.reselect()
}

// SetFilter filters the rows with a fuzzy pattern over the Search columns.
func (m *Model) SetFilter(s string) {
	if s == m.filter {
		return
	}
	// A longer filter keeps only rows the shorter one kept.
	from := m.order
	if m.filter != "" && strings.HasPrefix(s, m.filter) {
		from = m.view
	}
	m.filter = s
	m.applyFilter(from)
}

// Filter returns the filter.
func (m Model) Filter() string { return m.filter }

// SortBy sorts by a column, descending or not.
func (m *Model) SortBy(col int, desc bool) {
	if col < 0 || col >= len(m.cols) {
		return
	}
	m.sortCol, m.sortDesc = col, desc
	m.sort(false)
	m.applyFilter(m.order)
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
func (m Model) Total() int { return m.n }

// Selected returns the row under the cursor.
func (m Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return Row{}, false
	}
	return rowOf(m.src, len(m.cols), m.view[m.cursor]), true
}

// Cursor returns the cursor's index among the shown rows.
func (m Model) Cursor() int { return m.cursor }

// Offset returns the index of the first row shown.
func (m Model) Offset() int { return m.offset }

// reselect finds the selected row again after the rows or the filter
// changed, and keeps the window on it.
func (m *Model) reselect() {
	if i, ok := m.selectedIndex(); ok {
		if pos := slices.Index(m.view, i); pos >= 0 {
			m.cursor, m.selRow = pos, i
			m.scroll()
			return
		}
	}
	m.cursor = max(min(m.cursor, len(m.view)-1), 0)
	m.remember()
	m.scroll()
}

// selectedIndex is the row index of the selected object, if it is there.
func (m *Model) selectedIndex() (int, bool) {
	switch {
	case m.selRow >= 0 && m.selRow < m.n:
		return m.selRow, true
	case m.selKey == "":
		return 0, false
	}
	if f, ok := m.src.(Finder); ok {
		return f.Find(m.selKey)
	}
	for _, i := range m.view {
		if m.src.Key(i) == m.selKey {
			return i, true
		}
	}
	return 0, false
}

func (m *Model) remember() {
	if m.cursor >= 0 && m.cursor < len(m.view) {
		m.selRow = m.view[m.cursor]
		m.selKey = m.src.Key(m.selRow)
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
	m.measureWindow()
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
		next := m.nextSortCol()
		m.SortBy(next, m.cols[next].Numeric)
	case key.Matches(msg, k.Reverse):
		m.SortBy(m.sortCol, !m.sortDesc)
	}
}

// nextSortCol is the column s sorts by next: the next one on screen, so
// that the sort never goes to a column the width left out (its header
// would show no arrow); any next column when none is laid out yet.
func (m *Model) nextSortCol() int {
	n := len(m.cols)
	shown := make(map[int]bool, n)
	for _, p := range m.layout() {
		shown[p.col] = true
	}
	for i := 1; i <= n; i++ {
		if c := (m.sortCol + i) % n; len(shown) == 0 || shown[c] {
			return c
		}
	}
	return (m.sortCol + 1) % n
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

// searchText is row i's search text: its Search cells joined by
// spaces, made for every row when first needed after the rows changed.
func (m *Model) searchText(i int) string {
	if len(m.search) != m.n {
		m.search = resize(m.search, m.n)
		for r := range m.search {
			m.search[r] = m.joinSearch(r)
		}
	}
	return m.search[i]
}

func (m *Model) joinSearch(i int) string {
	var b strings.Builder
	for c, col := range m.cols {
		if !col.Search {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.src.Cell(i, c).Text)
	}
	return b.String()
}

// matchedIn returns the matched byte offsets of a row that fall in one
// column's cell, relative to the cell.
func (m *Model) matchedIn(ri, col int) []int {
	if m.filter == "" || !m.cols[col].Search {
		return nil
	}
	hl := m.highlights(ri)
	if len(hl) == 0 {
		return nil
	}
	start := 0
	for c := range col {
		if m.cols[c].Search {
			start += len(m.src.Cell(ri, c).Text) + 1
		}
	}
	end := start + len(m.src.Cell(ri, col).Text)
	var out []int
	for _, o := range hl {
		if o >= start && o < end {
			out = append(out, o-start)
		}
	}
	return out
}
