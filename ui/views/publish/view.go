package publish

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	"charm.land/lipgloss/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// labelWidth is the width of the labels left of the fields.
const labelWidth = 10

// propLabelWidth fits the longest property name, content_encoding.
const propLabelWidth = 18

// layout is how many lines each part of the form takes at the view's
// size.
type layout struct {
	headers  int
	propCols int
	propRows int
	body     int
}

// resultLines is the lines under the form for the broker's answer.
const resultLines = 2

func (m *Model) layout() layout {
	l := layout{headers: 2, propCols: min(max(m.w/40, 1), 4)}
	if m.h >= 36 {
		l.headers = 4
	}
	l.propRows = (len(Properties) + l.propCols - 1) / l.propCols
	fixed := 3 + l.headers + l.propRows + 2 + resultLines
	l.body = max(m.h-fixed, 2)
	return l
}

// applyStyles styles the text areas from the theme; the root replaces
// the styles in place when the theme changes, and says so with a
// RefreshMsg.
func (m *Model) applyStyles() {
	st := m.c.Styles
	state := textarea.StyleState{
		Base: lipgloss.NewStyle(), Text: st.Input, LineNumber: st.Hint, CursorLineNumber: st.Hint,
		CursorLine: st.Input, EndOfBuffer: st.Hint, Placeholder: st.Hint, Prompt: st.Hint, Selection: st.Selected,
	}
	s := textarea.Styles{Focused: state, Blurred: state}
	s.Cursor.Blink = false // what is drawn depends only on what was typed
	m.headers.SetStyles(s)
	m.body.SetStyles(s)
}

// View draws the form and the broker's last answer.
func (m *Model) View() string {
	st := m.c.Styles
	l := m.layout()
	lines := make([]string, 0, m.h)
	lines = append(lines, m.field(FieldExchange, "exchange", placeholderExchange), m.field(FieldKey, "key", "the routing key"), m.hintLine())
	lines = append(lines, m.area(FieldHeaders, "headers", m.headers.View(), l.headers, "")...)
	lines = append(lines, m.props(l)...)
	lines = append(lines, m.area(FieldBody, "body", m.body.View(), l.body, bodySize(m.body.Value()))...)
	lines = append(lines, m.jsonLine(), m.optionsLine())
	for _, r := range m.results() {
		lines = append(lines, " "+st.Tone(r.tone).Render(common.Truncate(r.text, max(m.w-1, 1))))
	}
	return common.Lines(strings.Join(lines, "\n"), m.w, m.h)
}

const placeholderExchange = "empty is the default exchange; ↑/↓ complete"

// label draws a field's label, marked when the field is focused.
func (m *Model) label(f int, text string, w int) string {
	st := m.c.Styles
	if m.editing && m.focus == f {
		return st.Prompt.Render("▸" + common.Fit(text, w-1, false))
	}
	return st.Label.Render(" " + common.Fit(text, w-1, false))
}

// field draws a one-line field with its label.
func (m *Model) field(f int, label, placeholder string) string {
	return m.label(f, label, labelWidth) + m.input(f, max(m.w-labelWidth, 1), placeholder)
}

// input draws a one-line editor in w cells, or its placeholder.
func (m *Model) input(f, w int, placeholder string) string {
	st := m.c.Styles
	in := m.inputs[f]
	focused := m.editing && m.focus == f
	if in.Value() == "" && !focused {
		return st.Hint.Render(common.Truncate(placeholder, w))
	}
	v := in.View(w, st.Input, st.Cursor, focused)
	if in.Value() == "" {
		v += " " + st.Hint.Render(common.Truncate(placeholder, w-2))
	}
	return v
}

// hintLine shows the completions of the focused field, or what the
// exchange is.
func (m *Model) hintLine() string {
	st := m.c.Styles
	pad := strings.Repeat(" ", labelWidth)
	if m.editing && (m.focus == FieldExchange || m.focus == FieldKey) && len(m.cands.Cands) > 0 {
		tone := st.Tone(styles.Exchange)
		if m.focus == FieldKey {
			tone = st.Tone(styles.Binding)
		}
		return pad + m.cands.View(tone, st.Selected, m.w-labelWidth)
	}
	text, ok := m.target()
	if !ok {
		return pad + st.Tone(styles.Warn).Render("→ "+text)
	}
	if text == "" {
		return ""
	}
	return pad + st.Label.Render("→ "+text)
}

// area draws a text area of h lines with its label and, on its second
// line, a note.
func (m *Model) area(f int, label, view string, h int, note string) []string {
	st := m.c.Styles
	rows := strings.Split(view, "\n")
	out := make([]string, h)
	for i := range h {
		left := strings.Repeat(" ", labelWidth)
		switch i {
		case 0:
			left = m.label(f, label, labelWidth)
		case 1:
			left = st.Hint.Render(" " + common.Fit(note, labelWidth-1, false))
		}
		row := ""
		if i < len(rows) {
			row = rows[i]
		}
		out[i] = left + row
	}
	return out
}

// props draws the basic properties in a grid.
func (m *Model) props(l layout) []string {
	cell := m.w / l.propCols
	out := make([]string, l.propRows)
	for i, p := range Properties {
		r, c := i/l.propCols, i%l.propCols
		if r >= len(out) {
			break
		}
		w := cell
		if c == l.propCols-1 {
			w = m.w - cell*(l.propCols-1)
		}
		f := FieldProp + i
		s := m.label(f, p.Name, propLabelWidth) + common.Fit(m.input(f, max(w-propLabelWidth-1, 1), p.Hint), max(w-propLabelWidth-1, 1), false) + " "
		out[r] += s
	}
	return out
}

// jsonLine says what the JSON check found.
func (m *Model) jsonLine() string {
	st := m.c.Styles
	pad := strings.Repeat(" ", labelWidth)
	switch m.json.State {
	case JSONValid:
		return pad + st.Tone(styles.OK).Render("✓ valid JSON")
	case JSONInvalid:
		return pad + st.Tone(styles.Error).Render("✗ not valid JSON: "+common.Clean(m.json.Err))
	}
	if m.body.Value() == "" {
		return pad + st.Hint.Render("empty body")
	}
	return pad + st.Hint.Render("not JSON: the body is sent as typed")
}

// optionsLine draws the switches, the repeat count and the publish key.
func (m *Model) optionsLine() string {
	st := m.c.Styles
	toggle := func(f int, on bool, name string) string {
		box := "[ ] "
		if on {
			box = "[x] "
		}
		if m.editing && m.focus == f {
			return st.Prompt.Render("▸" + box + name)
		}
		return st.Label.Render(" ") + st.Input.Render(box) + st.Label.Render(name)
	}
	repeat := m.label(FieldRepeat, "repeat", 8) + m.input(FieldRepeat, 6, "1")
	s := strings.Repeat(" ", labelWidth-1) + toggle(FieldConfirm, m.confirm, "confirms") + "  " + toggle(FieldMandatory, m.mand, "mandatory") + "  " + common.Fit(repeat, 14, false)
	return s + "  " + st.HelpKey.Render(m.keys.Publish.Help().Key) + st.Help.Render(" "+m.keys.Publish.Help().Desc)
}

// result is one line of the answer area.
type result struct {
	text string
	tone styles.Tone
}

// results are the lines under the form: why it cannot publish, what is
// wrong in it, and the broker's last answer.
func (m *Model) results() []result {
	var out []result
	if why := m.Disabled(); why != "" {
		out = append(out, result{"✗ " + why, styles.Error})
	}
	if m.formErr != "" {
		out = append(out, result{"✗ " + common.Clean(m.formErr), styles.Error})
	}
	switch {
	case m.busy:
		out = append(out, result{"publishing…", styles.Muted})
	case m.last != nil:
		text, tone := Outcome(*m.last)
		out = append(out, result{text, tone})
	}
	return out[:min(len(out), resultLines)]
}

// Outcome says in one line what became of a publish: confirmed,
// returned with the reply code and text, nacked, or refused.
func Outcome(r PublishedMsg) (string, styles.Tone) {
	res, p := r.Result, r.Publishing
	where := fmt.Sprintf("to %s with key %s", common.Name(p.Exchange), strconv.Quote(common.Clean(p.RoutingKey)))
	n := res.Published
	if r.Err != nil {
		text := "✗ refused: " + common.Clean(r.Err.Error())
		if res.Acked > 0 {
			text = fmt.Sprintf("✗ %s confirmed, then: %s", plural(res.Acked, "message"), common.Clean(r.Err.Error()))
		}
		return text, styles.Error
	}
	took := fmtDuration(res.Took)
	switch {
	case res.Returned > 0:
		ret := res.Returns[0]
		text := fmt.Sprintf("↩ returned: %d %s — no queue took it %s", ret.Code, common.Clean(ret.Text), where)
		if n > 1 {
			text = fmt.Sprintf("↩ %d of %d returned: %d %s — no queue took them %s", res.Returned, n, ret.Code, common.Clean(ret.Text), where)
		}
		return text, styles.Warn
	case res.Nacked > 0:
		return fmt.Sprintf("✗ nacked by the broker: %d of %s %s", res.Nacked, plural(n, "message"), where), styles.Error
	case !r.Options.Confirm:
		return fmt.Sprintf("✓ published %s %s in %s (no confirms asked for)", plural(n, "message"), where, took), styles.OK
	}
	return fmt.Sprintf("✓ confirmed: %s %s in %s", plural(n, "message"), where, took), styles.OK
}

// fmtDuration shows a duration to the millisecond, or microseconds
// under one.
func fmtDuration(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// bodySize says how long the body is.
func bodySize(body string) string {
	if body == "" {
		return ""
	}
	return common.Bytes(uint64(len(body)))
}

func itoa(n int) string { return strconv.Itoa(n) }
