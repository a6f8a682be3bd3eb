package msglist

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
)

// TestLongEventWraps is the QA bug: the tap's note on an alternate
// exchange was cut at the status line's end. A long event wraps under
// the counts, whole, at 80 and 160 columns; the view keeps its height and
// a click still lands on the row drawn under it.
func TestLongEventWraps(t *testing.T) {
	note := `exchange "orders" has alternate exchange "ae": the tap binds like "orders"'s own bindings, so that what they do not match still goes to "ae" (tap "ae" too to see it)`
	for _, w := range []int{80, 160} {
		m := New(newCommon(t), 0)
		m.SetSize(w, 20)
		s := &chanStream{ch: make(chan broker.Batch, 1)}
		started := m.Start(func(context.Context) (Stream, error) { return s, nil })().(StartedMsg)
		wait := m.Update(started)
		s.ch <- broker.Batch{Messages: batchOf(3).Messages, Events: []broker.Event{{Kind: broker.EventNote, At: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), Text: note}}}
		m.Update(wait())
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		if len(lines) != 20 {
			t.Fatalf("%d columns: %d lines, want 20", w, len(lines))
		}
		var text []string
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("%d columns: a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
			text = append(text, strings.TrimSpace(l))
		}
		if joined := strings.Join(text, " "); !strings.Contains(joined, note) {
			t.Errorf("%d columns: the note is cut:\n%s", w, strings.Join(lines, "\n"))
		}
		// Click the second message's row: under the status lines and the
		// column titles.
		status := len(m.statusLines())
		if status < 2 {
			t.Errorf("%d columns: the note did not wrap under the counts", w)
		}
		m.click(1, status+1+1)
		if e, ok := m.Selected(); !ok || e.Seq != 2 {
			t.Errorf("%d columns: a click on row 2 selected %+v", w, e)
		}
	}
}
