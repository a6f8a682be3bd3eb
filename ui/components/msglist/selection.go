package msglist

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The list shows either every kept entry or, with a / filter, the kept
// entries that match it: "visible" positions index into one or the
// other. Seqs are numbered without gaps, so without a filter position
// and Seq are one subtraction apart.

// visLen returns how many entries the list shows.
func (m *Model) visLen() int {
	if m.filter == "" {
		return m.win.len()
	}
	return len(m.shown)
}

// visSeq returns the Seq of the i-th entry shown.
func (m *Model) visSeq(i int) uint64 {
	if m.filter == "" {
		return m.win.first() + uint64(i)
	}
	return m.shown[i]
}

// visIndex returns the position of the first entry shown whose Seq is at
// least seq (visLen when none is).
func (m *Model) visIndex(seq uint64) int {
	if m.filter == "" {
		first := m.win.first()
		if seq < first {
			return 0
		}
		return min(int(seq-first), m.win.len())
	}
	i, _ := slices.BinarySearch(m.shown, seq)
	return i
}

// Selected returns the selected entry.
func (m *Model) Selected() (*Entry, bool) {
	i := m.cursor()
	if i < 0 {
		return nil, false
	}
	return m.win.bySeq(m.visSeq(i)), true
}

// cursor is the selected entry's position, -1 when the list shows none.
func (m *Model) cursor() int {
	n := m.visLen()
	if n == 0 {
		return -1
	}
	if m.follow {
		return n - 1
	}
	return min(m.visIndex(m.sel), n-1)
}

// topIndex is the position of the first row drawn.
func (m *Model) topIndex() int { return m.visIndex(m.top) }

// pin stops following and keeps the selection on the entry it is on.
func (m *Model) pin() {
	if i := m.cursor(); i >= 0 {
		m.sel = m.visSeq(i)
	}
}

// move moves the selection by d rows; reaching the newest follows it
// while the detail pane is closed.
func (m *Model) move(d int) {
	n := m.visLen()
	if n == 0 {
		return
	}
	i := min(max(m.cursor()+d, 0), n-1)
	m.sel = m.visSeq(i)
	m.follow = i == n-1 && !m.detail
	m.dscroll = 0
	m.scrollTo()
}

// scrollTo keeps the selected row in sight.
func (m *Model) scrollTo() {
	n := m.visLen()
	rows := m.listRows()
	if n == 0 || rows <= 0 {
		m.top = m.win.next
		return
	}
	cur := m.cursor()
	top := min(m.topIndex(), n-1)
	switch {
	case cur < top:
		top = cur
	case cur >= top+rows:
		top = cur - rows + 1
	}
	top = max(min(top, n-rows), 0)
	m.top = m.visSeq(top)
}

// click selects the row at (x, y) of the list's box: below the status
// line and the column titles.
func (m *Model) click(x, y int) {
	g := m.geometry()
	row := y - len(m.statusLines()) - 1
	if row < 0 || row >= g.listH-1 || x >= g.listW {
		return
	}
	if i := m.topIndex() + row; i < m.visLen() {
		m.move(i - m.cursor())
	}
}

// Filter returns the / filter.
func (m *Model) Filter() string { return m.filter }

// SetFilter shows only the entries whose exchange, routing key or
// summary hold the filter's letters in order (case aside); "" shows all.
// Messages that arrive are matched as they come.
func (m *Model) SetFilter(s string) {
	if s == m.filter {
		return
	}
	sel, ok := m.Selected()
	m.filter = s
	m.shown = m.shown[:0]
	if s != "" {
		for i := range m.win.len() {
			if e := m.win.at(i); m.matches(e) {
				m.shown = append(m.shown, e.Seq)
			}
		}
	}
	if ok {
		m.sel = sel.Seq
	}
	m.follow = !m.detail && (!ok || m.follow)
	m.scrollTo()
}

// admit adds a new entry to the filtered list when it matches, and
// forgets the entries that scrolled out.
func (m *Model) admit(e *Entry) {
	if m.filter == "" {
		return
	}
	if m.matches(e) {
		m.shown = append(m.shown, e.Seq)
	}
}

// prune forgets filtered entries no longer kept.
func (m *Model) prune() {
	if m.filter == "" || len(m.shown) == 0 {
		return
	}
	first := m.win.first()
	if m.shown[0] >= first {
		return
	}
	i, _ := slices.BinarySearch(m.shown, first)
	m.shown = append(m.shown[:0], m.shown[i:]...)
}

// Matched returns how many kept entries the filter shows.
func (m *Model) Matched() int { return m.visLen() }

func (m *Model) matches(e *Entry) bool {
	c := e.cells()
	return fuzzyMatch(m.filter, c.exchange) || fuzzyMatch(m.filter, c.key) || fuzzyMatch(m.filter, c.what)
}

// fuzzyMatch reports whether text holds the pattern's runes in order,
// ignoring case.
func fuzzyMatch(pattern, text string) bool {
	for _, p := range pattern {
		p = unicode.ToLower(p)
		for {
			if text == "" {
				return false
			}
			r, size := utf8.DecodeRuneInString(text)
			text = text[size:]
			if unicode.ToLower(r) == p {
				break
			}
		}
	}
	return true
}

// filterText is the status line's note of the filter.
func (m *Model) filterText() string {
	if m.filter == "" {
		return ""
	}
	return count(len(m.shown), "message") + " match /" + strings.TrimSpace(m.filter)
}

// fuzzyPositions returns the byte offsets in text of the pattern's runes
// matched in order (case aside), nil when text does not match.
func fuzzyPositions(pattern, text string) []int {
	var out []int
	i := 0
	for _, p := range pattern {
		p = unicode.ToLower(p)
		for {
			if i >= len(text) {
				return nil
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.ToLower(r) == p {
				out = append(out, i)
				i += size
				break
			}
			i += size
		}
	}
	return out
}
