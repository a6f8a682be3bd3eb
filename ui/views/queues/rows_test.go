package queues

import (
	"testing"

	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func rowsByKey(rows []table.Row) map[string]table.Row {
	out := map[string]table.Row{}
	for _, r := range rows {
		out[r.Cells[ColName].Text] = r
	}
	return out
}

func TestRowsOfFixture(t *testing.T) {
	c := fixture.Common()
	rows := rowsByKey(Rows(c))
	if len(rows) != 10 {
		t.Fatalf("vhost / has %d queues, want 10 (staging's left out)", len(rows))
	}
	for _, tc := range []struct {
		queue string
		col   int
		text  string
		tone  styles.Tone
	}{
		{"orders.all", ColReady, "120", styles.Warn}, // messages wait and nobody consumes
		{"orders.all", ColState, "idle", styles.Muted},
		{"orders.eu", ColReady, "12", styles.Normal},
		{"orders.eu", ColConsumers, "2", styles.Normal},
		{"orders.eu", ColIn, "112/s", styles.Normal},
		{"orders.us", ColType, "quorum", styles.Muted},
		{"compute.host2", ColState, "flow", styles.Warn},
		{"compute.host1", ColPolicy, "compute-limits", styles.Muted},
		{"audit.log", ColIn, "", styles.Normal}, // no counters: no rate, not 0
		{"注文キュー", ColName, "注文キュー", styles.Queue},
	} {
		r, ok := rows[tc.queue]
		if !ok {
			t.Errorf("no row for %s", tc.queue)
			continue
		}
		if c := r.Cells[tc.col]; c.Text != tc.text || c.Tone != tc.tone {
			t.Errorf("%s column %d = %q tone %d, want %q tone %d", tc.queue, tc.col, c.Text, c.Tone, tc.text, tc.tone)
		}
	}
	if got := rows["orders.eu"].Num[ColReady]; got != 12 {
		t.Errorf("ready sorts by %v", got)
	}
	if spark := rows["orders.eu"].Cells[ColTraffic].Text; len([]rune(spark)) != sparkWidth {
		t.Errorf("sparkline %q is not %d cells", spark, sparkWidth)
	}
}

func TestStateTone(t *testing.T) {
	for state, want := range map[string]styles.Tone{
		"running": styles.OK, "idle": styles.Muted, "flow": styles.Warn, "down": styles.Error, "crashed": styles.Error,
	} {
		if got := StateTone(state); got != want {
			t.Errorf("StateTone(%q) = %d, want %d", state, got, want)
		}
	}
}
