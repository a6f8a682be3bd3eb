package channels

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestRowsOfFixture(t *testing.T) {
	rows := Rows(fixture.Common())
	if len(rows) != 3 {
		t.Fatalf("%d channels", len(rows))
	}
	want := [][]string{
		{"C", "running", "2", "10", "3"},
		{"", "idle", "1", "0", "0"},
		{"T", "running", "1", "50", "5"},
	}
	for i, r := range rows {
		c := r.Cells
		got := []string{c[ColMode].Text, c[ColState].Text, c[ColConsumers].Text, c[ColPrefetch].Text, c[ColUnacked].Text}
		for j := range got {
			if got[j] != want[i][j] {
				t.Errorf("channel %d: %v, want %v", i, got, want[i])
				break
			}
		}
	}
}
