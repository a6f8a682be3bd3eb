package queues

import (
	"reflect"
	"slices"
	"testing"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// TestTableIsEachQueue checks the rows formatted when drawn against each
// queue of the vhost, found by key, with its rates found by key.
func TestTableIsEachQueue(t *testing.T) {
	c := fixture.Common()
	for _, vhost := range []string{"/", "staging", ""} {
		c.Vhost = vhost
		var want []table.Row
		for i, q := range c.Data.Snap.Queues {
			if common.InVhost(vhost, q.Vhost) {
				want = append(want, Row(q, c.Data.QueueRates(q.Key()), c.Data.History.Queue(i).Last(sparkWidth)))
			}
		}
		src, _ := Table(c, nil)
		if src.Len() != len(want) {
			t.Fatalf("vhost %q: %d rows, want %d", vhost, src.Len(), len(want))
		}
		for i, w := range want {
			if src.Key(i) != w.Key || !reflect.DeepEqual(src.Ref(i), w.Ref) {
				t.Errorf("vhost %q row %d: key %q, want %q", vhost, i, src.Key(i), w.Key)
			}
			for col := range Columns() {
				if got := src.Cell(i, col); got != w.Cells[col] {
					t.Errorf("vhost %q row %d column %d: %+v, want %+v", vhost, i, col, got, w.Cells[col])
				}
				if src.Num(i, col) != w.Num[col] {
					t.Errorf("vhost %q row %d column %d sorts by %v, want %v", vhost, i, col, src.Num(i, col), w.Num[col])
				}
			}
			if k, ok := src.(table.Finder).Find(w.Key); !ok || k != i {
				t.Errorf("vhost %q: Find(%q) = %d %v, want %d", vhost, w.Key, k, ok, i)
			}
		}
	}
}

// TestRefreshSaysWhatChanged follows the big fixture's updates: the same
// queues with new counters, then a queue gone.
func TestRefreshSaysWhatChanged(t *testing.T) {
	ups := fixture.Big(300, 3)
	c := &common.Common{Styles: styles.New(themes.Dark(), false), Data: &common.Data{}, Vhost: "/"}
	c.Data.Apply(ups[0])
	c.Data.Apply(ups[1])
	first, _ := Table(c, nil)

	c.Data.Apply(ups[2])
	second, ch := Table(c, first)
	if !ch.Same {
		t.Fatal("the same queues with new counters are not the same rows")
	}
	changed := ch.Changed(table.AllCols)
	for col, want := range map[int]bool{ColName: false, ColType: false, ColPolicy: false, ColTraffic: true} {
		if got := changed&table.ColBit(col) != 0; got != want {
			t.Errorf("column %d changed %v, want %v", col, got, want)
		}
	}

	// A queue whose policy changed is seen, and only when asked about.
	s := *ups[2].Snapshot
	s.Queues = slices.Clone(s.Queues)
	s.Queues[5].Policy = "new-policy"
	c.Data.Apply(broker.Update{Snapshot: &s, Diff: broker.DiffSnapshots(ups[2].Snapshot, &s), Rates: ups[2].Rates})
	third, ch := Table(c, second)
	if got := ch.Changed(table.ColBit(ColPolicy)); got != table.ColBit(ColPolicy) {
		t.Errorf("a new policy changed columns %b", got)
	}
	if got := ch.Changed(table.ColBit(ColType)); got != 0 {
		t.Errorf("asked about the type only, changed %b", got)
	}

	// A queue gone: other rows.
	gone := s
	gone.Queues = slices.Delete(slices.Clone(s.Queues), 7, 8)
	c.Data.Apply(broker.Update{Snapshot: &gone, Diff: broker.DiffSnapshots(&s, &gone), Rates: broker.ComputeRates(ups[1].Snapshot, &gone)})
	fourth, ch := Table(c, third)
	if ch.Same || fourth.Len() != third.Len()-1 {
		t.Errorf("a queue gone: same %v, %d rows after %d", ch.Same, fourth.Len(), third.Len())
	}
}
