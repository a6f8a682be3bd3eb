package trace

import (
	"strings"

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
// their tree glyphs.
func (m *Model) render() {
	st := m.c.Styles
	var out []string
	switch {
	case !m.c.Data.Ready():
		out = []string{st.Hint.Render(" waiting for the first snapshot…")}
	case m.routerErr != nil:
		out = []string{st.StatusError.Render(" cannot trace: " + common.Clean(m.routerErr.Error()))}
	case m.trace != nil:
		for _, l := range m.trace.Lines() {
			out = append(out, wrapLine(st, l, m.w)...)
		}
	}
	m.scroll.SetLines(out)
}

// wrapLine draws a trace line, continuing long text on more lines with
// the tree's vertical rules carried down.
func wrapLine(st *styles.Styles, l model.TraceLine, width int) []string {
	prefix := " " + l.Prefix
	room := max(width-ansi.StringWidth(prefix), 10)
	text := common.CleanN(l.Text, common.MaxDetail)
	wrapped := strings.Split(ansi.Wrap(text, room, " "), "\n")
	cont := strings.NewReplacer("├─ ", "│  ", "└─ ", "   ").Replace(prefix)
	if l.Kind == model.LineExchange || l.Kind == model.LineDeadLetter {
		cont += "  "
	}
	tone := st.Tone(LineTone(l.Kind))
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
		s := " " + common.Name(c) + " "
		if i == m.candSel {
			b.WriteString(st.Selected.Render(s))
		} else {
			b.WriteString(st.Tone(styles.Exchange).Render(s))
		}
	}
	return b.String()
}
