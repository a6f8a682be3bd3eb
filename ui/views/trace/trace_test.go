package trace

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestParseHeaders(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want model.Table
		err  string
	}{
		{"", nil, ""},
		{"region=eu, tier=gold", model.Table{"region": model.String("eu"), "tier": model.String("gold")}, ""},
		{`{"priority": 5, "region": "eu"}`, model.Table{"priority": model.Long(5), "region": model.String("eu")}, ""},
		{"region", nil, `"region" is neither`},
		{`{"a": }`, nil, "headers JSON"},
	} {
		got, err := ParseHeaders(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseHeaders(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("ParseHeaders(%q) = %v, %v", tc.in, got, err)
			continue
		}
		for k, v := range tc.want {
			if !got[k].Equal(v) {
				t.Errorf("ParseHeaders(%q)[%s] = %v, want %v", tc.in, k, got[k], v)
			}
		}
	}
}

func typeIn(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func view(m *Model) string { return ansi.Strip(m.View()) }

func TestTraceUpdatesAsYouType(t *testing.T) {
	m := New(fixture.Common(), common.Ref{})
	m.SetSize(100, 30)
	typeIn(m, "ordr") // fuzzy: orders, orders.dlx, orders.unrouted
	if name, _ := m.chosen(); name != "orders" {
		t.Fatalf("fuzzy picked %q", name)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	if m.Value(FieldExchange) != "orders" {
		t.Errorf("tab did not complete the exchange: %q", m.Value(FieldExchange))
	}
	typeIn(m, "order.us.new")
	tr := m.Trace()
	if tr == nil || strings.Join(tr.Queues, ",") != "audit.log,orders.all,orders.us" {
		t.Fatalf("queues %v", tr.Queues)
	}
	if !strings.Contains(view(m), "✗ `order.eu.*` → queue `orders.eu`: word 2: the binding needs `eu`, the key has `us`") {
		t.Errorf("near miss not explained:\n%s", view(m))
	}
	// A key nothing binds goes to the alternate exchange.
	for range len("order.us.new") {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeIn(m, "refund")
	if got := view(m); !strings.Contains(got, "alternate exchange `orders.unrouted` (argument alternate-exchange): taken") ||
		!strings.Contains(got, "queues (1): `orders.unrouted`") {
		t.Errorf("alternate exchange branch missing:\n%s", got)
	}
}

func TestUnroutableAndHeaders(t *testing.T) {
	m := New(fixture.Common(), common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "nova"}, Name: "nova"})
	m.SetSize(100, 30)
	typeIn(m, "compute.host9")
	if got := view(m); !strings.Contains(got, "unroutable: none of `nova`'s 2 bindings matches and it has no alternate exchange") {
		t.Errorf("unroutable not said plainly:\n%s", got)
	}
	m = New(fixture.Common(), common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "events"}, Name: "events"})
	m.SetSize(100, 30)
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	typeIn(m, "region=eu")
	if tr := m.Trace(); tr == nil || len(tr.Queues) != 1 || tr.Queues[0] != "orders.all" {
		t.Errorf("headers route: %+v", tr)
	}
	typeIn(m, " bad")
	if got := view(m); !strings.Contains(got, `"bad" is neither`) {
		t.Errorf("header error not shown:\n%s", got)
	}
}

func TestQueueRefTracesThroughTheDefaultExchange(t *testing.T) {
	m := New(fixture.Common(), common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: "/", Name: "orders.eu"}, Name: "orders.eu"})
	if tr := m.Trace(); tr == nil || tr.Exchange != "" || len(tr.Queues) != 1 || tr.Queues[0] != "orders.eu" {
		t.Errorf("trace %+v", tr)
	}
	if !m.Capturing() || !m.Esc() || m.Capturing() || m.Esc() {
		t.Error("esc should stop editing once, then let the root go back")
	}
}
