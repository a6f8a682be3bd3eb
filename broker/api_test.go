package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func readFixture[T any](t *testing.T, name string) T {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	must(t, err)
	var v T
	must(t, json.Unmarshal(data, &v))
	return v
}

// The fixtures are replies of RabbitMQ 3.10.8 to a vhost named "kx/# %"
// with a consumer on one queue and a publisher with confirms.
func TestDecodeRabbitMQ3108(t *testing.T) {
	qs := readFixture[[]Queue](t, "rabbitmq-3.10.8/queues.json")
	if len(qs) != 2 {
		t.Fatalf("%d queues", len(qs))
	}
	q := qs[1]
	if q.Name != "q 1/%" || q.Vhost != "kx/# %" || q.Type != "classic" || q.State != "running" || q.Consumers != 1 ||
		q.Messages != 40 || q.Ready != 35 || q.Unacked != 5 || !q.HasCapacity || q.ConsumerCapacity <= 0 ||
		q.Stats.Value(StatPublish) != 40 || q.Stats.Value(StatDeliverGet) != 10 || q.Stats.Value(StatRedeliver) != 5 ||
		q.Stats.Value(StatMessages) != 40 ||
		q.Arguments["x-max-length"].Int != 100 || q.Policy != "" {
		t.Errorf("queue %+v", q)
	}
	if g := qs[0]; !g.Exclusive || !g.AutoDelete || g.Stats.Value(StatMessages) != 0 {
		t.Errorf("exclusive queue %+v", g)
	} else if _, ok := g.Stats.Get(StatPublish); ok {
		t.Error("a queue without message_stats has a publish counter")
	}

	chs := readFixture[[]Channel](t, "rabbitmq-3.10.8/channels_columns.json")
	if c := chs[1]; c.Number != 2 || !c.Confirm || c.Connection != "127.0.0.1:38404 -> 127.0.0.1:5672" || c.PeerPort != 38404 ||
		c.Stats.Value(StatPublish) != 20 || c.Stats.Value(StatConfirm) != 20 {
		t.Errorf("channel %+v", c)
	}
	cs := readFixture[[]Consumer](t, "rabbitmq-3.10.8/consumers.json")
	if c := cs[0]; c.Tag != "ctag-1" || c.Queue != "q 1/%" || c.Vhost != "kx/# %" || c.Prefetch != 5 || !c.AckRequired ||
		!strings.HasSuffix(c.Channel, "(1)") || c.Connection == "" || c.User != "guest" || c.ActivityStatus != "up" {
		t.Errorf("consumer %+v", c)
	}
	conns := readFixture[[]Connection](t, "rabbitmq-3.10.8/connections.json")
	if c := conns[0]; c.ClientName != "scratch probe" || c.Channels != 2 || c.Protocol != "AMQP 0-9-1" || c.User != "guest" ||
		c.Stats.Value(StatRecvOct) == 0 || c.Stats.Value(StatSendOct) == 0 || c.ConnectedAt == 0 {
		t.Errorf("connection %+v", c)
	}
	bs := readFixture[[]Binding](t, "rabbitmq-3.10.8/bindings.json")
	var implicit, e2e int
	for _, b := range bs {
		if b.Implicit {
			implicit++
		}
		if b.DestinationType == "exchange" {
			e2e++
		}
	}
	if implicit != 2 || e2e != 1 || len(bs) != 4 {
		t.Errorf("bindings: %d implicit, %d e2e of %d", implicit, e2e, len(bs))
	}
	pg := readFixture[page[Exchange]](t, "rabbitmq-3.10.8/exchanges_page1.json")
	if pg.Page != 1 || pg.PageCount != 3 || len(pg.Items) != 3 || pg.Items[0].Name != "" || !pg.Items[0].Durable {
		t.Errorf("exchange page %+v", pg)
	}
	ov := readFixture[Overview](t, "rabbitmq-3.10.8/overview.json")
	if ov.Version() != "3.10.8" || ov.ClusterName == "" || len(ov.Listeners) == 0 || !slices.Contains(ov.ExchangeTypes, "headers") ||
		ov.Stats.Value(StatPublish) == 0 || ov.RatesMode != "basic" {
		t.Errorf("overview %+v", ov)
	}
}

func TestDecodeTolerant(t *testing.T) {
	type lists struct {
		Queues      []Queue
		Channels    []Channel
		Vhosts      []VhostInfo
		Connections []Connection
		Policies    []Policy
	}
	f := readFixture[lists](t, "tolerant.json")
	old, nu, byArg, bare := f.Queues[0], f.Queues[1], f.Queues[2], f.Queues[3]
	if old.Type != "classic" || old.HasCapacity || old.Consumers != 0 || old.Messages != 7 || old.Arguments != nil {
		t.Errorf("old queue %+v", old)
	}
	if nu.Type != "quorum" || !nu.HasCapacity || nu.ConsumerCapacity != 0.5 || nu.Stats.Value(StatPublish) != 10 ||
		nu.Stats.Value(StatAck) != 4 || nu.Arguments["x-delivery-limit"].Int != 5 {
		t.Errorf("new queue %+v", nu)
	}
	if byArg.Type != "stream" || bare.Type != "classic" || !bare.Stats.Empty() {
		t.Errorf("queue types %q %q", byArg.Type, bare.Type)
	}
	if !f.Channels[0].Stats.Empty() || f.Channels[0].PeerHost != "::1" || !f.Channels[1].Stats.Empty() || f.Channels[1].Connection != "" {
		t.Errorf("channels %+v", f.Channels)
	}
	if v := f.Vhosts[0]; !slices.Equal(v.Tags, []string{"a", "b"}) || !v.Tracing || v.Stats.Value(StatRecvOct) != 10 ||
		v.Stats.Value(StatSendOct) != 20 || v.Stats.Value(StatMessages) != 3 {
		t.Errorf("vhost %+v", v)
	}
	if v := f.Vhosts[1]; !slices.Equal(v.Tags, []string{"c"}) || v.Stats.Value(StatPublish) != 1 {
		t.Errorf("vhost %+v", v)
	}
	if c := f.Connections[0]; c.ClientName != "" || c.Product != "py-amqp" || c.ClientVersion != "5.0.6" || c.Stats.Value(StatSendOct) != 2 {
		t.Errorf("connection %+v", c)
	}
	if p := f.Policies[0]; p.ApplyTo != "all" || p.Definition["max-length"].Int != 3 || p.Priority != 1 {
		t.Errorf("policy %+v", p)
	}
}

func TestAPIPath(t *testing.T) {
	got := apiPath("queues", "/", "a b#?%", "..", "x.y")
	if want := "/api/queues/%2F/a%20b%23%3F%25/%2E%2E/x.y"; got != want {
		t.Errorf("apiPath = %s, want %s", got, want)
	}
}

// fakeQueues serves /api/queues/{vhost} from names, paginated as RabbitMQ
// does, and records each request's URI.
type fakeQueues struct {
	mu       sync.Mutex
	names    []string
	uris     []string
	plain    bool // answer with a plain array, as a server without pagination
	shrinkAt int  // after serving this page, drop all but the first name
	failAt   int  // answer this page with a server error
}

func (f *fakeQueues) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uris = append(f.uris, r.RequestURI)
	w.Header().Set("Content-Type", "application/json")
	items := make([]map[string]any, 0, len(f.names))
	for _, n := range f.names {
		items = append(items, map[string]any{"name": n, "vhost": "a/b #?%", "messages": 1})
	}
	if f.plain {
		_ = json.NewEncoder(w).Encode(items)
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if pg == f.failAt {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":"internal_server_error","reason":"boom"}`)
		return
	}
	size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
	count := (len(items) + size - 1) / size
	if pg > count && pg > 1 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"page_out_of_range","reason":"Page out of range, page: %d"}`, pg)
		return
	}
	end := min(pg*size, len(items))
	_ = json.NewEncoder(w).Encode(map[string]any{
		"items": items[(pg-1)*size : end], "page": pg, "page_count": count, "page_size": size,
		"item_count": end - (pg-1)*size, "total_count": len(items), "filtered_count": len(items),
	})
	if pg == f.shrinkAt {
		f.names = f.names[:1]
	}
}

func TestListPaginationPageFails(t *testing.T) {
	f := &fakeQueues{names: []string{"a", "b", "c", "d", "e", "f", "g"}, failAt: 3}
	srv := httptest.NewServer(f)
	defer srv.Close()
	api, err := NewAPI(APIEndpoint{URL: srv.URL, Username: "u", password: newSecret("p")}, TLSOptions{}, nil)
	must(t, err)
	qs, err := api.Queues(context.Background(), "/", ListOptions{PageSize: 2})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a failing page 3 gave %d queues and error %v, want the server's error", len(qs), err)
	}
}

func TestListPagination(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g"}
	for _, tt := range []struct {
		name     string
		fake     *fakeQueues
		want     int
		requests int
	}{
		{"pages of 2", &fakeQueues{names: names}, 7, 4},
		{"plain array", &fakeQueues{names: names, plain: true}, 7, 1},
		// The later pages are fetched at once after the first, so a list
		// that shrinks after page 1 ends at page 1; the rest all fail.
		{"list shrinks between pages", &fakeQueues{names: names, shrinkAt: 1}, 2, 4},
		{"empty", &fakeQueues{}, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.fake)
			defer srv.Close()
			api, err := NewAPI(APIEndpoint{URL: srv.URL, Username: "u", password: newSecret("p")}, TLSOptions{}, nil)
			must(t, err)
			qs, err := api.Queues(context.Background(), "a/b #?%", ListOptions{PageSize: 2, Stats: true})
			must(t, err)
			if len(qs) != tt.want || len(tt.fake.uris) != tt.requests {
				t.Errorf("%d queues in %d requests, want %d in %d: %q", len(qs), len(tt.fake.uris), tt.want, tt.requests, tt.fake.uris)
			}
			for _, u := range tt.fake.uris {
				if !strings.HasPrefix(u, "/api/queues/a%2Fb%20%23%3F%25?") || !strings.Contains(u, "page_size=2") || !strings.Contains(u, "columns=") {
					t.Errorf("request %s", u)
				}
			}
		})
	}
}

func TestSnapshotNotesDisabledStats(t *testing.T) {
	mux := http.NewServeMux()
	reply := func(path, body string, status int) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	reply("/api/overview", `{"rabbitmq_version":"3.12.0","disable_stats":true,"message_stats":[]}`, 200)
	reply("/api/vhosts", `[{"name":"/"},{"name":"v"}]`, 200)
	reply("/api/channels", `{"error":"bad_request","reason":"Stats in management UI are disabled on this node"}`, 400)
	reply("/api/connections", `[]`, 200)
	reply("/api/queues", `{"items":[{"name":"q","vhost":"v"},{"name":"q","vhost":"/"}],"page":1,"page_count":1}`, 200)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	api, err := NewAPI(APIEndpoint{URL: srv.URL}, TLSOptions{}, nil)
	must(t, err)
	kinds := Kinds(0).With(KindQueues).With(KindChannels).With(KindConnections)
	s, err := api.Snapshot(context.Background(), SnapshotOptions{Kinds: kinds, Stats: true})
	must(t, err)
	if len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "channels: stats are disabled") || s.Channels != nil {
		t.Errorf("notes %q, channels %v", s.Notes, s.Channels)
	}
	if len(s.Queues) != 2 || s.Queues[0].Vhost != "/" || len(s.Vhosts) != 2 || s.Overview.Version() != "3.12.0" {
		t.Errorf("snapshot %+v", s)
	}
	if s.Taken[KindQueues].IsZero() || s.TotalsTaken.IsZero() || s.At.IsZero() {
		t.Error("times not set")
	}
	if _, err := api.Snapshot(context.Background(), SnapshotOptions{Kinds: kinds.With(KindBindings)}); err == nil {
		t.Error("a list that fails (bindings: 404) did not fail the snapshot")
	}
}
