package channels

import (
	"reflect"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestTableIsTheRows checks the rows formatted when drawn against the
// rows built in full, in both vhosts of the fixture and across a refresh.
func TestTableIsTheRows(t *testing.T) {
	c := fixture.Common()
	for _, vhost := range []string{"/", "staging", ""} {
		c.Vhost = vhost
		want := Rows(c)
		src, ch := Table(c, nil)
		if ch.Same {
			t.Errorf("vhost %q: first rows are the same as none", vhost)
		}
		if src.Len() != len(want) {
			t.Fatalf("vhost %q: %d rows, want %d", vhost, src.Len(), len(want))
		}
		for i, w := range want {
			if src.Key(i) != w.Key || !reflect.DeepEqual(src.Ref(i), w.Ref) {
				t.Errorf("vhost %q row %d: key %q ref %v, want %q %v", vhost, i, src.Key(i), src.Ref(i), w.Key, w.Ref)
			}
			for col := range Columns() {
				if got := src.Cell(i, col); got != w.Cells[col] {
					t.Errorf("vhost %q row %d column %d: %+v, want %+v", vhost, i, col, got, w.Cells[col])
				}
				if col < len(w.Num) && src.Num(i, col) != w.Num[col] {
					t.Errorf("vhost %q row %d column %d sorts by %v, want %v", vhost, i, col, src.Num(i, col), w.Num[col])
				}
			}
		}
		again, ch := Table(c, src)
		if !ch.Same || again.Len() != src.Len() {
			t.Errorf("vhost %q: the same snapshot again is not the same rows", vhost)
		}
		if ch.Changed != nil && ch.Changed(^uint64(0)) != 0 {
			t.Errorf("vhost %q: the same snapshot again changed columns %b", vhost, ch.Changed(^uint64(0)))
		}
	}
}
