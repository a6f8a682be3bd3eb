package mgmt

import (
	"slices"
	"testing"
)

func TestQueues(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/jobs", map[string]any{"durable": "true", "auto_delete": "false", "arguments": map[string]any{"x-max-length": 10}, "node": "rabbit@x", "vhost": "/"})
	e.must(204, "PUT", "/api/queues/%2F/jobs", map[string]any{"durable": true, "arguments": map[string]any{"x-max-length": 10}})
	if o := e.must(400, "PUT", "/api/queues/%2F/jobs", map[string]any{"durable": false}).object(t); o["reason"] != "inequivalent arg 'durable' for queue 'jobs' in vhost '/': received 'false' but current is 'true'" {
		t.Errorf("inequivalent = %v", o)
	}
	e.must(401, "PUT", "/api/queues/%2F/amq.q", nil)
	e.must(201, "PUT", "/api/queues/%2F/q2", map[string]any{"arguments": map[string]any{"x-queue-type": "quorum"}})
	for range 3 {
		e.publish("/", "", "jobs", "work")
	}
	_, ch := e.client("/", "127.0.0.1:6000 -> 127.0.0.1:5672")
	if err := ch.Qos(0, 1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Consume("jobs", "worker-1", false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	q := e.must(200, "GET", "/api/queues/%2F/jobs", nil).object(t)
	for path, want := range map[string]float64{
		"messages": 3, "messages_ready": 2, "messages_unacknowledged": 1, "consumers": 1,
		"message_stats.publish": 3, "message_stats.deliver": 1, "message_stats.deliver_get": 1,
		"messages_details.rate": 0, "arguments.x-max-length": 10,
	} {
		if got := num(t, field(q, path)); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	if q["type"] != "classic" || q["durable"] != true || q["state"] != "running" || q["policy"] != nil || q["node"] != "kaiten@localhost" {
		t.Errorf("queue = %v", q)
	}
	cd := q["consumer_details"].([]any)
	if len(cd) != 1 || field(cd[0], "consumer_tag") != "worker-1" || field(cd[0], "channel_details.name") != "127.0.0.1:6000 -> 127.0.0.1:5672 (1)" ||
		num(t, field(cd[0], "channel_details.peer_port")) != 6000 || num(t, field(cd[0], "prefetch_count")) != 1 {
		t.Errorf("consumer_details = %v", cd)
	}
	l := e.must(200, "GET", "/api/queues/%2F?disable_stats=true&enable_queue_totals=true", nil).list(t)
	if len(l) != 2 || l[0]["name"] != "jobs" || l[1]["type"] != "quorum" {
		t.Fatalf("queues = %v", l)
	}
	keys := slices.Sorted(mapKeys(l[0]))
	if want := []string{"arguments", "auto_delete", "durable", "exclusive", "messages", "messages_ready", "messages_unacknowledged", "name", "node", "state", "type", "vhost"}; !slices.Equal(keys, want) {
		t.Errorf("cheap queue keys = %v, want %v", keys, want)
	}
	l = e.must(200, "GET", "/api/queues?disable_stats=true", nil).list(t)
	if _, ok := l[0]["messages"]; ok {
		t.Errorf("disable_stats without totals kept messages: %v", l[0])
	}
	// Bindings of a queue include the default exchange's.
	e.must(201, "POST", "/api/bindings/%2F/e/amq.direct/q/jobs", map[string]any{"routing_key": "jobs"})
	bs := e.must(200, "GET", "/api/queues/%2F/jobs/bindings", nil).list(t)
	if len(bs) != 2 || bs[0]["source"] != "" || bs[0]["routing_key"] != "jobs" || bs[1]["source"] != "amq.direct" {
		t.Errorf("queue bindings = %v", bs)
	}
	e.must(404, "GET", "/api/queues/%2F/nope/bindings", nil)
	if o := e.must(400, "DELETE", "/api/queues/%2F/jobs?if-unused=true", nil).object(t); o["reason"] != "queue 'jobs' in vhost '/' in use" {
		t.Errorf("if-unused = %v", o)
	}
	if o := e.must(400, "DELETE", "/api/queues/%2F/jobs?if-empty=true", nil).object(t); o["reason"] != "queue 'jobs' in vhost '/' not empty" {
		t.Errorf("if-empty = %v", o)
	}
	e.must(204, "DELETE", "/api/queues/%2F/jobs/contents", nil)
	if q := e.must(200, "GET", "/api/queues/%2F/jobs", nil).object(t); num(t, q["messages_ready"]) != 0 || num(t, q["messages_unacknowledged"]) != 1 {
		t.Errorf("after purge = %v", q)
	}
	e.must(404, "DELETE", "/api/queues/%2F/nope/contents", nil)
	e.must(204, "DELETE", "/api/queues/%2F/jobs", nil)
	e.must(404, "DELETE", "/api/queues/%2F/jobs", nil)
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestQueueGetAckModes(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.must(201, "PUT", "/api/queues/%2F/dead", nil)
	e.must(201, "PUT", "/api/policies/%2F/dlx", map[string]any{"pattern": "^q$", "definition": map[string]any{"dead-letter-exchange": "", "dead-letter-routing-key": "dead"}})
	for _, b := range []string{"one", "two", "three"} {
		e.publish("/", "", "q", b)
	}
	get := func(mode string, count int) []map[string]any {
		return e.must(200, "POST", "/api/queues/%2F/q/get", map[string]any{"count": count, "ackmode": mode, "encoding": "auto", "truncate": 50000}).list(t)
	}
	depth := func() float64 { return num(t, e.must(200, "GET", "/api/queues/%2F/q", nil).object(t)["messages"]) }

	got := get("ack_requeue_true", 2)
	if len(got) != 2 || got[0]["payload"] != "one" || got[1]["payload"] != "two" || got[0]["redelivered"] != false ||
		num(t, got[0]["message_count"]) != 2 || num(t, got[1]["message_count"]) != 1 || got[0]["routing_key"] != "q" || got[0]["exchange"] != "" {
		t.Fatalf("ack_requeue_true = %v", got)
	}
	if depth() != 3 {
		t.Errorf("ack_requeue_true took messages: depth %v", depth())
	}
	got = get("reject_requeue_true", 1)
	if len(got) != 1 || got[0]["payload"] != "one" || got[0]["redelivered"] != true {
		t.Errorf("requeued message = %v", got)
	}
	got = get("ack_requeue_false", 1)
	if len(got) != 1 || got[0]["payload"] != "one" || depth() != 2 {
		t.Errorf("ack_requeue_false = %v, depth %v", got, depth())
	}
	got = get("reject_requeue_false", 1)
	if len(got) != 1 || got[0]["payload"] != "two" || depth() != 1 {
		t.Errorf("reject_requeue_false = %v, depth %v", got, depth())
	}
	if d := e.must(200, "GET", "/api/queues/%2F/dead", nil).object(t); num(t, d["messages"]) != 1 {
		t.Errorf("rejected message not dead-lettered: %v", d["messages"])
	}
	got = e.must(200, "POST", "/api/queues/%2F/q/get", map[string]any{"count": "5", "ackmode": "ack_requeue_true", "encoding": "base64", "truncate": "2"}).list(t)
	if len(got) != 1 || got[0]["payload"] != "dGg=" || num(t, got[0]["payload_bytes"]) != 5 || got[0]["payload_encoding"] != "base64" {
		t.Errorf("truncated base64 get = %v", got)
	}
	if got := get("ack_requeue_false", 0); len(got) != 0 {
		t.Errorf("count 0 got %v", got)
	}
	get("ack_requeue_false", 10)
	if got := get("ack_requeue_true", 3); len(got) != 0 {
		t.Errorf("empty queue gave %v", got)
	}
	for body, reason := range map[string]string{
		`{"count":1,"ackmode":"peek","encoding":"auto"}`:            "Unsupported ackmode peek. Please use ack_requeue_true, ack_requeue_false, reject_requeue_true or reject_requeue_false.",
		`{"count":1,"ackmode":"ack_requeue_true","encoding":"hex"}`: "Unsupported encoding. Please use auto or base64.",
		`{"count":1}`: "[{key_missing,ackmode},\n {key_missing,encoding}]",
	} {
		if o := e.must(400, "POST", "/api/queues/%2F/q/get", body).object(t); o["reason"] != reason {
			t.Errorf("get %s: %v", body, o)
		}
	}
	e.must(404, "POST", "/api/queues/%2F/nope/get", map[string]any{"count": 1, "ackmode": "ack_requeue_true", "encoding": "auto"})
	// The API's own connection is gone once the get is answered.
	if cs := e.b.Connections(); len(cs) != 0 {
		t.Errorf("connections left: %v", cs)
	}
}

func TestBindings(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/exchanges/%2F/x1", map[string]any{"type": "headers"})
	e.must(201, "PUT", "/api/exchanges/%2F/x2", map[string]any{"type": "fanout"})
	e.must(201, "PUT", "/api/queues/%2F/q1", nil)
	r := e.must(201, "POST", "/api/bindings/%2F/e/x1/q/q1", map[string]any{"routing_key": "a.#"})
	if loc := r.header.Get("Location"); loc != "q1/a.%2523" {
		t.Errorf("Location = %q", loc)
	}
	r = e.must(201, "POST", "/api/bindings/%2F/e/x1/q/q1", map[string]any{"routing_key": "k", "arguments": map[string]any{"x-match": "all", "a": 1}})
	if loc := r.header.Get("Location"); loc != "q1/k~4tmbCA" {
		t.Errorf("Location = %q", loc)
	}
	e.must(201, "POST", "/api/bindings/%2F/e/x1/q/q1", nil)
	r = e.must(201, "POST", "/api/bindings/%2F/e/x1/e/x2", map[string]any{"routing_key": "b.*"})
	if loc := r.header.Get("Location"); loc != "x2/b.%252A" {
		t.Errorf("Location = %q", loc)
	}
	all := e.must(200, "GET", "/api/bindings/%2F", nil).list(t)
	var keys []string
	for _, b := range all {
		keys = append(keys, b["source"].(string)+"|"+b["destination_type"].(string)+"|"+b["destination"].(string)+"|"+b["properties_key"].(string))
	}
	want := []string{"|queue|q1|q1", "x1|queue|q1|~", "x1|queue|q1|a.%23", "x1|queue|q1|k~4tmbCA", "x1|exchange|x2|b.%2A"}
	slices.Sort(want[1:])
	got := slices.Clone(keys)
	slices.Sort(got[1:])
	if !slices.Equal(got, want) {
		t.Errorf("bindings = %v, want %v", keys, want)
	}
	if all[0]["vhost"] != "/" || field(all[0], "arguments") == nil {
		t.Errorf("binding = %v", all[0])
	}
	if l := e.must(200, "GET", "/api/bindings", nil).list(t); len(l) != 5 {
		t.Errorf("all bindings = %d", len(l))
	}
	between := e.must(200, "GET", "/api/bindings/%2F/e/x1/q/q1", nil).list(t)
	if len(between) != 3 {
		t.Errorf("x1 → q1 = %v", between)
	}
	b := e.must(200, "GET", "/api/bindings/%2F/e/x1/q/q1/k~4tmbCA", nil).object(t)
	if b["routing_key"] != "k" || field(b, "arguments.x-match") != "all" {
		t.Errorf("binding by key = %v", b)
	}
	e.must(200, "GET", "/api/bindings/%2F/e/x1/q/q1/a.%2523", nil)
	e.must(200, "GET", "/api/bindings/%2F/e/x1/q/q1/~", nil)
	e.must(200, "GET", "/api/bindings/%2F/e/x1/e/x2/b.%252A", nil)
	e.must(404, "GET", "/api/bindings/%2F/e/x1/q/q1/nope", nil)
	e.must(404, "GET", "/api/bindings/%2F/e/x1/q/q1/k~AAAAAA", nil)
	e.must(404, "GET", "/api/bindings/%2F/e/x1/q/q1/a~b~c", nil)
	e.must(204, "DELETE", "/api/bindings/%2F/e/x1/q/q1/k~4tmbCA", nil)
	e.must(204, "DELETE", "/api/bindings/%2F/e/x1/e/x2/b.%252A", nil)
	e.must(404, "DELETE", "/api/bindings/%2F/e/x1/e/x2/b.%252A", nil)
	if l := e.must(200, "GET", "/api/bindings/%2F", nil).list(t); len(l) != 3 {
		t.Errorf("after deletes = %v", l)
	}
	e.must(404, "POST", "/api/bindings/%2F/e/nope/q/q1", nil)
	e.must(404, "POST", "/api/bindings/%2F/e/x1/q/nope", nil)
	e.must(401, "POST", "/api/bindings/%2F/e/amq.default/q/q1", nil)
	if l := e.must(200, "GET", "/api/bindings/%2F/e/nope/q/q1", nil).list(t); len(l) != 0 {
		t.Errorf("bindings from a missing exchange = %v", l)
	}
}
