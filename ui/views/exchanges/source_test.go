package exchanges

import (
	"reflect"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestTableIsEachExchange checks the rows formatted when drawn against
// each exchange of the vhost, found by key, with its rates found by key.
func TestTableIsEachExchange(t *testing.T) {
	c := fixture.Common()
	for _, vhost := range []string{"/", "staging", ""} {
		c.Vhost = vhost
		counts := BindingCounts(c.Data.Snap, vhost)
		var want []table.Row
		for i, x := range c.Data.Snap.Exchanges {
			if common.InVhost(vhost, x.Vhost) {
				want = append(want, Row(x, c.Data.ExchangeRates(x.Key()), c.Data.History.Exchange(i).Last(sparkWidth), counts[x.Key()]))
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
		}
		again, ch := Table(c, src)
		if !ch.Same || again.Len() != src.Len() || ch.Changed(table.AllCols) != 0 {
			t.Errorf("vhost %q: the same snapshot again is not the same rows", vhost)
		}
	}
}
