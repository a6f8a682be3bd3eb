package exchanges

import (
	"testing"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestRowsOfFixture(t *testing.T) {
	c := fixture.Common()
	rows := map[string][]string{}
	for _, r := range Rows(c) {
		var cells []string
		for _, cell := range r.Cells {
			cells = append(cells, cell.Text)
		}
		rows[cells[ColName]] = cells
	}
	if len(rows) != 14 {
		t.Fatalf("vhost / has %d exchanges, want 14", len(rows))
	}
	for _, tc := range []struct {
		name string
		col  int
		want string
	}{
		{"(AMQP default)", ColType, "direct"},
		{"orders", ColBindOut, "4"},
		{"orders", ColIn, "188/s"},
		{"orders", ColOut, "262/s"},
		{"audit", ColBindIn, "1"},
		{"audit", ColFlags, "D I"},
		{"amq.rabbitmq.trace", ColFlags, "D I"},
		{"nova", ColFlags, ""},
		{"nova", ColPolicy, "compute-limits"},
		{"amq.topic", ColIn, ""},
	} {
		if got := rows[tc.name][tc.col]; got != tc.want {
			t.Errorf("%s column %d = %q, want %q", tc.name, tc.col, got, tc.want)
		}
	}
}

func TestBindingCounts(t *testing.T) {
	n := BindingCounts(fixture.Snapshot(), "/")
	if got := n[broker.ObjectKey{Vhost: "/", Name: "orders"}]; got != (Counts{Out: 4}) {
		t.Errorf("orders: %+v", got)
	}
	if got := n[broker.ObjectKey{Vhost: "/", Name: "audit"}]; got != (Counts{Out: 1, In: 1}) {
		t.Errorf("audit: %+v", got)
	}
	if _, ok := n[broker.ObjectKey{Vhost: "staging", Name: "staging.events"}]; ok {
		t.Error("counted another vhost's binding")
	}
}
