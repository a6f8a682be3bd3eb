package routeanim

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The glyphs. The message is a dot; it sits in the connector before the
// element it has reached, so every frame has the same layout.
const (
	dot       = "●"
	arrow     = " ──▶ "
	arrowAt   = " ─●▶ "
	branch    = "─ "
	branchAt  = "● "
	treeShift = "  "
)

// state is how far the message is from an element at a step.
type state uint8

const (
	ahead   state = iota // not reached yet: drawn muted, the path to come
	here                 // the message is here now
	passed               // reached before: drawn in its own tone
	outside              // never on the path (near misses, notes)
)

func stateAt(e element, step, steps int) state {
	switch {
	case e.at < 0:
		return outside
	case step >= steps || e.at < step:
		return passed
	case e.at == step:
		return here
	}
	return ahead
}

// Frame draws step of a route, each line cut to width. Steps at or past
// r.Steps() draw the final picture, with no message moving.
func Frame(st *styles.Styles, r Route, step, width int) string {
	out := make([]string, 0, len(r.lines))
	for _, l := range r.lines {
		if wrapped(l) {
			out = append(out, wrapLine(st, l, step, r.steps, width)...)
			continue
		}
		out = append(out, common.Truncate(drawLine(st, l, step, r.steps), width))
	}
	return strings.Join(out, "\n")
}

func drawLine(st *styles.Styles, l line, step, steps int) string {
	var b strings.Builder
	b.WriteString(" ")
	if l.prefix != "" {
		b.WriteString(treeShift)
		b.WriteString(st.Rule.Render(l.prefix))
	}
	for i, e := range l.elems {
		s := stateAt(e, step, steps)
		var conn, connAt string
		switch {
		case i > 0:
			conn, connAt = arrow, arrowAt
		case l.prefix != "":
			conn, connAt = branch, branchAt
		default:
			conn, connAt = gutter(e.kind)+" ", dot+" "
		}
		b.WriteString(connector(st, s, conn, connAt))
		b.WriteString(text(st, s, e))
	}
	return b.String()
}

// wrapped reports whether a line is a sentence (why a message was
// refused or went nowhere) to wrap rather than cut.
func wrapped(l line) bool {
	if l.prefix != "" || len(l.elems) != 1 {
		return false
	}
	switch l.elems[0].kind {
	case kindError, kindNote, kindDone, kindDeadLetter:
		return true
	}
	return false
}

// wrapLine draws a sentence line wrapped to width under its text.
func wrapLine(st *styles.Styles, l line, step, steps, width int) []string {
	e := l.elems[0]
	s := stateAt(e, step, steps)
	const indent = "   "
	parts := strings.Split(ansi.Wrap(e.text, max(width-len(indent), 10), " "), "\n")
	out := make([]string, len(parts))
	for i, p := range parts {
		lead := indent
		if i == 0 {
			lead = " " + connector(st, s, gutter(e.kind)+" ", dot+" ")
		}
		out[i] = common.Truncate(lead+text(st, s, element{kind: e.kind, text: p, at: e.at}), width)
	}
	return out
}

// gutter is the glyph left of a top-level element.
func gutter(kind int) string {
	switch kind {
	case kindProducer:
		return "○"
	case kindPublish:
		return "│"
	case kindExchange:
		return "▼"
	}
	return " "
}

func connector(st *styles.Styles, s state, conn, connAt string) string {
	switch s {
	case here:
		return st.Tone(styles.Accent).Render(connAt)
	case passed:
		return st.Tone(styles.Matched).Render(conn)
	case ahead:
		return st.Tone(styles.Muted).Render(conn)
	}
	return st.Rule.Render(conn)
}

func text(st *styles.Styles, s state, e element) string {
	switch s {
	case here:
		return st.Tone(styles.Accent).Bold(true).Render(e.text)
	case ahead:
		return st.Tone(styles.Muted).Render(e.text)
	}
	return st.Tone(tone(e.kind)).Render(e.text)
}
