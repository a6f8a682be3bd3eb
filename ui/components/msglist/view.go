package msglist

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// sideBySide is the width from which the detail pane sits beside the
// list rather than below it.
const sideBySide = 140

// geometry is where the list and the detail pane go.
type geometry struct {
	listW, listH int // the list, its header included
	detW, detH   int
	side         bool
}

func (m *Model) geometry() geometry {
	h := max(m.h-len(m.statusLines()), 0)
	switch {
	case !m.detail:
		return geometry{listW: m.w, listH: h}
	case m.w >= sideBySide:
		lw := m.w * 45 / 100
		return geometry{listW: lw, listH: h, detW: m.w - lw - 1, detH: h, side: true}
	}
	lh := max(min(h/4, h-4), min(4, h))
	return geometry{listW: m.w, listH: lh, detW: m.w, detH: max(h-lh-1, 0)}
}

// listRows is how many messages the list shows at once.
func (m *Model) listRows() int { return max(m.geometry().listH-1, 0) }

// View draws the status line, the list and the detail pane, exactly the
// size SetSize gave.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	g := m.geometry()
	list := m.listView(g.listW, g.listH)
	out := m.statusLines()
	switch {
	case !m.detail:
		out = append(out, list...)
	case g.side:
		det := m.detailView(g.detW, g.detH)
		sep := m.c.Styles.Rule.Render("│")
		for i := range g.listH {
			out = append(out, list[i]+sep+det[i])
		}
	default:
		out = append(out, list...)
		out = append(out, m.c.Styles.Rule.Render(strings.Repeat("─", m.w)))
		out = append(out, m.detailView(g.detW, g.detH)...)
	}
	return common.Lines(strings.Join(out, "\n"), m.w, m.h)
}

// maxEventLines bounds the lines a long stream event (a tap's note on an
// alternate exchange, say) takes above the list.
const maxEventLines = 3

// statusLines counts what the list holds and says what happened: one
// line, and the latest event wrapped under it when it does not fit
// beside the counts.
func (m *Model) statusLines() []string {
	line, event, tone := m.statusLine()
	if event == "" {
		return []string{line}
	}
	st := m.c.Styles
	if common.Width(line)+3+common.Width(event) <= m.w || m.w <= 2 {
		return []string{line + st.Hint.Render(" · ") + st.Tone(tone).Render(event)}
	}
	out := []string{line}
	for _, l := range strings.Split(ansi.Wrap(event, m.w-1, " "), "\n") {
		if len(out) > maxEventLines {
			break
		}
		out = append(out, " "+st.Tone(tone).Render(l))
	}
	return out
}

// statusLine is the counts, styled, and apart the latest event's text and
// tone; the event is "" when there is none.
func (m *Model) statusLine() (line, event string, tone styles.Tone) {
	st := m.c.Styles
	if m.saving {
		label := " write JSON Lines to: "
		return st.Prompt.Render(label) + m.path.View(max(m.w-common.Width(label)-1, 1), st.Input, st.Cursor, true), "", 0
	}
	parts := []string{fmt.Sprintf(" %s kept", count(m.win.len(), "message"))}
	if f := m.filterText(); f != "" {
		parts = append(parts, st.Tone(styles.Accent).Render(common.Clean(f)))
	}
	if n := m.win.out; n > 0 {
		parts = append(parts, st.Tone(styles.Muted).Render(fmt.Sprintf("%s earlier %s not kept", common.Count(int64(n)), plural(n, "message"))))
	}
	if m.missed > 0 {
		parts = append(parts, st.Tone(styles.Warn).Render(fmt.Sprintf("%s missed (kaiten fell behind, or was paused)", common.Count(int64(m.missed)))))
	}
	if m.paused {
		held := ""
		if n := len(m.held.Batch.Messages); n > 0 {
			held = fmt.Sprintf(", %d waiting", n)
		}
		parts = append(parts, st.Tone(styles.Warn).Render("⏸ paused"+held+" (p resumes)"))
	}
	if e := m.event; !e.At.IsZero() {
		tone = styles.Muted
		if e.Kind == broker.EventInterrupted {
			tone = styles.Error
		}
		event = e.At.Format("15:04:05") + " " + e.Kind.String() + ": " + common.Clean(e.Text)
	}
	return strings.Join(parts, st.Hint.Render(" · ")), event, tone
}

func count(n int, noun string) string {
	return common.Count(int64(n)) + " " + plural(n, noun)
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// listView draws the header and the visible rows, h lines of width w.
func (m *Model) listView(w, h int) []string {
	st := m.c.Styles
	out := make([]string, 0, h)
	if h <= 0 {
		return out
	}
	out = append(out, st.TableHeader.Render(common.Fit(header(columns(w)), w, false)))
	n := m.visLen()
	if n == 0 {
		out = append(out, common.Fit(m.emptyText(), w, false))
	}
	cur := m.cursor()
	for i := m.topIndex(); i < n && len(out) < h; i++ {
		e := m.win.bySeq(m.visSeq(i))
		var row string
		switch {
		case m.filter != "":
			row = paintedRow(e, w, st, i == cur, m.filter)
		case i == cur:
			row = st.Selected.Render(Row(e, w))
		default:
			row = Row(e, w)
		}
		out = append(out, row)
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// emptyText says why the list is empty.
func (m *Model) emptyText() string {
	st := m.c.Styles
	switch ended, err := m.Ended(); {
	case m.filter != "" && m.win.len() > 0:
		return st.Hint.Render(" nothing matches /" + common.Clean(m.filter) + " (esc clears the filter)")
	case err != nil:
		return st.StatusError.Render(" " + common.CleanN(err.Error(), common.MaxDetail))
	case ended:
		return st.Hint.Render(" no messages")
	case m.feed.starting:
		return st.Hint.Render(" starting…")
	}
	return st.Hint.Render(" no messages yet")
}

// detailView draws the selected message, h lines of width w.
func (m *Model) detailView(w, h int) []string {
	out := make([]string, 0, h)
	e, ok := m.Selected()
	if !ok {
		out = append(out, m.c.Styles.Hint.Render(" no message selected"))
	} else {
		lines := m.detailLines(e)
		off := min(m.dscroll, max(len(lines)-h, 0))
		for _, l := range lines[off:] {
			if len(out) == h {
				break
			}
			out = append(out, l)
		}
	}
	for i := range out {
		out[i] = common.Fit(out[i], w, false)
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", max(w, 0)))
	}
	return out
}

// detailLines are the selected entry's detail lines, made again only
// when the entry, the format or its settlement changed.
func (m *Model) detailLines(e *Entry) []string {
	f := m.currentFormat()
	c := &m.cache
	if c.lines == nil || c.seq != e.Seq || c.f != f || c.state != e.State {
		*c = detailCache{seq: e.Seq, f: f, state: e.State, lines: Detail(e, f, m.c.Styles)}
	}
	return c.lines
}
