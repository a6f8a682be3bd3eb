package trace

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

var labels = [numFields]string{"exchange", "key", "headers"}

var placeholders = [numFields]string{
	"type to pick an exchange; empty is the default exchange",
	"the routing key",
	`k=v pairs, or JSON {"x-match": "any", "n": 1}`,
}

// formHeight is the lines above the route: the fields, the exchange
// picker and a rule.
func (m *Model) formHeight() int { return numFields + 2 }

// LineTone is the tone of a kind of trace line.
func LineTone(kind string) styles.Tone {
	switch kind {
	case model.LineExchange:
		return styles.Exchange
	case model.LineMatch:
		return styles.Matched
	case model.LineMiss:
		return styles.Unmatched
	case model.LineSeen, model.LineNote:
		return styles.Muted
	case model.LineAlternate:
		return styles.Alternate
	case model.LineQueues:
		return styles.OK
	case model.LineUnroutable, model.LineError:
		return styles.Error
	case model.LineDeadLetter:
		return styles.DeadLetter
	}
	return styles.Normal
}

// render turns the trace into styled lines, wrapped to the width under
// their tree glyphs, with "verify live" under the queue list.
func (m *Model) render() {
	st := m.c.Styles
	var out []string
	m.verifyFrom, m.verifyTo = 0, 0
	switch {
	case !m.c.Data.Ready():
		out = []string{st.Hint.Render(" waiting for the first snapshot…")}
	case m.routerErr != nil:
		out = []string{st.StatusError.Render(" cannot trace: " + common.Clean(m.routerErr.Error()))}
	case m.trace != nil:
		rows := Rows(m.trace)
		at := len(rows)
		for i, r := range rows {
			if r.Kind == model.LineQueues || r.Kind == model.LineUnroutable {
				at = i + 1
			}
		}
		vrows := m.verifyRows()
		rows = append(rows[:at], append(vrows, rows[at:]...)...)
		for i, r := range rows {
			if i == at {
				m.verifyFrom = len(out)
			}
			out = append(out, renderRow(st, r, m.w)...)
			if i == at+len(vrows)-1 {
				m.verifyTo = len(out)
			}
		}
	}
	m.scroll.SetLines(out)
}

// renderRow draws a row: a topic match as the binding key over the
// routing key, word under word, the words wildcards took highlighted;
// anything else as wrapped text.
func renderRow(st *styles.Styles, r Row, width int) []string {
	if len(r.Spans) > 0 {
		if lines, ok := alignedRow(st, r, width); ok {
			return lines
		}
	}
	return wrapLine(st, r, width)
}

// glyphs turns a row's tree glyphs into those of its next lines.
var glyphs = strings.NewReplacer(glyphMid, glyphDown, glyphLast, blank, altMid, altDown, altLast, blank)

// continuation is the prefix of a row's next lines: the tree's vertical
// rules carried down, anything else blanked.
func continuation(prefix string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("│┆╎", r) {
			return r
		}
		return ' '
	}, glyphs.Replace(prefix))
}

// alignedRow draws a matched topic binding as two lines,
//
//	✓ order . eu . *        → queue `orders.eu`
//	  order . eu . created    `*`→`created`
//
// or reports that they do not fit the width.
func alignedRow(st *styles.Styles, r Row, width int) ([]string, bool) {
	prefix := " " + r.Prefix
	cont := continuation(prefix)
	matched, hl, muted, rule := st.Tone(styles.Matched), st.Highlight, st.Tone(styles.Muted), st.Rule
	var top, bottom strings.Builder
	top.WriteString(matched.Render("✓ "))
	bottom.WriteString("  ")
	w := ansi.StringWidth(prefix) + 2
	var took []string
	for i, s := range r.Spans {
		if i > 0 {
			top.WriteString(rule.Render(" . "))
			bottom.WriteString(rule.Render(" . "))
			w += 3
		}
		part, words := common.Clean(s.Part), common.Clean(s.Took())
		cw := max(ansi.StringWidth(part), ansi.StringWidth(words))
		w += cw
		style := matched
		if s.Wildcard() {
			style = hl
			took = append(took, "`"+part+"`→`"+words+"`")
		}
		top.WriteString(style.Render(part) + strings.Repeat(" ", cw-ansi.StringWidth(part)))
		bottom.WriteString(style.Render(words) + strings.Repeat(" ", cw-ansi.StringWidth(words)))
	}
	note := strings.Join(took, " ")
	if w+2+ansi.StringWidth(r.Dest) > width || w+2+ansi.StringWidth(note) > width {
		return nil, false
	}
	return []string{
		rule.Render(prefix) + top.String() + "  " + matched.Render(r.Dest),
		rule.Render(cont) + bottom.String() + "  " + muted.Render(note),
	}, true
}

// wrapLine draws a row's text, continuing long text on more lines with
// the tree's vertical rules carried down.
func wrapLine(st *styles.Styles, r Row, width int) []string {
	prefix := " " + r.Prefix
	room := max(width-ansi.StringWidth(prefix), 10)
	wrapped := strings.Split(ansi.Wrap(r.Text, room, " "), "\n")
	cont := continuation(prefix)
	if r.Kind == model.LineExchange {
		cont += "  "
	}
	tone := st.Tone(LineTone(r.Kind))
	out := make([]string, len(wrapped))
	for i, w := range wrapped {
		p := prefix
		if i > 0 {
			p = cont
		}
		out[i] = st.Rule.Render(p) + tone.Render(w)
	}
	return out
}

// View draws the fields, the picker, a rule and the route.
func (m *Model) View() string {
	st := m.c.Styles
	lines := make([]string, 0, m.formHeight())
	for i := range numFields {
		lines = append(lines, m.field(i))
	}
	lines = append(lines, m.picker(), st.Rule.Render(strings.Repeat("─", max(m.w, 0))))
	return common.Lines(strings.Join(lines, "\n")+"\n"+m.scroll.View(), m.w, m.h)
}

func (m *Model) field(i int) string {
	st := m.c.Styles
	focused := m.editing && m.focus == i
	label := st.Label.Render(" " + common.Fit(labels[i], 9, false))
	if focused {
		label = st.Prompt.Render("▸" + common.Fit(labels[i], 9, false))
	}
	room := max(m.w-10, 1)
	in := m.inputs[i]
	if in.Value() == "" && !focused {
		return label + st.Hint.Render(common.Truncate(placeholders[i], room))
	}
	v := in.View(room, st.Input, st.Cursor, focused)
	if in.Value() == "" {
		v += " " + st.Hint.Render(common.Truncate(placeholders[i], room-2))
	}
	return label + v
}

// picker shows the exchange the probe goes to and, while the exchange
// field is edited, the other candidates; or the headers' error.
func (m *Model) picker() string {
	st := m.c.Styles
	pad := strings.Repeat(" ", 10)
	if m.headersErr != "" {
		return pad + st.StatusError.Render(common.Clean(m.headersErr))
	}
	if m.router == nil {
		return ""
	}
	name, ok := m.chosen()
	if !ok {
		return pad + st.StatusError.Render("no exchange matches "+common.Clean(m.inputs[FieldExchange].Value()))
	}
	if !m.editing || m.focus != FieldExchange || len(m.cands) == 0 {
		return pad + st.Label.Render("→ ") + st.Tone(styles.Exchange).Render(common.Name(name))
	}
	var b strings.Builder
	b.WriteString(pad)
	for i, c := range m.cands {
		base := st.Tone(styles.Exchange)
		if i == m.candSel {
			base = st.Selected
		}
		b.WriteString(base.Render(" ") + highlight(c, m.candHL[i], base, st.Highlight.Inherit(base)) + base.Render(" "))
	}
	return b.String()
}

// highlight draws a name with the bytes a fuzzy filter matched in the
// highlight style. A name that sanitising changes is drawn plain: its
// offsets no longer point at the same letters.
func highlight(name string, matched []int, base, hl lipgloss.Style) string {
	shown := common.Name(name)
	if shown != name || len(matched) == 0 {
		return base.Render(shown)
	}
	hit := make(map[int]bool, len(matched))
	for _, o := range matched {
		hit[o] = true
	}
	var b, run strings.Builder
	runHit := false
	flush := func() {
		if run.Len() > 0 {
			if runHit {
				b.WriteString(hl.Render(run.String()))
			} else {
				b.WriteString(base.Render(run.String()))
			}
			run.Reset()
		}
	}
	for i, r := range name {
		if hit[i] != runHit {
			flush()
			runHit = hit[i]
		}
		run.WriteRune(r)
	}
	flush()
	return b.String()
}
