package mgmt

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// listEnv has queues q00…q11 in "/" and Alpha, beta in "other".
func listEnv(t *testing.T) *env {
	e := newEnv(t, Options{})
	for i := range 12 {
		e.must(201, "PUT", fmt.Sprintf("/api/queues/%%2F/q%02d", i), nil)
		for range i % 3 {
			e.publish("/", "", fmt.Sprintf("q%02d", i), "m")
		}
	}
	e.must(201, "PUT", "/api/vhosts/other", nil)
	e.must(201, "PUT", "/api/queues/other/beta", nil)
	e.must(201, "PUT", "/api/queues/other/Alpha", nil)
	return e
}

func TestPagination(t *testing.T) {
	e := listEnv(t)
	p := e.must(200, "GET", "/api/queues/%2F?page=2&page_size=5", nil).object(t)
	for k, want := range map[string]float64{"filtered_count": 12, "item_count": 5, "page": 2, "page_count": 3, "page_size": 5, "total_count": 12} {
		if got := num(t, p[k]); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	items := p["items"].([]any)
	if len(items) != 5 || field(items[0], "name") != "q05" {
		t.Errorf("page 2 = %v", items)
	}
	if p := e.must(200, "GET", "/api/queues/%2F?page=3&page_size=5", nil).object(t); num(t, p["item_count"]) != 2 {
		t.Errorf("last page = %v", p)
	}
	if p := e.must(200, "GET", "/api/queues/%2F?page=1", nil).object(t); num(t, p["page_size"]) != 100 || num(t, p["item_count"]) != 12 {
		t.Errorf("default page size = %v", p)
	}
	e.must(404, "GET", "/api/queues/empty?page=1", nil)
	e.must(201, "PUT", "/api/vhosts/empty", nil)
	if p := e.must(200, "GET", "/api/queues/empty?page=1", nil).object(t); num(t, p["page_count"]) != 0 || len(p["items"].([]any)) != 0 {
		t.Errorf("empty page = %v", p)
	}
	for q, want := range map[string][2]string{
		"page=1&page_size=501": {"invalid_pagination_parameters", "Invalid pagination parameters: page number 1, page size 501"},
		"page=0":               {"invalid_pagination_parameters", "Invalid pagination parameters: page number 0, page size undefined"},
		"page=1&page_size=0":   {"invalid_pagination_parameters", "Invalid pagination parameters: page number 1, page size 0"},
		"page=9":               {"page_out_of_range", "Page out of range, page: 9 page size: 100, len: 12"},
		"page=x":               {"bad_request", "Pagination parameters are invalid"},
		"page=1&page_size=x":   {"bad_request", "Pagination parameters are invalid"},
	} {
		o := e.must(400, "GET", "/api/queues/%2F?"+q, nil).object(t)
		if o["error"] != want[0] || o["reason"] != want[1] {
			t.Errorf("%s: %v, want %v", q, o, want)
		}
	}
	// page_size alone does not paginate.
	if l := e.must(200, "GET", "/api/queues/%2F?page_size=2", nil).list(t); len(l) != 12 {
		t.Errorf("page_size alone = %d items", len(l))
	}
	// Every paginated endpoint answers the page object.
	for _, path := range []string{"/api/exchanges", "/api/exchanges/%2F", "/api/queues", "/api/connections", "/api/channels", "/api/vhosts", "/api/vhosts/%2F/connections", "/api/vhosts/%2F/channels"} {
		o := e.must(200, "GET", path+"?page=1&page_size=500", nil).object(t)
		if _, ok := o["items"]; !ok {
			t.Errorf("%s did not paginate: %v", path, o)
		}
	}
	// Bindings and consumers ignore pagination.
	for _, path := range []string{"/api/bindings/%2F", "/api/consumers", "/api/policies"} {
		e.must(200, "GET", path+"?page=1&page_size=2", nil).list(t)
	}
}

func TestFilterSortColumns(t *testing.T) {
	e := listEnv(t)
	name := func(q string) []string {
		t.Helper()
		p := e.must(200, "GET", "/api/queues?"+q, nil).object(t)
		var out []string
		for _, it := range p["items"].([]any) {
			out = append(out, field(it, "name").(string))
		}
		return out
	}
	if got := name("page=1&name=ALP"); !slices.Equal(got, []string{"Alpha"}) {
		t.Errorf("substring filter = %v", got)
	}
	if got := name("page=1&name=%5Eq0%5B12%5D%24&use_regex=true"); !slices.Equal(got, []string{"q01", "q02"}) {
		t.Errorf("regex filter = %v", got)
	}
	if got := name("page=1&name=%5Ea&use_regex=true"); !slices.Equal(got, []string{"Alpha"}) {
		t.Errorf("regex filters case-insensitively: %v", got)
	}
	p := e.must(200, "GET", "/api/queues?page=1&page_size=2&name=q1", nil).object(t)
	if num(t, p["filtered_count"]) != 2 || num(t, p["total_count"]) != 14 || num(t, p["page_count"]) != 1 {
		t.Errorf("filtered page = %v", p)
	}
	e.must(400, "GET", "/api/queues?page=1&name=(&use_regex=true", nil)
	// Without page=, name is ignored, as RabbitMQ does.
	if l := e.must(200, "GET", "/api/queues?name=q1", nil).list(t); len(l) != 14 {
		t.Errorf("name without page = %d items", len(l))
	}
	// Default order: vhost, then name (bytewise).
	if got := names(e.must(200, "GET", "/api/queues", nil).list(t)); got[0] != "q00" || got[12] != "Alpha" || got[13] != "beta" {
		t.Errorf("default order = %v", got)
	}
	got := names(e.must(200, "GET", "/api/queues/%2F?sort=messages&sort_reverse=true", nil).list(t))
	if !slices.Equal(got[:4], []string{"q11", "q08", "q05", "q02"}) {
		t.Errorf("sort=messages reversed = %v", got)
	}
	got = names(e.must(200, "GET", "/api/queues/%2F?sort=message_stats.publish", nil).list(t))
	if !slices.Equal(got[:4], []string{"q00", "q03", "q06", "q09"}) {
		t.Errorf("sort by a dotted stat = %v", got)
	}
	got = names(e.must(200, "GET", "/api/queues/%2F?sort=nope", nil).list(t))
	if got[0] != "q00" {
		t.Errorf("sort by a missing key = %v", got)
	}
	// Columns prune, dotted paths included.
	l := e.must(200, "GET", "/api/queues/%2F?columns=name,message_stats.publish_details.rate,arguments.x-none", nil).list(t)
	if len(l) != 12 {
		t.Fatalf("columns list = %v", l)
	}
	keys := slices.Sorted(mapKeys(l[1]))
	if !slices.Equal(keys, []string{"arguments", "message_stats", "name"}) {
		t.Errorf("pruned keys = %v", keys)
	}
	ms := l[1]["message_stats"].(map[string]any)
	if len(ms) != 1 || field(ms, "publish_details.rate") == nil {
		t.Errorf("pruned message_stats = %v", ms)
	}
	p = e.must(200, "GET", "/api/queues/%2F?page=1&page_size=1&columns=name", nil).object(t)
	if it := p["items"].([]any)[0].(map[string]any); len(it) != 1 || num(t, p["total_count"]) != 12 {
		t.Errorf("paginated columns = %v", p)
	}
	if o := e.must(200, "GET", "/api/overview?columns=rabbitmq_version,object_totals.queues", nil).object(t); len(o) != 2 || num(t, field(o, "object_totals.queues")) != 14 {
		t.Errorf("overview columns = %v", o)
	}
	if o := e.must(200, "GET", "/api/queues/%2F/q01?columns=name,messages", nil).object(t); len(o) != 2 {
		t.Errorf("one queue's columns = %v", o)
	}
}

func TestRates(t *testing.T) {
	e := newEnv(t, Options{RateInterval: 5 * time.Second})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.must(201, "PUT", "/api/exchanges/%2F/x", map[string]any{"type": "fanout"})
	e.must(201, "POST", "/api/bindings/%2F/e/x/q/q", nil)
	rate := func(path, stat string) float64 {
		t.Helper()
		return num(t, field(e.must(200, "GET", path, nil).json(t), stat))
	}
	paths := map[string][]string{
		"/api/queues/%2F/q":    {"message_stats.publish_details.rate", "messages_details.rate"},
		"/api/exchanges/%2F/x": {"message_stats.publish_in_details.rate", "message_stats.publish_out_details.rate"},
		"/api/vhosts/%2F":      {"message_stats.publish_details.rate", "messages_ready_details.rate"},
		"/api/overview":        {"message_stats.publish_details.rate", "queue_totals.messages_details.rate"},
	}
	for p, stats := range paths {
		for _, s := range stats {
			if r := rate(p, s); r != 0 {
				t.Errorf("%s %s = %v before traffic", p, s, r)
			}
		}
	}
	for range 10 {
		e.publish("/", "x", "", "m")
	}
	e.clock.Advance(5 * time.Second)
	for p, stats := range paths {
		for _, s := range stats {
			if r := rate(p, s); r != 2 {
				t.Errorf("%s %s = %v, want 2/s", p, s, r)
			}
		}
	}
	// Within the interval the last rate stands; after a quiet interval it
	// falls to zero, and a shrinking queue shows a negative depth rate.
	e.clock.Advance(time.Second)
	if r := rate("/api/queues/%2F/q", "message_stats.publish_details.rate"); r != 2 {
		t.Errorf("rate within the interval = %v", r)
	}
	e.clock.Advance(5 * time.Second)
	e.must(204, "DELETE", "/api/queues/%2F/q/contents", nil)
	if r := rate("/api/queues/%2F/q", "message_stats.publish_details.rate"); r != 0 {
		t.Errorf("rate after a quiet interval = %v", r)
	}
	if r := rate("/api/queues/%2F/q", "messages_details.rate"); r >= 0 {
		t.Errorf("depth rate of a purged queue = %v", r)
	}
	// Rates are written as floats.
	if r := e.must(200, "GET", "/api/queues/%2F/q?columns=message_stats.ack_details", nil); !strings.Contains(string(r.body), `"rate":0.0`) {
		t.Errorf("rate not written as a float: %s", r.body)
	}
	// A forgotten object's samples are dropped after a while.
	e.clock.Advance(10 * time.Minute)
	e.must(200, "GET", "/api/overview", nil)
	h := e.srv.Config.Handler.(*handler)
	h.rates.mu.Lock()
	n := len(h.rates.series)
	h.rates.mu.Unlock()
	if n > 3 {
		t.Errorf("%d series kept", n)
	}
}
