package common

import (
	"slices"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

// snap is a snapshot of queues in vhost v taken at second t, each queue
// having published rate×t messages.
func snap(t int, queues map[string]int) *broker.Snapshot {
	at := time.Unix(1000+int64(t), 0)
	s := &broker.Snapshot{Kinds: broker.AllKinds, At: at, TotalsTaken: at, Vhost: "v"}
	for name, rate := range queues {
		q := broker.Queue{Vhost: "v", Name: name}
		q.Stats.Set(broker.StatPublish, uint64(rate*t))
		s.Queues = append(s.Queues, q)
	}
	slices.SortFunc(s.Queues, func(a, b broker.Queue) int { return a.Key().Compare(b.Key()) })
	for k := range s.Taken {
		s.Taken[k] = at
	}
	return s
}

// apply applies cur after prev as the poller would: with the diff and the
// rates between them.
func apply(d *Data, prev, cur *broker.Snapshot) {
	d.Apply(broker.Update{Snapshot: cur, Diff: broker.DiffSnapshots(prev, cur), Rates: broker.ComputeRates(prev, cur)})
}

func series(d *Data, name string) []float64 {
	i := broker.IndexOf(d.Snap.Queues, broker.Queue.Key, broker.ObjectKey{Vhost: "v", Name: name})
	return d.History.Queue(i).Last(HistoryLen)
}

func TestHistoryFollowsEachQueue(t *testing.T) {
	var d Data
	s1 := snap(10, map[string]int{"a": 1, "b": 2, "c": 3})
	s2 := snap(20, map[string]int{"a": 1, "b": 2, "c": 3})
	s3 := snap(30, map[string]int{"a": 1, "c": 3, "d": 4}) // b went, d came
	s4 := snap(40, map[string]int{"a": 1, "c": 3, "d": 4})
	apply(&d, nil, s1)
	m1 := d.Members.Queues
	apply(&d, s1, s2)
	if d.Members.Queues != m1 {
		t.Error("the same queues counted as a change of members")
	}
	apply(&d, s2, s3)
	if d.Members.Queues == m1 {
		t.Error("a queue gone and one new did not count as a change of members")
	}
	m3 := d.Members.Queues
	apply(&d, s3, s4)
	if d.Members.Queues != m3 {
		t.Error("the same queues counted as a change of members")
	}
	for name, want := range map[string][]float64{
		"a": {0, 1, 1, 1},
		"c": {0, 3, 3, 3},
		"d": {0, 4}, // new at s3: no rate then
	} {
		if got := series(&d, name); !slices.Equal(got, want) {
			t.Errorf("%s's history %v, want %v", name, got, want)
		}
	}
	// Without the diffs, the same history.
	var nd Data
	for _, s := range []*broker.Snapshot{s1, s2, s3, s4} {
		nd.Apply(broker.Update{Snapshot: s, Rates: broker.ComputeRates(nd.Snap, s)})
	}
	for _, name := range []string{"a", "c", "d"} {
		if got, want := series(&nd, name), series(&d, name); !slices.Equal(got, want) {
			t.Errorf("without diffs, %s's history %v, want %v", name, got, want)
		}
	}
	if got := d.QueueRatesAt(1).Value(broker.StatPublish); got != 3 {
		t.Errorf("rates at index 1 (c) %v, want 3", got)
	}
	if got := d.QueueRates(broker.ObjectKey{Vhost: "v", Name: "d"}).Value(broker.StatPublish); got != 4 {
		t.Errorf("d's rates by key %v, want 4", got)
	}
}

func TestUpdateWithoutDiffComparesTheObjects(t *testing.T) {
	var d Data
	d.Apply(broker.Update{Snapshot: snap(10, map[string]int{"a": 1, "b": 2})})
	m := d.Members.Queues
	d.Apply(broker.Update{Snapshot: snap(20, map[string]int{"a": 1, "b": 2})})
	if d.Members.Queues != m {
		t.Error("the same queues without a diff counted as a change")
	}
	d.Apply(broker.Update{Snapshot: snap(30, map[string]int{"a": 1, "c": 2})})
	if d.Members.Queues == m {
		t.Error("other queues of the same number without a diff did not count as a change")
	}
}

func TestSnapshotOutOfOrderIsSortedCopy(t *testing.T) {
	s := snap(10, map[string]int{"a": 1})
	s.Queues = append(s.Queues, broker.Queue{Vhost: "other", Name: "x"}, broker.Queue{Vhost: "v", Name: "b"})
	var d Data
	d.Apply(broker.Update{Snapshot: s})
	got := []string{}
	for _, q := range d.Snap.Queues {
		got = append(got, q.Vhost+"/"+q.Name)
	}
	if !slices.Equal(got, []string{"other/x", "v/a", "v/b"}) {
		t.Errorf("queues in %v", got)
	}
	if s.Queues[1].Name != "x" {
		t.Error("the snapshot given was changed")
	}
	if lo, hi := VhostRange(d.Snap.Queues, func(q broker.Queue) string { return q.Vhost }, "v"); lo != 1 || hi != 3 {
		t.Errorf("vhost v is %d..%d, want 1..3", lo, hi)
	}
	if lo, hi := VhostRange(d.Snap.Queues, func(q broker.Queue) string { return q.Vhost }, "none"); lo != hi {
		t.Errorf("a vhost without queues is %d..%d", lo, hi)
	}
}
