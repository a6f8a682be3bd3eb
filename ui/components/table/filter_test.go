package table

import (
	"slices"
	"testing"

	"github.com/sahilm/fuzzy"
)

// TestFilterKeepsSortAndNarrows: the filter keeps the sort order, a
// filter typed letter by letter gives what the whole filter gives at once,
// case is ignored, and rows agree with sahilm/fuzzy, which highlights.
func TestFilterKeepsSortAndNarrows(t *testing.T) {
	names := []string{"orders.eu", "Orders.US", "audit", "ørders.dk", "compute.host1", "odd.rest", "ORDERS.all"}
	m := New(cols())
	m.SetSize(60, 20)
	m.SetRows(rows(names...))
	m.SortBy(0, true)
	for _, f := range []string{"o", "or", "ord", "ords", "ordsu"} {
		m.SetFilter(f)
		typed := keysOf(m)
		fresh := New(cols())
		fresh.SetRows(rows(names...))
		fresh.SortBy(0, true)
		fresh.SetFilter(f)
		if !slices.Equal(typed, keysOf(fresh)) {
			t.Errorf("filter %q typed %v, at once %v", f, typed, keysOf(fresh))
		}
		var want []string
		for _, n := range names {
			if len(fuzzy.Find(f, []string{n + " k" + n[:1]})) > 0 {
				want = append(want, n)
			}
		}
		slices.SortFunc(want, func(a, b string) int { return -compareFold(a, b) })
		if !slices.Equal(typed, want) {
			t.Errorf("filter %q kept %v, fuzzy keeps %v", f, typed, want)
		}
	}
	m.SetFilter("ørd")
	if got := keysOf(m); !slices.Equal(got, []string{"ørders.dk"}) {
		t.Errorf("non-ASCII filter kept %v", got)
	}
	if got := m.matchedIn(m.view[0], 0); !slices.Equal(got, fuzzy.Find("ørd", []string{"ørders.dk kø"})[0].MatchedIndexes) || len(got) != 3 {
		t.Errorf("non-ASCII highlight %v", got)
	}
}

func TestCompareFold(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"abc", "ABD", -1}, {"B", "a", 1}, {"a", "A", 1}, {"ab", "a", 1}, {"Ä", "ä", -1}, {"x", "x", 0},
	} {
		if got := compareFold(tc.a, tc.b); got != tc.want {
			t.Errorf("compareFold(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
