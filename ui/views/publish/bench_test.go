package publish_test

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// bigForm is the form at 160×48 on a snapshot with 100,000 more queues,
// each bound to one topic exchange with its own key, editing the routing
// key of that exchange: every keystroke completes from 100,000 keys.
func bigForm(b *testing.B) (*publish.Model, *common.Common) {
	b.Helper()
	c := &common.Common{Styles: styles.New(themes.Dark(), false), Data: &common.Data{}, Vhost: "/"}
	for _, u := range fixture.Big(100_000, 3) {
		c.Data.Apply(u)
	}
	m := publish.New(c)
	m.SetSize(160, 45)
	m.SetField(publish.FieldExchange, fixture.BigExchange)
	press(m, "tab", "svc12")
	return m, c
}

// BenchmarkKeyCompletionKeystroke is one keystroke in the routing key
// field, message to drawn frame, completing from 100,000 binding keys.
func BenchmarkKeyCompletionKeystroke(b *testing.B) {
	m, _ := bigForm(b)
	keys := []tea.KeyPressMsg{{Code: '3', Text: "3"}, {Code: tea.KeyBackspace}}
	for i := 0; b.Loop(); i++ {
		m.Update(keys[i%2])
		_ = m.View()
	}
}

// BenchmarkKeyCompletionSubstring is the same with text that no key
// starts with, so that the completion searches every key for it.
func BenchmarkKeyCompletionSubstring(b *testing.B) {
	m, _ := bigForm(b)
	press(m, "h9x")
	keys := []tea.KeyPressMsg{{Code: '9', Text: "9"}, {Code: tea.KeyBackspace}}
	for i := 0; b.Loop(); i++ {
		m.Update(keys[i%2])
		_ = m.View()
	}
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
		press(m, "tab")
	}
	keys := []tea.KeyPressMsg{{Code: 'x', Text: "x"}, {Code: tea.KeyBackspace}}
	for i := 0; b.Loop(); i++ {
		m.Update(keys[i%2])
		_ = m.View()
	}
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
