package rpc_test

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

// bigConsole is the console at 160×48 on a snapshot with 100,000 more
// queues, editing the oslo topic.
func bigConsole(b *testing.B) (*rpc.Model, *common.Common) {
	b.Helper()
	c := drive.Common(fixture.Big(100_000, 3)...)
	m := rpc.New(c)
	m.SetSize(160, 45)
	drive.Type(m, "nova", "tab", "comp")
	return m, c
}

// BenchmarkTopicKeystroke is one keystroke in the topic field, message
// to drawn frame.
func BenchmarkTopicKeystroke(b *testing.B) {
	m, _ := bigConsole(b)
	drive.BenchKeys(b, m, "u", "backspace")
}

// BenchmarkRefresh is what a new snapshot of 100,000 queues costs the
// console's frame (the root's applying of the snapshot is not counted);
// the oslo topology is found again in the command it returns.
func BenchmarkRefresh(b *testing.B) {
	m, c := bigConsole(b)
	ups := fixture.Big(100_000, 2)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c.Data.Apply(ups[i%2])
		b.StartTimer()
		if m.Update(common.RefreshMsg{}) == nil {
			b.Fatal("a new snapshot, and no discovery")
		}
		_ = m.View()
	}
}

// BenchmarkDiscover is that command: the oslo topology of 100,000 queues
// found from their names, off the UI loop, then taken in by Update.
func BenchmarkDiscover(b *testing.B) {
	m, c := bigConsole(b)
	ups := fixture.Big(100_000, 2)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c.Data.Apply(ups[i%2])
		cmd := m.Update(common.RefreshMsg{})
		b.StartTimer()
		m.Update(cmd())
	}
}
