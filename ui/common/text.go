package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
)

// MaxCell is how many bytes of a broker string a list keeps: more than
// any column is wide, so a megabyte-long name costs nothing per frame.
const MaxCell = 512

// MaxDetail is how many bytes of a broker string a detail view keeps.
const MaxDetail = 8192

// Ellipsis marks text cut short.
const Ellipsis = "…"

// Clean makes text from the broker safe and cheap to draw: cut to MaxCell
// bytes, then Printable (escape sequences, control characters and invalid
// UTF-8 shown escaped). Every broker string passes through it, or
// CleanN, before it reaches a view.
func Clean(s string) string { return CleanN(s, MaxCell) }

// CleanN is Clean with a byte limit of n.
func CleanN(s string, n int) string {
	if len(s) <= n {
		return model.Printable(s)
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return model.Printable(s[:cut]) + Ellipsis
}

// Name shows an exchange or queue name, the default exchange by name.
func Name(s string) string {
	if s == "" {
		return "(AMQP default)"
	}
	return Clean(s)
}

// Width is the display width of text that has no escape sequences of its
// own, or only styling ones.
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate cuts text to a display width, ending it with … when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, Ellipsis)
}

// Fit truncates text to a display width and pads it with spaces to fill
// it, on the right (left aligned) or on the left (right aligned).
func Fit(s string, w int, right bool) string {
	s = Truncate(s, w)
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// Lines cuts each line of a block to a width and the block to a height,
// padding it to exactly height lines of exactly width cells, so a view can
// never draw outside its box.
func Lines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = Fit(l, w, false)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", max(w, 0)))
	}
	return strings.Join(lines, "\n")
}

// RowKey joins the parts of an identity into one string, for table rows.
func RowKey(parts ...string) string { return strings.Join(parts, "\x00") }

// RowKeyHead splits a row key made by RowKey into its first part (the
// vhost, in every list) and the rest; ok is false when it has one part.
func RowKeyHead(key string) (head, rest string, ok bool) { return strings.Cut(key, "\x00") }

// Waiting is the body of a view before the first snapshot has arrived.
func Waiting(c *Common, w, h int) string {
	return Lines(c.Styles.Hint.Render(" waiting for the first snapshot…"), w, h)
}
