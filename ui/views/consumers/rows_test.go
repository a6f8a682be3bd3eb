package consumers

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func TestRowsOfFixture(t *testing.T) {
	rows := Rows(fixture.Common())
	if len(rows) != 4 {
		t.Fatalf("%d consumers", len(rows))
	}
	byTag := map[string][]string{}
	for _, r := range rows {
		c := r.Cells
		byTag[c[ColTag].Text] = []string{c[ColQueue].Text, c[ColAck].Text, c[ColExclusive].Text, c[ColStatus].Text}
		if c[ColStatus].Tone != styles.OK {
			t.Errorf("%s: status tone %d", c[ColTag].Text, c[ColStatus].Tone)
		}
	}
	for tag, want := range map[string][]string{
		"ctag-eu-1":     {"orders.eu", "manual", "", "up"},
		"amq.ctag-us":   {"orders.us", "manual", "", "single_active"},
		"compute-host1": {"compute.host1", "auto", "yes", "up"},
	} {
		got := byTag[tag]
		for i := range want {
			if i >= len(got) || got[i] != want[i] {
				t.Errorf("%s: %v, want %v", tag, got, want)
				break
			}
		}
	}
}
