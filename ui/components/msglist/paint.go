package msglist

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// paintedRow draws an entry as Row does, with the letters the filter
// matched in the highlight style, on the selection's colours when
// selected.
func paintedRow(e *Entry, w int, st *styles.Styles, selected bool, filter string) string {
	l := columns(w)
	c := e.cells()
	base := lipgloss.NewStyle()
	if selected {
		base = st.Selected
	}
	hl := st.Highlight.Inherit(base)
	var b strings.Builder
	plain := func(s string) { b.WriteString(base.Render(s)) }
	plain(mark(e) + " " + c.time + " ")
	b.WriteString(paintCell(c.exchange, l.exchange, false, base, hl, filter))
	plain(" ")
	b.WriteString(paintCell(c.key, l.key, false, base, hl, filter))
	plain(" " + common.Fit(c.size, sizeWidth, true) + " ")
	b.WriteString(paintCell(c.what, l.what, false, base, hl, filter))
	out := b.String()
	if pad := w - ansi.StringWidth(out); pad > 0 {
		out += base.Render(strings.Repeat(" ", pad))
	}
	return common.Truncate(out, w)
}

// paintCell cuts text to w cells and pads it, drawing the runes the
// pattern matches in hl.
func paintCell(text string, w int, right bool, base, hl lipgloss.Style, pattern string) string {
	return table.RenderCell(text, w, right, base, hl, fuzzyPositions(pattern, text))
}
