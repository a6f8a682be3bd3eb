package consumers

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestTableIsTheRows checks the rows formatted when drawn against the
// rows built in full, in both vhosts of the fixture and across a refresh.
func TestTableIsTheRows(t *testing.T) {
	fixture.CheckTable(t, Rows, Table, len(Columns()))
}
