// Package markdown draws the Markdown of lesson texts in the terminal,
// in the theme's styles and to a width: headings, paragraphs, lists,
// block quotes, fenced code, tables, rules and the inline marks (code,
// strong, emphasis, links). It is the small subset lessons use, drawn
// with the UI's own semantic styles, so it follows the theme and NO_COLOR
// like every other view (a full renderer such as glamour brings its own
// colour styles and a syntax highlighter the lessons do not need).
//
// Every line it returns is styled on its own and at most width cells
// wide. Text passes model.Printable, so escape sequences in a lesson are
// shown, not obeyed.
package markdown

import (
	"regexp"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

var (
	headingRE = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	ruleRE    = regexp.MustCompile(`^\s{0,3}([-*_])(\s*[-*_]){2,}\s*$`)
	itemRE    = regexp.MustCompile(`^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$`)
	fenceRE   = regexp.MustCompile("^\\s*(```+|~~~+)")
	tableSep  = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
)

// Render draws a Markdown document as lines at most width wide.
func Render(st *styles.Styles, src string, width int) []string {
	r := &renderer{st: st, width: max(width, 8)}
	r.blocks(strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n"), "")
	for len(r.out) > 0 && r.out[len(r.out)-1] == "" {
		r.out = r.out[:len(r.out)-1]
	}
	return r.out
}

type renderer struct {
	st    *styles.Styles
	width int
	out   []string
}

// blank adds one empty line between blocks, never two.
func (r *renderer) blank() {
	if len(r.out) > 0 && r.out[len(r.out)-1] != "" {
		r.out = append(r.out, "")
	}
}

// emit adds lines under a prefix (a quote's bar), cut to the width.
func (r *renderer) emit(prefix string, lines ...string) {
	for _, l := range lines {
		r.out = append(r.out, common.Truncate(prefix+l, r.width))
	}
}

// blocks draws block-level Markdown; prefix is drawn before every line
// (block quotes nest by it).
func (r *renderer) blocks(lines []string, prefix string) {
	width := r.width - ansi.StringWidth(prefix)
	body := r.st.Help
	for i := 0; i < len(lines); {
		l := lines[i]
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "":
			i++
		case fenceRE.MatchString(l):
			i = r.code(lines, i, prefix, width)
		case headingRE.MatchString(l):
			m := headingRE.FindStringSubmatch(l)
			r.blank()
			style := r.st.Title
			if len(m[1]) > 2 {
				style = body.Bold(true)
			}
			r.emit(prefix, Wrap(r.st, style, m[2], width)...)
			if len(m[1]) == 1 {
				r.emit(prefix, r.st.Rule.Render(strings.Repeat("─", min(ansi.StringWidth(model.Printable(m[2])), width))))
			}
			r.blank()
			i++
		case ruleRE.MatchString(l):
			r.blank()
			r.emit(prefix, r.st.Rule.Render(strings.Repeat("─", width)))
			r.blank()
			i++
		case strings.HasPrefix(trimmed, ">"):
			var quote []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				q := strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")
				quote = append(quote, strings.TrimPrefix(q, " "))
			}
			r.blank()
			r.blocks(quote, prefix+r.st.Rule.Render("│ "))
			r.blank()
		case itemRE.MatchString(l):
			i = r.list(lines, i, prefix, width)
		case strings.HasPrefix(trimmed, "|") && i+1 < len(lines) && tableSep.MatchString(lines[i+1]):
			i = r.table(lines, i, prefix, width)
		default:
			var para []string
			for ; i < len(lines) && !r.breaks(lines[i]); i++ {
				para = append(para, strings.TrimSpace(lines[i]))
			}
			r.emit(prefix, Wrap(r.st, body, strings.Join(para, " "), width)...)
			r.blank()
		}
	}
}

// breaks reports whether a line ends a paragraph: a blank line or the
// start of another block.
func (r *renderer) breaks(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || fenceRE.MatchString(l) || headingRE.MatchString(l) || ruleRE.MatchString(l) ||
		strings.HasPrefix(t, ">") || itemRE.MatchString(l)
}

// code draws a fenced code block from its opening fence at lines[i],
// unwrapped (commands must stay whole) and cut to the width; it returns
// the line after the closing fence.
func (r *renderer) code(lines []string, i int, prefix string, width int) int {
	fence := fenceRE.FindStringSubmatch(lines[i])[1]
	r.blank()
	gutter := r.st.Rule.Render("  ")
	for i++; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), fence) {
			i++
			break
		}
		text := model.Printable(strings.ReplaceAll(lines[i], "\t", "    "))
		r.emit(prefix, gutter+r.st.Tone(styles.Accent).Render(common.Truncate(text, width-2)))
	}
	r.blank()
	return i
}

// list draws a list from its first item at lines[i]: bullets or numbers,
// text wrapped under itself, nested lists by indentation. It returns the
// line after the list.
func (r *renderer) list(lines []string, i int, prefix string, width int) int {
	r.blank()
	ordered := func(m []string) bool { return m[2] != "-" && m[2] != "*" && m[2] != "+" }
	first := itemRE.FindStringSubmatch(lines[i])
	for i < len(lines) {
		m := itemRE.FindStringSubmatch(lines[i])
		if m == nil || m[1] == "" && ordered(m) != ordered(first) {
			break // another kind of list starts
		}
		depth := len(strings.ReplaceAll(m[1], "\t", "    ")) / 2
		text := []string{m[3]}
		for i++; i < len(lines); i++ {
			l := lines[i]
			if strings.TrimSpace(l) == "" || itemRE.MatchString(l) || !strings.HasPrefix(l, " ") && r.breaks(l) {
				break
			}
			text = append(text, strings.TrimSpace(l))
		}
		marker := "•"
		if ordered(m) {
			marker = m[2]
		}
		indent := strings.Repeat("  ", depth)
		lead := indent + marker + " "
		hang := strings.Repeat(" ", ansi.StringWidth(lead))
		for j, w := range Wrap(r.st, r.st.Help, strings.Join(text, " "), width-len(hang)) {
			if j == 0 {
				r.emit(prefix, indent+r.st.Tone(styles.Accent).Render(marker)+" "+w)
				continue
			}
			r.emit(prefix, hang+w)
		}
		// A blank line inside a list continues it when an item follows.
		if i+1 < len(lines) && strings.TrimSpace(lines[i]) == "" && itemRE.MatchString(lines[i+1]) {
			i++
		}
	}
	r.blank()
	return i
}

// table draws a pipe table from its header at lines[i]: columns as wide
// as their widest cell, the header bold, the rest cut to the width.
func (r *renderer) table(lines []string, i int, prefix string, width int) int {
	rows := [][]string{cells(lines[i])}
	for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
		rows = append(rows, cells(lines[i]))
	}
	var widths []int
	for _, row := range rows {
		for c, cell := range row {
			if c == len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], ansi.StringWidth(ansi.Strip(Inline(r.st, lipgloss.NewStyle(), cell))))
		}
	}
	r.blank()
	for n, row := range rows {
		base := r.st.Help
		if n == 0 {
			base = base.Bold(true)
		}
		parts := make([]string, len(widths))
		for c := range widths {
			cell := ""
			if c < len(row) {
				cell = Inline(r.st, base, row[c])
			}
			parts[c] = common.Fit(cell, widths[c], false)
		}
		r.emit(prefix, strings.Join(parts, r.st.Rule.Render(" │ ")))
		if n == 0 {
			rules := make([]string, len(widths))
			for c, w := range widths {
				rules[c] = strings.Repeat("─", w)
			}
			r.emit(prefix, r.st.Rule.Render(strings.Join(rules, "─┼─")))
		}
	}
	r.blank()
	return i
}

// cells splits a table row at unescaped pipes.
func cells(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimPrefix(l, "|")
	l = strings.TrimSuffix(l, "|")
	var out []string
	var cur strings.Builder
	for i := 0; i < len(l); i++ {
		switch {
		case l[i] == '\\' && i+1 < len(l) && l[i+1] == '|':
			cur.WriteByte('|')
			i++
		case l[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(l[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}
