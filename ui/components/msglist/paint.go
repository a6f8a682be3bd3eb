package msglist

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
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
	t := common.Truncate(text, w)
	padding := strings.Repeat(" ", max(w-ansi.StringWidth(t), 0))
	hits := fuzzyPositions(pattern, text)
	if len(hits) == 0 {
		if right {
			return base.Render(padding + t)
		}
		return base.Render(t + padding)
	}
	keep := len(t)
	if t != text {
		keep -= len(common.Ellipsis)
	}
	var b strings.Builder
	if right {
		b.WriteString(base.Render(padding))
	}
	var run strings.Builder
	runHit := false
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
	h := 0
	for i := 0; i < len(t); {
		_, size := utf8.DecodeRuneInString(t[i:])
		for h < len(hits) && hits[h] < i {
			h++
		}
		hit := i < keep && h < len(hits) && hits[h] == i
		if hit != runHit {
			flush()
			runHit = hit
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
