package msglist

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

func TestRowSanitisesHostileText(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	for _, tc := range []struct {
		name    string
		m       broker.Message
		want    []string
		notWant []string
	}{
		{
			"escape sequences", msg("ex\x1b[2J\x1b]0;pwned\a", "key\x1b[31mred", "body\x1b[H", 0),
			[]string{`ex\x1b[2J`, `key\x1b[31mred`, `body\x1b[H`},
			[]string{"\x1b", "\a"},
		},
		{
			"invalid utf-8", msg("x", "k\xff\xfe", "\xff\xfe\xfd\x00\x01\x02\x03\x04\x05\x06", 0),
			[]string{`k\xff\xfe`, "(binary, 10B)"},
			[]string{"\xff"},
		},
		{
			"wide runes", msg("交換所交換所交換所交換所", "ルーティング.キー.とても.長い.名前", "本文です", 0),
			[]string{"交換所", "本文です"},
			nil,
		},
		{
			"bidi and line breaks", msg("x", "a\u202eb", "line1\nline2\r\n", 0),
			[]string{`a\u202eb`, `line1\x0aline2\x0d\x0a`},
			[]string{"\u202e", "\n"},
		},
		{"huge body and names", msg(huge, huge, huge, 0), []string{"5.0MiB", "…"}, nil},
		{"empty body, default exchange", msg("", "k", "", 0), []string{"(AMQP default)", "(empty)", "0B"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range []int{40, 80, 160} {
				e := &Entry{Seq: 1, Msg: tc.m}
				row := Row(e, w)
				if got := ansi.StringWidth(row); got != w {
					t.Errorf("width %d: row is %d cells wide: %q", w, got, row)
				}
				if strings.ContainsAny(row, "\n\r\x1b\a") {
					t.Errorf("width %d: row holds control characters: %q", w, row)
				}
				if w == 160 {
					for _, s := range tc.want {
						if !strings.Contains(row, s) {
							t.Errorf("row lacks %q: %q", s, row)
						}
					}
				}
				for _, s := range tc.notWant {
					if strings.Contains(row, s) {
						t.Errorf("row holds %q raw: %q", s, row)
					}
				}
			}
		})
	}
}

func TestRowShowsTimeSizeAndMarks(t *testing.T) {
	e := &Entry{Seq: 1, Msg: msg("orders", "order.eu.created", `{"id": 1}`, 1234)}
	e.Msg.Redelivered = true
	row := Row(e, 100)
	for _, s := range []string{"↻ 12:00:01.234", "orders", "order.eu.created", "9B", `{"id": 1}`} {
		if !strings.Contains(row, s) {
			t.Errorf("row lacks %q: %q", s, row)
		}
	}
	e.State, e.row = Acked, nil
	if !strings.HasPrefix(Row(e, 100), "✓") {
		t.Errorf("an acked row is not marked ✓: %q", Row(e, 100))
	}
}

// hostile is text a broker may carry: escape sequences that clear the
// screen, set the title or ring the bell, wide runes, invalid UTF-8,
// format characters that reorder text, NUL and line breaks, a megabyte.
var hostile = []string{
	"evil\x1b[2J\x1b[H\x1b]0;pwned\x07",
	"全角キュー名前がとても長いのでテーブルを壊すかもしれない",
	"bad\xff\xfeutf8\xc3",
	"rtl\u202eesrever\u2066",
	"nul\x00and\r\nnewline",
	strings.Repeat("m", 1<<20),
}

// sgrSeq matches the styling sequences kaiten itself writes.
var sgrSeq = regexp.MustCompile("\x1b\\[[0-9;:]*m")

func TestHostileMessagesAreDrawnSafely(t *testing.T) {
	m := New(newCommon(t), 0)
	running(m)
	for i, n := range hostile {
		hm := msg(n, n, n, i)
		hm.Properties = model.Properties{
			ContentType: n, MessageID: n, Has: model.HasContentType | model.HasMessageID | model.HasHeaders,
			Headers: model.Table{n: model.String(n)},
		}
		hm.Summary = n
		feedBatch(m, hm)
	}
	for _, detail := range []bool{false, true} {
		if detail != m.detail {
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		}
		for i := range len(hostile) {
			m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
			for range i {
				m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
			}
			for _, f := range []string{"json", "text", "hex"} {
				for _, size := range [][2]int{{80, 21}, {160, 45}} {
					m.SetSize(size[0], size[1])
					for _, flt := range []string{"", "e"} {
						m.SetFilter(flt)
						out := m.View()
						name := fmt.Sprintf("detail=%v message %d %s %dx%d /%s", detail, i, f, size[0], size[1], flt)
						if len(out) > 200_000 {
							t.Fatalf("%s: %d bytes on screen", name, len(out))
						}
						for _, r := range sgrSeq.ReplaceAllString(out, "") {
							if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\uFFFD') {
								t.Fatalf("%s: the screen holds %U", name, r)
							}
						}
						lines := strings.Split(out, "\n")
						if len(lines) != size[1] {
							t.Fatalf("%s: %d lines", name, len(lines))
						}
						for j, l := range lines {
							if w := ansi.StringWidth(l); w != size[0] {
								t.Fatalf("%s: line %d is %d wide: %q", name, j, w, ansi.Strip(l))
							}
						}
					}
				}
				m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
			}
		}
	}
}
