package learn

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/markdown"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// wide is the width from which the lesson's text and its tasks stand
// side by side.
const wide = 120

// minText is the fewest lines of text the narrow layout keeps, so that
// the route below the tasks has room.
const minText = 3

// View draws the list or the open lesson.
func (m *Model) View() string {
	if m.open == nil {
		return m.listView()
	}
	return m.lessonView()
}

// listView draws the lessons: number, title, progress, summary.
func (m *Model) listView() string {
	st := m.c.Styles
	switch {
	case m.loadErr != nil:
		return common.Lines(st.StatusError.Render(" cannot load the lessons: "+common.Clean(m.loadErr.Error())), m.w, m.h)
	case !m.loaded:
		return common.Lines(st.Hint.Render(" loading the lessons…"), m.w, m.h)
	}
	titleW := 28
	for _, l := range m.lessons {
		titleW = max(titleW, min(common.Width(common.Clean(l.Title)), 34))
	}
	const numW, progW = 4, 7
	sumW := max(m.w-2-numW-titleW-progW-3, 0)
	lines := []string{st.TableHeader.Render(" " + common.Fit("  #", numW, false) + " " + common.Fit("lesson", titleW, false) +
		" " + common.Fit("done", progW, false) + " " + "what you learn")}
	for i, l := range m.lessons {
		done, total := m.doneCount(&l), len(l.Tasks)
		prog := fmt.Sprintf("%d/%d", done, total)
		progTone := styles.Muted
		switch {
		case done == total && total > 0:
			prog, progTone = "✓ "+prog, styles.OK
		case done > 0:
			progTone = styles.Warn
		}
		row := " " + common.Fit(fmt.Sprintf("%3d", l.Number), numW, false) + " " + common.Fit(common.Clean(l.Title), titleW, false) +
			" " + st.Tone(progTone).Render(common.Fit(prog, progW, false)) + " " + st.Hint.Render(common.Truncate(ansi.Strip(markdown.Inline(st, st.Hint, l.Summary)), sumW))
		if i == m.sel {
			row = st.Selected.Render(common.Fit(ansi.Strip(row), m.w, false))
		}
		lines = append(lines, row)
	}
	lines = append(lines, "", st.Hint.Render(" enter opens a lesson · each runs in a vhost of its own (learn-…) on the embedded broker"))
	if m.env.Target.URL == "" {
		lines = append(lines, st.StatusError.Render(" ✗ "+errNoTarget.Error()+": this session is on another broker"))
	}
	// Keep the cursor in sight on short screens.
	if over := m.sel + 2 - m.h; over > 0 {
		lines = append(lines[:1], lines[1+over:]...)
	}
	return common.Lines(strings.Join(lines, "\n"), m.w, m.h)
}

// doneCount is how many of a lesson's tasks the progress holds.
func (m *Model) doneCount(l *engine.Lesson) int {
	n := 0
	for _, t := range l.Tasks {
		if slices.Contains(m.progress.Done(l.Slug), t.ID) {
			n++
		}
	}
	return n
}

// textWidth is the width of the lesson's text column.
func (m *Model) textWidth() int {
	if m.w >= wide {
		return (m.w - 3) / 2
	}
	return m.w
}

// layoutText renders the lesson's text for the width, keeping the scroll
// position.
func (m *Model) layoutText() {
	s := m.open
	w := m.textWidth()
	if s.textW != w || s.text.Lines() == nil {
		s.text.SetLines(indent(markdown.Render(m.c.Styles, s.lesson.Text, max(w-2, 8))))
		s.textW = w
	}
}

func indent(lines []string) []string {
	for i, l := range lines {
		lines[i] = " " + l
	}
	return lines
}

// lessonView draws the text and the panel (tasks, next step, route):
// side by side when wide, the panel under the text when not.
func (m *Model) lessonView() string {
	m.layoutText()
	s := m.open
	st := m.c.Styles
	if m.w >= wide {
		tw := m.textWidth()
		pw := m.w - tw - 3
		s.text.SetSize(tw, m.h)
		left := strings.Split(s.text.View(), "\n")
		right := strings.Split(common.Lines(strings.Join(m.panel(pw, m.h), "\n"), pw, m.h), "\n")
		out := make([]string, m.h)
		for i := range out {
			out[i] = left[i] + st.Rule.Render(" │ ") + right[i]
		}
		return strings.Join(out, "\n")
	}
	top := m.tasksPanel(m.w)
	route := m.routePanel(m.w)
	if len(route) > 0 && route[0] == "" {
		route = route[1:] // the rule above the text is separation enough
	}
	room := m.h - len(top) - 1 - minText
	if len(route) > room {
		route = route[:max(room, 0)]
	}
	textH := max(m.h-len(top)-len(route)-1, 0)
	s.text.SetSize(m.w, textH)
	parts := []string{}
	if textH > 0 {
		parts = append(parts, s.text.View())
	}
	parts = append(parts, m.scrollRule(m.w, textH))
	parts = append(parts, top...)
	parts = append(parts, route...)
	return common.Lines(strings.Join(parts, "\n"), m.w, m.h)
}

// scrollRule ends the text: a rule that says what more there is.
func (m *Model) scrollRule(w, h int) string {
	st := m.c.Styles
	s := m.open
	n := len(s.text.Lines())
	label := ""
	if n > h {
		label = fmt.Sprintf(" lines %d–%d of %d · ↑↓ pgup pgdn scroll ", s.text.Offset()+1, min(s.text.Offset()+h, n), n)
	}
	return st.Rule.Render("──" + label + strings.Repeat("─", max(w-2-common.Width(label), 0)))
}

// panel is the wide layout's right column.
func (m *Model) panel(w, h int) []string {
	out := m.tasksPanel(w)
	route := m.routePanel(w)
	return append(out, route...)
}

// tasksPanel draws the tasks with their state, hints and the next step.
func (m *Model) tasksPanel(w int) []string {
	s := m.open
	st := m.c.Styles
	var out []string
	switch {
	case s.err != nil:
		return wrap(st.StatusError, "✗ "+common.Clean(s.err.Error()), w)
	case s.run == nil:
		return []string{st.Hint.Render(" setting the lesson up in vhost " + common.Clean(s.lesson.Vhost()) + "…")}
	}
	done := 0
	for _, t := range s.lesson.Tasks {
		if s.status(t.ID).Done {
			done++
		}
	}
	out = append(out, st.Title.Render(fmt.Sprintf(" tasks %d/%d", done, len(s.lesson.Tasks)))+
		st.Hint.Render("  in vhost "+common.Clean(s.run.Vhost())))
	next := m.nextTask()
	for i, t := range s.lesson.Tasks {
		status := s.status(t.ID)
		mark, tone := "  ", styles.Muted
		switch {
		case status.Done:
			mark, tone = "✓ ", styles.OK
		case next != nil && next.ID == t.ID:
			mark, tone = "▶ ", styles.Accent
		}
		title := fmt.Sprintf("%d. ", i+1)
		lines := markdown.Wrap(st, st.Tone(tone), title+t.Title, w-4)
		for j, l := range lines {
			lead := " " + st.Tone(tone).Render(mark)
			if j > 0 {
				lead = strings.Repeat(" ", 3+len(title))
			}
			out = append(out, lead+l)
		}
		if status.Done || next == nil || next.ID != t.ID {
			continue // what is wrong, and hints, only for the task at hand
		}
		pad := strings.Repeat(" ", 3+len(title))
		if status.Why != "" {
			for _, l := range markdown.Wrap(st, st.Tone(styles.Warn), "✗ "+status.Why, w-len(pad)) {
				out = append(out, pad+l)
			}
		}
		for h := range s.hints[t.ID] {
			text := fmt.Sprintf("hint %d/%d: %s", h+1, len(t.Hints), t.Hints[h])
			for _, l := range markdown.Wrap(st, st.Hint, text, w-len(pad)) {
				out = append(out, pad+l)
			}
		}
	}
	out = append(out, m.nextLine(w)...)
	if s.binding || s.declaring {
		lead, help := "bind › ", "source exchange, destination, key [x-match=all name=value …] · enter binds · esc cancels"
		if s.declaring {
			lead, help = "declare › ", "queue name [durable] [name=value …] · enter declares · esc cancels"
		}
		lead = " " + st.Prompt.Render(lead)
		out = append(out, lead+s.prompt.View(max(w-common.Width(ansi.Strip(lead))-1, 10), st.Input, st.Cursor, true),
			" "+st.Hint.Render(common.Truncate(help, w-1)))
	}
	return out
}

// nextLine tells the student exactly which key to press next.
func (m *Model) nextLine(w int) []string {
	st := m.c.Styles
	s := m.open
	key := func(k string) string { return st.HelpKey.Render(k) }
	if m.complete() {
		text := key("★ lesson complete!") + " " + key("n") + st.Help.Render(" next lesson · ") + key("esc") + st.Help.Render(" the list")
		return []string{" " + common.Truncate(text, w-1)}
	}
	t := m.nextTask()
	if t == nil {
		return nil
	}
	var parts []string
	if s.solving != "" {
		parts = append(parts, st.Hint.Render("doing it for you…"))
	} else if g, ok := m.suggest(t); ok {
		parts = append(parts, st.Help.Render("press ")+key("enter")+st.Help.Render(" to "+g.What+" ("+g.Binding.Help().Key+")"))
		if g.Then != "" {
			parts = append(parts, st.Hint.Render(g.Then))
		}
	}
	if s.hints[t.ID] < len(t.Hints) {
		parts = append(parts, key("h")+st.Help.Render(" hint"))
	}
	parts = append(parts, key("S")+st.Help.Render(" show me"))
	return wrapParts(st, "▶ next: ", parts, w)
}

// routePanel draws the route of the last message, animated.
func (m *Model) routePanel(w int) []string {
	st := m.c.Styles
	s := m.open
	if s.run == nil {
		return nil
	}
	if s.anim.Empty() {
		return []string{"", st.Rule.Render("── route ") + st.Hint.Render("publish a message: its path shows here")}
	}
	title := fmt.Sprintf("── route of your message #%d ", s.events)
	out := []string{"", st.Rule.Render(title + strings.Repeat("─", max(w-common.Width(title), 0)))}
	return append(out, strings.Split(s.anim.View(w), "\n")...)
}

// wrap draws a sentence wrapped to width in one style.
func wrap(style lipgloss.Style, s string, w int) []string {
	parts := strings.Split(ansi.Wrap(s, max(w-1, 8), " "), "\n")
	for i, p := range parts {
		parts[i] = " " + style.Render(p)
	}
	return parts
}

// wrapParts joins styled parts with " · " after a lead, wrapping between
// parts.
func wrapParts(st *styles.Styles, lead string, parts []string, w int) []string {
	sep := st.Hint.Render(" · ")
	var out []string
	cur := " " + st.Tone(styles.Accent).Render(lead)
	curW := common.Width(ansi.Strip(cur))
	start := true
	for _, p := range parts {
		pw := common.Width(ansi.Strip(p))
		if !start && curW+3+pw > w {
			out = append(out, common.Truncate(cur, w))
			cur, curW, start = "   ", 3, true
		}
		if !start {
			cur += sep
			curW += 3
		}
		cur += p
		curW += pw
		start = false
	}
	return append(out, common.Truncate(cur, w))
}
