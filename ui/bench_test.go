package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/demo"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// bigQueues is the snapshot size of issue 6's speed targets.
const bigQueues = 100_000

// bigApp returns an app of 160×48 showing the queues view of a snapshot
// with 100,000 queues more than the fixture, and two more updates of it
// to refresh with.
func bigApp(b *testing.B) (*App, [2]broker.Update) {
	b.Helper()
	ups := fixture.Big(bigQueues, 5)
	a, err := New(Options{Backend: &fakeBackend{status: connected()}, Broker: "amqp://guest@127.0.0.1:5672/", Theme: "dark", Vhost: "/"})
	if err != nil {
		b.Fatal(err)
	}
	a.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	a.Update(statusMsg{status: connected()})
	for _, u := range ups[:3] {
		a.Update(pollMsg{id: a.pollID, update: u})
	}
	do(a, ":", "qu", "enter")
	if !strings.Contains(screen(a), "queues [100010]") {
		b.Fatalf("the queues view does not show the big snapshot:\n%s", screen(a))
	}
	return a, [2]broker.Update{ups[3], ups[4]}
}

// frame is what a message costs: Update, then drawing the screen as the
// program would.
func frame(a *App, msg tea.Msg) {
	a.Update(msg)
	_ = a.View()
}

// BenchmarkFilterKeystroke is one keystroke in the / filter, message to
// rendered frame: typing a letter, then deleting it, in turn.
func BenchmarkFilterKeystroke(b *testing.B) {
	a, _ := bigApp(b)
	do(a, "/", "host0")
	keys := []tea.KeyPressMsg{keyMsg("1"), keyMsg("backspace")}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		frame(a, keys[i%2])
	}
}

// BenchmarkScrollStep is one step down or up the list of 100,000 queues.
func BenchmarkScrollStep(b *testing.B) {
	a, _ := bigApp(b)
	do(a, "j", "j")
	keys := []tea.KeyPressMsg{keyMsg("j"), keyMsg("k")}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		frame(a, keys[i%2])
	}
}

// BenchmarkRefresh is one poller update of the 100,000-queue snapshot
// reaching the views and the screen redrawn.
func BenchmarkRefresh(b *testing.B) {
	a, ups := bigApp(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u := ups[i%2]
		u.Seq = uint64(100 + i)
		frame(a, pollMsg{id: a.pollID, update: u})
	}
}

// BenchmarkRefreshFiltered is a refresh while a filter is on.
func BenchmarkRefreshFiltered(b *testing.B) {
	a, ups := bigApp(b)
	do(a, "/", "host01", "enter")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u := ups[i%2]
		u.Seq = uint64(100 + i)
		frame(a, pollMsg{id: a.pollID, update: u})
	}
}

// churn returns two updates of the big snapshot, each without one of its
// queues (a different one), so that each refresh sees a queue go and
// another come back: the objects in the lists change, as they do when
// RPC reply queues come and go.
func churn(ups [2]broker.Update, before *broker.Snapshot) [2]broker.Update {
	var out [2]broker.Update
	var snaps [2]*broker.Snapshot
	for i, gone := range []int{bigQueues / 3, 2 * bigQueues / 3} {
		s := *ups[1].Snapshot
		s.Queues = slices.Delete(slices.Clone(s.Queues), gone, gone+1)
		snaps[i] = &s
	}
	for i := range out {
		out[i] = broker.Update{
			Snapshot: snaps[i], Diff: broker.DiffSnapshots(snaps[1-i], snaps[i]), Rates: broker.ComputeRates(before, snaps[i]),
		}
	}
	return out
}

// BenchmarkRefreshChurn is a refresh in which one queue went away and
// another appeared, so the rows are not the same objects as before.
func BenchmarkRefreshChurn(b *testing.B) {
	a, ups := bigApp(b)
	ch := churn(ups, ups[0].Snapshot)
	frame(a, pollMsg{id: a.pollID, update: ch[1]})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u := ch[i%2]
		u.Seq = uint64(100 + i)
		frame(a, pollMsg{id: a.pollID, update: u})
	}
}

// BenchmarkRefreshBindings is a refresh of the bindings view, which lists
// the 100,000 bindings of the big snapshot.
func BenchmarkRefreshBindings(b *testing.B) {
	a, ups := bigApp(b)
	do(a, ":", "bi", "enter")
	if !strings.Contains(screen(a), "bindings [100") {
		b.Fatalf("the bindings view does not show the big snapshot:\n%s", screen(a))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u := ups[i%2]
		u.Seq = uint64(100 + i)
		frame(a, pollMsg{id: a.pollID, update: u})
	}
}

// BenchmarkFirstFrame is kaiten's start on the embedded broker, as the
// kaiten command does it with no broker configured: start the embedded
// broker and the demo bus, open a session, build the UI, run its Init
// until the first snapshot arrives, and draw the first frame with data.
// The process start of the binary is not in it (see docs/benchmarks.md).
// Stopping the broker and the demo (seconds: the broker waits for its
// clients to close) is outside the timer.
func BenchmarkFirstFrame(b *testing.B) {
	b.StopTimer()
	for range b.N {
		b.StartTimer()
		stop := firstFrame(b)
		b.StopTimer()
		stop()
	}
}

// firstFrame starts kaiten on the embedded demo bus up to its first frame
// with data, and returns what stops it all.
func firstFrame(b *testing.B) (stop func()) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	stops = append(stops, cancel)
	br, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	stops = append(stops, func() { _ = br.Close() })
	d, err := demo.Start(ctx, demo.Options{URL: br.AMQPURL()})
	if err != nil {
		b.Fatal(err)
	}
	stops = append(stops, d.Stop)
	s, err := broker.Open(ctx, broker.Config{URL: br.AMQPURL(), APIURL: br.APIURL(), ConnectionName: "kaiten"})
	if err != nil {
		b.Fatal(err)
	}
	stops = append(stops, func() { _ = s.Close() })
	a, err := New(Options{Backend: s, Broker: "embedded demo broker", Theme: "dark", Vhost: s.Vhost(), Refresh: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	stops = append(stops, a.Close)
	a.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	msgs := make(chan tea.Msg, 16)
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			switch msg := cmd().(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			case nil:
			default:
				msgs <- msg
			}
		}()
	}
	run(a.Init())
	for !a.data.Ready() {
		_, cmd := a.Update(<-msgs)
		run(cmd)
	}
	if v := a.View(); !strings.Contains(v.Content, "exchanges") {
		b.Fatalf("the first frame has no data:\n%s", v.Content)
	}
	return stop
}
