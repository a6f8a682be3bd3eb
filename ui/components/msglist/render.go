package msglist

import (
	"strings"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/ui/common"
)

// TimeLayout is how the list shows when a message was received.
const TimeLayout = "15:04:05.000"

// previewBytes is how much of a body the list's last column reads.
const previewBytes = 200

// rowCells is an entry's text for the list, sanitised once, the first
// time the row is drawn.
type rowCells struct {
	time, exchange, key, size, what string
}

// cells returns the entry's row text, made on first use.
func (e *Entry) cells() *rowCells {
	if e.row == nil {
		e.row = makeCells(e)
	}
	return e.row
}

// makeCells sanitises what a row shows: broker text is hostile, so every
// string goes through common.Clean (escape sequences and invalid UTF-8
// shown escaped, at most common.MaxCell bytes).
func makeCells(e *Entry) *rowCells {
	m := &e.Msg
	r := &rowCells{
		time:     m.Received.Format(TimeLayout),
		exchange: common.Name(m.Exchange),
		key:      common.Clean(m.RoutingKey),
		size:     common.Bytes(uint64(len(m.Body))),
	}
	switch {
	case e.Summary != "":
		r.what = common.Clean(e.Summary)
	default:
		r.what = Preview(m.Body)
	}
	return r
}

// Preview is the start of a body on one line: text made printable (line
// breaks shown as \n), or a note for bytes that are not text.
func Preview(body []byte) string {
	if len(body) == 0 {
		return "(empty)"
	}
	b := body
	if len(b) > previewBytes {
		b = b[:previewBytes]
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ { // a rune cut in two
			b = b[:len(b)-1]
		}
	}
	if !utf8.Valid(b) && !mostlyText(b) {
		return "(binary, " + common.Bytes(uint64(len(body))) + ")"
	}
	s := common.Clean(string(b))
	if len(b) < len(body) {
		s += common.Ellipsis
	}
	return s
}

// mostlyText reports whether bytes that are not valid UTF-8 are still
// mostly printable ASCII (a latin-1 body, say), worth showing escaped.
func mostlyText(b []byte) bool {
	n := 0
	for _, c := range b {
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			n++
		}
	}
	return n*4 >= len(b)*3
}

// mark is the one-cell column before the time: how a consumed message was
// settled, or that it was delivered before.
func mark(e *Entry) string {
	switch e.State {
	case Acked:
		return "✓"
	case Requeued:
		return "↩"
	case Rejected:
		return "✗"
	case Settling:
		return "…"
	}
	if e.Msg.Redelivered {
		return "↻"
	}
	return " "
}

// layout is the widths of the list's columns at a width.
type layout struct {
	exchange, key, what int
}

// Column widths that do not change with the screen.
const (
	markWidth = 1
	timeWidth = len(TimeLayout)
	sizeWidth = 7
)

func columns(w int) layout {
	rest := w - (markWidth + 1 + timeWidth + 1 + 1 + sizeWidth + 1 + 1) // the fixed columns and 4 gaps
	ex := min(max(rest*22/100, 6), 30)
	key := min(max(rest*28/100, 8), 48)
	return layout{exchange: ex, key: key, what: max(rest-ex-key, 0)}
}

// header is the list's column titles.
func header(l layout) string {
	var b strings.Builder
	b.WriteString(" ")
	b.WriteString(" " + common.Fit("time", timeWidth, false))
	b.WriteString(" " + common.Fit("exchange", l.exchange, false))
	b.WriteString(" " + common.Fit("routing key", l.key, false))
	b.WriteString(" " + common.Fit("size", sizeWidth, true))
	b.WriteString(" " + common.Fit("summary / body", l.what, false))
	return b.String()
}

// Row draws an entry as one line of the list at width w: mark, time,
// exchange, routing key, size, and the oslo summary or the body's start.
// The text is sanitised and cut by display width, never by bytes.
func Row(e *Entry, w int) string {
	l := columns(w)
	c := e.cells()
	var b strings.Builder
	b.Grow(w + 16)
	b.WriteString(mark(e))
	b.WriteString(" " + c.time)
	b.WriteString(" " + common.Fit(c.exchange, l.exchange, false))
	b.WriteString(" " + common.Fit(c.key, l.key, false))
	b.WriteString(" " + common.Fit(c.size, sizeWidth, true))
	b.WriteString(" " + common.Fit(c.what, l.what, false))
	return common.Fit(b.String(), w, false)
}
