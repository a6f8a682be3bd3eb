package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// bigQueuesApp is an app of 120×30 on the queues view of a snapshot big
// enough for the table's big-table path, and the updates that follow.
func bigQueuesApp(t *testing.T, queues int) (*App, []broker.Update) {
	t.Helper()
	ups := fixture.Big(queues, 5)
	a, err := New(Options{Backend: &fakeBackend{status: connected()}, Broker: "amqp://guest@127.0.0.1:5672/", Theme: "dark", Vhost: "/"})
	if err != nil {
		t.Fatal(err)
	}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	a.Update(statusMsg{status: connected()})
	for _, u := range ups[:3] {
		a.Update(pollMsg{id: a.pollID, update: u})
	}
	do(a, ":", "qu", "enter")
	return a, ups[3:]
}

func selectedQueue(t *testing.T, a *App) (string, int) {
	t.Helper()
	lv, ok := a.focus.(*listview.Model)
	if !ok {
		t.Fatalf("the focus is %T, not a list", a.focus)
	}
	ref, ok := lv.Selected()
	if !ok {
		t.Fatal("nothing selected")
	}
	return ref.Name, lv.Table().Offset()
}

func TestBigRefreshKeepsSelectionAndScroll(t *testing.T) {
	const n = table.BigRows * 2
	a, ups := bigQueuesApp(t, n)
	for range 300 {
		press(a, "j")
	}
	name, offset := selectedQueue(t, a)

	// The same queues with new counters.
	a.Update(pollMsg{id: a.pollID, update: ups[0]})
	if got, off := selectedQueue(t, a); got != name || off != offset {
		t.Errorf("after a refresh: %s at offset %d, want %s at %d", got, off, name, offset)
	}
	// A queue before the selection goes: the selection stays on its
	// queue, and the window does not jump.
	s := *ups[1].Snapshot
	s.Queues = slices.Delete(slices.Clone(s.Queues), 20, 21)
	a.Update(pollMsg{id: a.pollID, update: broker.Update{Snapshot: &s, Diff: broker.DiffSnapshots(ups[0].Snapshot, &s), Rates: broker.ComputeRates(ups[0].Snapshot, &s)}})
	if got, off := selectedQueue(t, a); got != name || off != offset {
		t.Errorf("after a queue went: %s at offset %d, want %s at %d", got, off, name, offset)
	}
	if !strings.Contains(screen(a), name) {
		t.Errorf("the selected queue %s is not on screen", name)
	}
}

func TestBigRefreshKeepsNumericSortAndFilter(t *testing.T) {
	a, ups := bigQueuesApp(t, table.BigRows+500)
	// Sort by ready, descending: s steps through the columns.
	for range 3 {
		press(a, "s")
	}
	lv := a.focus.(*listview.Model)
	if c, desc := lv.Table().Sort(); c != 3 || !desc {
		t.Fatalf("sorted by column %d desc %v, want ready (3) descending", c, desc)
	}
	do(a, "/", "host01", "enter")
	shown, _ := lv.Count()
	// Each queue's ready count moves on the next refresh.
	s := *ups[0].Snapshot
	s.Queues = slices.Clone(s.Queues)
	for i := range s.Queues {
		s.Queues[i].Ready = int64((i * 7919) % 1000)
	}
	a.Update(pollMsg{id: a.pollID, update: broker.Update{Snapshot: &s, Diff: broker.DiffSnapshots(ups[0].Snapshot, &s), Rates: ups[0].Rates}})
	if got, _ := lv.Count(); got != shown {
		t.Errorf("the filter shows %d rows after the refresh, %d before", got, shown)
	}
	// The rows shown are in order of the new ready counts, and each is a
	// match of the filter.
	press(a, "g")
	var ready []float64
	for range 40 {
		r, ok := lv.Table().Selected()
		if !ok {
			t.Fatal("nothing selected")
		}
		if !fuzzyHas("host01", r.Cells[0].Text) {
			t.Errorf("%s shown under /host01", r.Cells[0].Text)
		}
		ready = append(ready, r.Num[3])
		press(a, "j")
	}
	if !slices.IsSortedFunc(ready, func(a, b float64) int { return int(b - a) }) {
		t.Errorf("not sorted by the new ready counts, descending: %v", ready)
	}
	if !strings.Contains(screen(a), "host01") {
		t.Errorf("the filtered screen shows no host01 queue:\n%s", screen(a))
	}
}

// fuzzyHas reports whether the letters of pattern appear in s in order.
func fuzzyHas(pattern, s string) bool {
	for i := 0; i < len(s) && pattern != ""; i++ {
		if s[i] == pattern[0] {
			pattern = pattern[1:]
		}
	}
	return pattern == ""
}
