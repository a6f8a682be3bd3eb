package markdown

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// span kinds: how a run of inline text is drawn.
const (
	spanText = iota
	spanCode
	spanStrong
	spanEm
	spanLink
	spanURL
)

// span is a run of inline text of one kind.
type span struct {
	kind int
	text string
}

// parseInline splits inline Markdown into spans: `code`, **strong**,
// *em* and _em_, [text](url) and <url>. Unclosed markers are text.
func parseInline(s string) []span {
	var out []span
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, span{spanText, plain.String()})
			plain.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_[]()<>#", s[i+1]) >= 0:
			plain.WriteByte(s[i+1])
			i += 2
			continue
		case c == '`':
			n := run(s[i:], '`')
			if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 {
				flush()
				out = append(out, span{spanCode, strings.TrimSpace(s[i+n : i+n+end])})
				i += n + end + n
				continue
			}
		case (c == '*' || c == '_') && strings.HasPrefix(s[i:], string([]byte{c, c})):
			if end := strings.Index(s[i+2:], string([]byte{c, c})); end > 0 {
				flush()
				out = append(out, span{spanStrong, s[i+2 : i+2+end]})
				i += 2 + end + 2
				continue
			}
		case (c == '*' || c == '_') && i+1 < len(s) && s[i+1] != ' ' && (c == '*' || i == 0 || !isWord(s[i-1])):
			if end := strings.IndexByte(s[i+1:], c); end > 0 && s[i+end] != ' ' && (c == '*' || i+2+end >= len(s) || !isWord(s[i+2+end])) {
				flush()
				out = append(out, span{spanEm, s[i+1 : i+1+end]})
				i += 1 + end + 1
				continue
			}
		case c == '[':
			if close := strings.Index(s[i:], "]("); close > 0 {
				if end := strings.IndexByte(s[i+close:], ')'); end > 0 {
					flush()
					text, url := s[i+1:i+close], s[i+close+2:i+close+end]
					out = append(out, span{spanLink, text})
					if url != text {
						out = append(out, span{spanURL, " (" + url + ")"})
					}
					i += close + end + 1
					continue
				}
			}
		case c == '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 && strings.Contains(s[i:i+end], "://") {
				flush()
				out = append(out, span{spanLink, s[i+1 : i+end]})
				i += end + 1
				continue
			}
		}
		plain.WriteByte(c)
		i++
	}
	flush()
	return out
}

func run(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// spanStyle is how a span kind is drawn, over base.
func spanStyle(st *styles.Styles, base lipgloss.Style, kind int) lipgloss.Style {
	switch kind {
	case spanCode:
		return st.Tone(styles.Accent)
	case spanStrong:
		return base.Bold(true)
	case spanEm:
		return base.Italic(true)
	case spanLink:
		return st.Tone(styles.Accent).Underline(true)
	case spanURL:
		return st.Hint
	}
	return base
}

// piece is part of a word in one style; a word can mix styles ("`q.eu`,").
type piece struct {
	kind int
	text string
}

// words splits spans at spaces into words, each a list of pieces. Code
// spans keep their spaces: they are one word, so a key never breaks.
func words(spans []span) [][]piece {
	var out [][]piece
	var cur []piece
	end := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for _, sp := range spans {
		text := model.Printable(sp.text)
		if sp.kind == spanCode {
			cur = append(cur, piece{sp.kind, text})
			continue
		}
		for i, w := range strings.Split(text, " ") {
			if i > 0 {
				end()
			}
			if w != "" {
				cur = append(cur, piece{sp.kind, w})
			}
		}
	}
	end()
	return out
}

func wordWidth(w []piece) int {
	n := 0
	for _, p := range w {
		n += ansi.StringWidth(p.text)
	}
	return n
}

func drawWord(st *styles.Styles, base lipgloss.Style, w []piece) string {
	var b strings.Builder
	for _, p := range w {
		b.WriteString(spanStyle(st, base, p.kind).Render(p.text))
	}
	return b.String()
}

// Wrap draws inline Markdown in base's style, wrapped to width: whole
// words per line, each line styled on its own so that it can be cut,
// padded or redrawn alone. A word wider than the line is cut.
func Wrap(st *styles.Styles, base lipgloss.Style, s string, width int) []string {
	width = max(width, 1)
	var lines []string
	var b strings.Builder
	used := 0
	for _, w := range words(parseInline(s)) {
		ww := wordWidth(w)
		if used > 0 && used+1+ww > width {
			lines = append(lines, b.String())
			b.Reset()
			used = 0
		}
		if used > 0 {
			b.WriteString(base.Render(" "))
			used++
		}
		word := drawWord(st, base, w)
		if ww > width-used {
			word = ansi.Truncate(word, width-used, "…")
			ww = width - used
		}
		b.WriteString(word)
		used += ww
	}
	if used > 0 || len(lines) == 0 {
		lines = append(lines, b.String())
	}
	return lines
}

// Inline draws inline Markdown on one line, in base's style, not wrapped.
func Inline(st *styles.Styles, base lipgloss.Style, s string) string {
	ws := words(parseInline(s))
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = drawWord(st, base, w)
	}
	return strings.Join(parts, base.Render(" "))
}
