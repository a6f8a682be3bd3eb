package complete

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestMatch(t *testing.T) {
	names := []string{"orders", "orders.dlx", "billing", "audit.orders", "orders"}
	for _, tc := range []struct {
		text string
		n    int
		want []string
	}{
		{"", 2, []string{"orders", "orders.dlx"}},
		{"ord", 8, []string{"orders", "orders.dlx", "audit.orders"}},
		{"dlx", 8, []string{"orders.dlx"}},
		{"orders", 8, []string{"orders", "orders.dlx", "audit.orders"}},
		{"bil", 8, []string{"billing"}},
		{"odx", 8, []string{"orders.dlx"}},
		{"zzz", 8, []string{}},
		{"o", 1, []string{"orders"}},
		{"", 8, []string{"audit.orders", "billing", "orders", "orders.dlx"}},
	} {
		if got := Match(tc.text, names, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("Match(%q, %d) = %q, want %q", tc.text, tc.n, got, tc.want)
		}
	}
}

func TestTopology(t *testing.T) {
	s := fixture.Snapshot()
	xs := ExchangeNames(s, "/")
	if !slices.Contains(xs, "orders") || slices.Contains(xs, "") {
		t.Errorf("exchange names of /: %q", xs)
	}
	for _, x := range ExchangeNames(s, "staging") {
		if x == "orders" {
			t.Errorf("vhost staging lists orders of /: %q", ExchangeNames(s, "staging"))
		}
	}
	keys := BindingKeys(s, "/", "orders")
	if !slices.Contains(keys, "order.eu.*") || slices.Contains(keys, "") {
		t.Errorf("binding keys of orders: %q", keys)
	}
	for _, b := range s.Bindings {
		if b.Source == "orders" && b.Vhost == "/" && b.RoutingKey != "" && !slices.Contains(keys, b.RoutingKey) {
			t.Errorf("binding key %q of orders is missing from %q", b.RoutingKey, keys)
		}
	}
	queues := BindingKeys(s, "/", "")
	if !slices.Contains(queues, "orders.eu") {
		t.Errorf("the default exchange's keys should be the queue names: %q", queues)
	}
}

func TestMatchManyNames(t *testing.T) {
	names := make([]string, MaxFuzzy+1)
	for i := range names {
		names[i] = fmt.Sprintf("svc.host%05d", i)
	}
	if got := Match("host00012", names, 8); !slices.Equal(got, []string{"svc.host00012"}) {
		t.Errorf("substring in many names: %q", got)
	}
	if got := Match("sh12", names, 8); len(got) != 0 {
		t.Errorf("no fuzzy search past MaxFuzzy names, yet %q", got)
	}
	if got := Match("sh12", names[:100], 8); len(got) == 0 {
		t.Errorf("a fuzzy search of a few names found nothing")
	}
}

func TestCache(t *testing.T) {
	var c Cache
	builds := 0
	build := func() []string { builds++; return []string{"a"} }
	c.Get(1, "x", build)
	c.Get(1, "x", build)
	if builds != 1 {
		t.Errorf("built %d times for one snapshot and key", builds)
	}
	c.Get(2, "x", build)
	c.Get(2, "y", build)
	if builds != 3 {
		t.Errorf("built %d times, want 3 after a new snapshot and a new key", builds)
	}
}

func TestCycler(t *testing.T) {
	var c Cycler
	if _, ok := c.Step(1); ok {
		t.Error("no completions, yet Step found one")
	}
	c.Set([]string{"a", "b", "c"})
	var got []string
	for range 4 {
		s, _ := c.Step(1)
		got = append(got, s)
	}
	if !slices.Equal(got, []string{"a", "b", "c", "a"}) {
		t.Errorf("down ×4: %q", got)
	}
	if s, _ := c.Step(-1); s != "c" {
		t.Errorf("up from a: %q", s)
	}
	c.Set([]string{"x", "y"})
	if s, _ := c.Step(-1); s != "y" {
		t.Errorf("up first: %q, want the last", s)
	}
}
