package publish_test

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// bigForm is the form at 160×48 on a snapshot with 100,000 more queues,
// each bound to one topic exchange with its own key, editing the routing
// key of that exchange: every keystroke completes from 100,000 keys.
func bigForm(b *testing.B) (*publish.Model, *common.Common) {
	b.Helper()
	c := drive.Common(fixture.Big(100_000, 3)...)
	m := publish.New(c)
	m.SetSize(160, 45)
	m.SetField(publish.FieldExchange, fixture.BigExchange)
	drive.Type(m, "tab", "svc12")
	return m, c
}

// BenchmarkKeyCompletionKeystroke is one keystroke in the routing key
// field, message to drawn frame, completing from 100,000 binding keys.
func BenchmarkKeyCompletionKeystroke(b *testing.B) {
	m, _ := bigForm(b)
	drive.BenchKeys(b, m, "3", "backspace")
}

// BenchmarkKeyCompletionSubstring is the same with text that no key
// starts with, so that the completion searches every key for it.
func BenchmarkKeyCompletionSubstring(b *testing.B) {
	m, _ := bigForm(b)
	drive.Type(m, "h9x")
	drive.BenchKeys(b, m, "9", "backspace")
}

// BenchmarkBodyKeystroke is one keystroke in a 4 KiB JSON body: the
// editor, the live JSON check and the form's check, then the frame.
func BenchmarkBodyKeystroke(b *testing.B) {
	m, _ := bigForm(b)
	body := "{\n"
	for len(body) < 4096 {
		body += `  "field": "some value of an order line",` + "\n"
	}
	m.SetField(publish.FieldBody, body+`  "end": true`+"\n}")
	for m.Focused() != publish.FieldBody {
		drive.Type(m, "tab")
	}
	drive.BenchKeys(b, m, "x", "backspace")
}

// BenchmarkRefresh is what a new snapshot of 100,000 queues costs the
// form while it edits the routing key (the root's applying of the
// snapshot is not counted).
func BenchmarkRefresh(b *testing.B) {
	m, c := bigForm(b)
	ups := fixture.Big(100_000, 2)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c.Data.Apply(ups[i%2])
		b.StartTimer()
		m.Update(common.RefreshMsg{})
		_ = m.View()
	}
}
