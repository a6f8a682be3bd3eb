package table

import (
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

const (
	lead = 1 // cells before the first column
	gap  = 2 // cells between columns
)

// placed is a column as laid out: where it starts and how wide it is.
type placed struct{ col, x, w int }

// cellWidth is the display width of a cell's plain text; printable ASCII
// is one cell a byte.
func cellWidth(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// measured reports whether column c's width depends on its cells.
func (m *Model) measured(c int) bool {
	col := m.cols[c]
	return col.Max == 0 || col.Min < col.Max
}

// measure works out the natural widths of the changed columns: over
// every row, but in a big table only the Stable columns; its other
// columns keep their width and grow with the rows drawn (measureWindow).
func (m *Model) measure(changed uint64) {
	big := m.n > BigRows
	var all []int
	for c, col := range m.cols {
		if changed&ColBit(c) == 0 {
			continue
		}
		title := len([]rune(col.Title)) + 2 // room for the sort arrow
		switch {
		case !m.measured(c):
			m.natural[c] = title
		case big && !col.Stable:
			m.natural[c] = max(m.natural[c], title)
		default:
			m.natural[c] = title
			all = append(all, c)
		}
	}
	if len(all) == 0 {
		return
	}
	for _, c := range all {
		if c == m.sortCol && len(m.texts) == m.n {
			// The sort has just asked every row for this column's text;
			// its widths are kept with it.
			if len(m.textW) != m.n {
				m.textW = resize(m.textW, m.n)
				for i, t := range m.texts {
					m.textW[i] = cellWidth(t)
				}
			}
			for _, w := range m.textW {
				m.natural[c] = max(m.natural[c], w)
			}
			all = slices.DeleteFunc(all, func(x int) bool { return x == c })
			break
		}
	}
	for i := range m.n {
		for _, c := range all {
			m.natural[c] = max(m.natural[c], cellWidth(m.src.Cell(i, c).Text))
		}
	}
}

// measureWindow widens a big table's columns that are not Stable to fit
// the rows in view.
func (m *Model) measureWindow() {
	if m.n <= BigRows {
		return
	}
	end := min(m.offset+m.pageRows(), len(m.view))
	for c, col := range m.cols {
		if col.Stable || !m.measured(c) {
			continue
		}
		for _, ri := range m.view[m.offset:end] {
			m.natural[c] = max(m.natural[c], cellWidth(m.src.Cell(ri, c).Text))
		}
	}
}

// layout fits the columns to the width: natural widths within each
// column's bounds, then columns dropped by their Drop order, then flexible
// columns shrunk towards their Min.
func (m Model) layout() []placed {
	widths := make([]int, len(m.cols))
	shown := make([]bool, len(m.cols))
	for i, c := range m.cols {
		w := max(m.natural[i], c.Min)
		if c.Max > 0 {
			w = min(w, c.Max)
		}
		widths[i], shown[i] = w, true
	}
	total := func() int {
		t, n := lead, 0
		for i, w := range widths {
			if shown[i] {
				t += w
				n++
			}
		}
		return t + gap*max(n-1, 0)
	}
	// First give long flexible columns a comfortable width, then drop
	// columns, then shrink the flexible ones to their minimum.
	m.shrinkFlex(widths, shown, func(c Column) int { return max(c.Min, softFlex) }, total)
	for total() > m.width {
		drop := -1
		for i, c := range m.cols {
			if shown[i] && c.Drop > 0 && (drop < 0 || c.Drop > m.cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		shown[drop] = false
	}
	m.shrinkFlex(widths, shown, func(c Column) int { return max(c.Min, 1) }, total)
	var out []placed
	x := lead
	for i := range m.cols {
		if shown[i] {
			out = append(out, placed{col: i, x: x, w: widths[i]})
			x += widths[i] + gap
		}
	}
	return out
}

// softFlex is the width a flexible column keeps before any column is
// dropped.
const softFlex = 28

// shrinkFlex narrows the widest flexible columns, none below floor, until
// the total fits the width or nothing more can give.
func (m Model) shrinkFlex(widths []int, shown []bool, floor func(Column) int, total func() int) {
	for excess := total() - m.width; excess > 0; excess = total() - m.width {
		widest := -1
		for i, c := range m.cols {
			if shown[i] && c.Flex && widths[i] > floor(c) && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return
		}
		widths[widest] -= min(excess, widths[widest]-floor(m.cols[widest]))
	}
}

// View draws the header and the rows in view, exactly width by height.
func (m Model) View(st *styles.Styles) string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	cols := m.layout()
	lines := make([]string, 0, m.height)
	lines = append(lines, m.header(st, cols))
	end := min(m.offset+m.pageRows(), len(m.view))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.row(st, cols, m.view[i], i == m.cursor))
	}
	return common.Lines(strings.Join(lines, "\n"), m.width, m.height)
}

func (m Model) header(st *styles.Styles, cols []placed) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", lead))
	for i, p := range cols {
		if i > 0 {
			b.WriteString(strings.Repeat(" ", gap))
		}
		c, style := m.cols[p.col], st.TableHeader
		title := strings.ToUpper(c.Title)
		if p.col == m.sortCol {
			style = st.TableSorted
			if m.sortDesc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		b.WriteString(style.Render(common.Fit(title, p.w, c.Right)))
	}
	return b.String()
}

func (m Model) row(st *styles.Styles, cols []placed, ri int, selected bool) string {
	var b strings.Builder
	pad := lipgloss.NewStyle()
	if selected {
		pad = st.Selected
	}
	b.WriteString(pad.Render(strings.Repeat(" ", lead)))
	x := lead
	for i, p := range cols {
		if i > 0 {
			b.WriteString(pad.Render(strings.Repeat(" ", gap)))
			x += gap
		}
		cell := m.src.Cell(ri, p.col)
		base := st.Tone(cell.Tone)
		if selected {
			base = st.Selected
		}
		if cell.Short != "" && ansi.StringWidth(cell.Text) > p.w {
			b.WriteString(RenderCell(TruncateMiddle(cell.Short, p.w), p.w, m.cols[p.col].Right, base, base, nil))
		} else {
			b.WriteString(RenderCell(cell.Text, p.w, m.cols[p.col].Right, base, st.Highlight.Inherit(base), m.matchedIn(ri, p.col)))
		}
		x += p.w
	}
	if selected && x < m.width {
		b.WriteString(pad.Render(strings.Repeat(" ", m.width-x)))
	}
	return b.String()
}

// RenderCell truncates plain text to w cells, pads it (on the left when
// right-aligned), and draws the bytes at the offsets in matched in hl.
func RenderCell(text string, w int, right bool, base, hl lipgloss.Style, matched []int) string {
	t := common.Truncate(text, w)
	padding := strings.Repeat(" ", max(w-ansi.StringWidth(t), 0))
	if len(matched) == 0 {
		if right {
			return base.Render(padding + t)
		}
		return base.Render(t + padding)
	}
	keep := len(t)
	if t != text {
		keep -= len(common.Ellipsis)
	}
	hit := make(map[int]bool, len(matched))
	for _, o := range matched {
		hit[o] = true
	}
	var b strings.Builder
	if right {
		b.WriteString(base.Render(padding))
	}
	run, runHit := strings.Builder{}, false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if runHit {
			b.WriteString(hl.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	for i := 0; i < len(t); {
		_, size := utf8.DecodeRuneInString(t[i:])
		h := i < keep && hit[i]
		if h != runHit {
			flush()
			runHit = h
		}
		run.WriteString(t[i : i+size])
		i += size
	}
	flush()
	if !right {
		b.WriteString(base.Render(padding))
	}
	return b.String()
}

// TruncateMiddle cuts s to w cells by taking out its middle, keeping a
// third of the room for the head and the rest for the tail, where names
// that share a prefix differ (a port, a channel number).
func TruncateMiddle(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w <= 2 {
		return common.Truncate(s, w)
	}
	head := (w - 1) / 3
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + common.Ellipsis + ansi.TruncateLeft(s, sw-tail, "")
}
