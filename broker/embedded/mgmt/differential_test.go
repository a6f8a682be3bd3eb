package mgmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// The live RabbitMQ the differential test compares with.
const (
	liveAPI  = "http://127.0.0.1:15672"
	liveAMQP = "amqp://guest:guest@127.0.0.1:5672/"
)

// Keys RabbitMQ 3.10.8 has that the embedded API leaves out on purpose
// (see the package documentation), by the last segment of their path.
var omittedKeys = map[string]string{
	"garbage_collection":   "Erlang process detail",
	"reductions":           "Erlang process detail",
	"reductions_details":   "Erlang process detail",
	"backing_queue_status": "Erlang classic-queue internals",
	"idle_since":           "shown for queues without consumers only; channels have none",
}

// opaqueKeys hold user data (tables, properties), whose keys are not the
// API's shape.
var opaqueKeys = map[string]bool{
	"arguments": true, "client_properties": true, "definition": true, "effective_policy_definition": true,
	"properties": true, "cluster_state": true, "socket_opts": true, "headers": true,
}

// apiClient is a minimal management API client for either server.
type apiClient struct {
	t    *testing.T
	base string
}

func (c apiClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func (c apiClient) must(method, path string, body any) []byte {
	c.t.Helper()
	status, data := c.do(method, path, body)
	if status/100 != 2 {
		c.t.Fatalf("%s %s%s: %d %s", method, c.base, path, status, data)
	}
	return data
}

func (c apiClient) get(path string) any {
	c.t.Helper()
	dec := json.NewDecoder(bytes.NewReader(c.must("GET", path, nil)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return v
}

// shape flattens decoded JSON into key paths and their JSON types;
// lists are represented by their first element.
func shape(v any, prefix string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		out[prefix] = "object"
		if opaqueKeys[lastSegment(prefix)] {
			return
		}
		for k, e := range x {
			shape(e, strings.TrimPrefix(prefix+"."+k, "."), out)
		}
	case []any:
		out[prefix] = "array"
		if len(x) > 0 {
			shape(x[0], prefix+"[]", out)
		}
	case json.Number:
		out[prefix] = "number"
	case string:
		out[prefix] = "string"
	case bool:
		out[prefix] = "bool"
	case nil:
		out[prefix] = "null"
	}
}

func lastSegment(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		return path[i+1:]
	}
	return path
}

// setUp gives a server the topology and traffic both servers get.
func setUp(c apiClient, vhost string) {
	v := url.PathEscape(vhost)
	c.must("PUT", "/api/exchanges/"+v+"/x", map[string]any{"type": "topic", "durable": true, "arguments": map[string]any{"alternate-exchange": "ae"}})
	c.must("PUT", "/api/exchanges/"+v+"/y", map[string]any{"type": "fanout"})
	c.must("PUT", "/api/queues/"+v+"/q", map[string]any{"durable": true, "arguments": map[string]any{"x-message-ttl": 60000}})
	c.must("PUT", "/api/queues/"+v+"/q2", map[string]any{})
	c.must("POST", "/api/bindings/"+v+"/e/x/q/q", map[string]any{"routing_key": "a.#"})
	c.must("POST", "/api/bindings/"+v+"/e/x/q/q", map[string]any{"routing_key": "k", "arguments": map[string]any{"x-match": "all", "n": 1}})
	c.must("POST", "/api/bindings/"+v+"/e/x/e/y", map[string]any{"routing_key": "b.*"})
	c.must("PUT", "/api/policies/"+v+"/p", map[string]any{"pattern": "^q$", "definition": map[string]any{"max-length": 100}, "apply-to": "queues"})
	msg := map[string]any{
		"properties":  map[string]any{"content_type": "text/plain", "headers": map[string]any{"h": 1}},
		"routing_key": "a.b", "payload": "hello", "payload_encoding": "string",
	}
	for range 3 {
		c.must("POST", "/api/exchanges/"+v+"/x/publish", msg)
	}
	msg["routing_key"] = "q2"
	c.must("POST", "/api/exchanges/"+v+"/amq.default/publish", msg)
}

// TestDifferentialShapes compares the keys (and their JSON types) of the
// embedded API's replies with those of a live RabbitMQ 3.10.8 for the
// same objects and traffic, in a scratch vhost there.
func TestDifferentialShapes(t *testing.T) {
	live := apiClient{t: t, base: liveAPI}
	if _, err := (&http.Client{Timeout: 2 * time.Second}).Get(liveAPI + "/api/overview"); err != nil {
		testenv.Missing(t, "no RabbitMQ management API at %s: %v", liveAPI, err)
	}
	vhost := fmt.Sprintf("kaiten-mgmt-diff-%d", os.Getpid())
	v := url.PathEscape(vhost)
	live.do("DELETE", "/api/vhosts/"+v, nil)
	live.must("PUT", "/api/vhosts/"+v, map[string]any{})
	t.Cleanup(func() { live.do("DELETE", "/api/vhosts/"+v, nil) })
	live.must("PUT", "/api/permissions/"+v+"/guest", map[string]any{"configure": ".*", "write": ".*", "read": ".*"})

	e := newEnv(t, Options{Listeners: []Listener{{Protocol: "amqp", IPAddress: "127.0.0.1", Port: 5672}, {Protocol: "http", IPAddress: "127.0.0.1", Port: 15672}}})
	ours := apiClient{t: t, base: e.srv.URL}
	ours.must("PUT", "/api/vhosts/"+v, map[string]any{})
	setUp(live, vhost)
	setUp(ours, vhost)

	// A client on each: a confirm channel that publishes, and a consumer
	// (prefetch 3, manual ack) that acks one delivery.
	conn, err := amqp.Dial(liveAMQP + v)
	if err != nil {
		testenv.Missing(t, "no RabbitMQ at %s: %v", liveAMQP, err)
	}
	defer conn.Close()
	pubCh, _ := conn.Channel()
	_ = pubCh.Confirm(false)
	_ = pubCh.Publish("x", "a.c", false, false, amqp.Publishing{Body: []byte("m")})
	consCh, _ := conn.Channel()
	_ = consCh.Qos(3, 0, false)
	deliveries, err := consCh.Consume("q", "ctag", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	(<-deliveries).Ack(false)

	c, pub := e.client(vhost, "127.0.0.1:40000 -> 127.0.0.1:5672")
	_ = pub.ConfirmSelect()
	if _, err := pub.Publish("x", "a.c", false, model.Properties{}, []byte("m")); err != nil {
		t.Fatal(err)
	}
	cons, _ := c.OpenChannel(2, nil)
	_ = cons.Qos(0, 3, false)
	if _, err := cons.Consume("q", "ctag", false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if ds := cons.Drain(nil); len(ds) < 2 || cons.Ack(ds[1].DeliveryTag, false) != nil {
		t.Fatalf("no delivery to ack: %v", ds)
	}

	getBody := map[string]any{"count": 1, "ackmode": "ack_requeue_true", "encoding": "auto"}
	liveGet, ourGet := live.must("POST", "/api/queues/"+v+"/q2/get", getBody), ours.must("POST", "/api/queues/"+v+"/q2/get", getBody)

	// RabbitMQ's statistics arrive every 5 s, object by object.
	waitFor := map[string][]string{
		"/api/vhosts/" + v:           {"messages", "recv_oct", "message_stats.publish", "message_stats.ack", "message_stats.get", "message_stats.confirm", "message_stats.deliver_get"},
		"/api/queues/" + v + "/q":    {"messages", "consumers", "memory", "consumer_capacity", "effective_policy_definition", "message_stats.ack", "message_stats.publish", "message_stats.deliver"},
		"/api/exchanges/" + v + "/x": {"message_stats.publish_in"},
		"/api/overview":              {"message_stats.publish", "queue_totals.messages"},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := true
		for path, keys := range waitFor {
			obj := live.get(path)
			for _, k := range keys {
				ready = ready && field(obj, k) != nil
			}
		}
		// The consumer's details come with the queue's stats, not before.
		// RabbitMQ shows a consumer's channel_details as [] until the
		// channel's stats arrive.
		if cd, _ := field(live.get("/api/queues/"+v+"/q"), "consumer_details").([]any); len(cd) == 0 {
			ready = false
		} else if _, ok := field(cd[0], "channel_details").(map[string]any); !ok {
			ready = false
		}
		for _, c := range live.get("/api/consumers/" + v).([]any) {
			if _, ok := field(c, "channel_details").(map[string]any); !ok {
				ready = false
			}
		}
		for _, c := range live.get("/api/vhosts/" + v + "/channels").([]any) {
			ready = ready && field(c, "message_stats") != nil
		}
		for _, c := range live.get("/api/vhosts/" + v + "/connections").([]any) {
			ready = ready && field(c, "recv_oct") != nil
		}
		if ready || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}

	pick := func(key, want string) func(any) any {
		return func(v any) any {
			for _, e := range v.([]any) {
				if fmt.Sprint(field(e, key)) == want {
					return e
				}
			}
			return nil
		}
	}
	whole := func(v any) any { return v }
	first := func(v any) any {
		if l, ok := v.([]any); ok && len(l) > 0 {
			return l[0]
		}
		return nil
	}
	withArgs := func(v any) any {
		for _, e := range v.([]any) {
			if field(e, "routing_key") == "k" {
				return e
			}
		}
		return nil
	}
	cases := []struct {
		name, path string
		sel        func(any) any
	}{
		{"overview", "/api/overview", whole},
		{"vhost", "/api/vhosts/" + v, whole},
		{"vhosts", "/api/vhosts", pick("name", vhost)},
		{"exchange", "/api/exchanges/" + v + "/x", whole},
		{"exchanges", "/api/exchanges/" + v, pick("name", "x")},
		{"exchanges no stats", "/api/exchanges/" + v + "?disable_stats=true", pick("name", "x")},
		{"queue", "/api/queues/" + v + "/q", whole},
		{"queues", "/api/queues/" + v, pick("name", "q")},
		{"queues cheap", "/api/queues/" + v + "?disable_stats=true&enable_queue_totals=true", pick("name", "q")},
		{"queues page", "/api/queues/" + v + "?page=1&page_size=1&columns=name", whole},
		{"queue bindings", "/api/queues/" + v + "/q/bindings", first},
		{"bindings", "/api/bindings/" + v, withArgs},
		{"bindings source", "/api/exchanges/" + v + "/x/bindings/source", withArgs},
		{"bindings between", "/api/bindings/" + v + "/e/x/q/q", withArgs},
		{"consumers", "/api/consumers/" + v, first},
		{"connections", "/api/vhosts/" + v + "/connections", first},
		{"channels", "/api/vhosts/" + v + "/channels", pick("number", "2")},
		{"channels publisher", "/api/vhosts/" + v + "/channels", pick("number", "1")},
		{"policies", "/api/policies/" + v, first},
		{"policy", "/api/policies/" + v + "/p", whole},
		{"users", "/api/users", pick("name", "guest")},
		{"whoami", "/api/whoami", whole},
		{"definitions", "/api/definitions/" + v, whole},
	}
	compare := func(name string, liveV, ourV any) {
		t.Helper()
		ls, os := map[string]string{}, map[string]string{}
		shape(liveV, "", ls)
		shape(ourV, "", os)
		var diffs []string
		for k, lt := range ls {
			ot, ok := os[k]
			switch {
			case !ok && omittedKeys[lastSegment(k)] == "" && !omittedBelow(k):
				diffs = append(diffs, "missing "+k+" ("+lt+")")
			case ok && ot != lt && lt != "null" && ot != "null":
				diffs = append(diffs, fmt.Sprintf("type of %s: %s, RabbitMQ %s", k, ot, lt))
			}
		}
		for k, ot := range os {
			under := strings.HasPrefix(k, "message_stats") && ls["message_stats"] == ""
			if _, ok := ls[k]; !ok && !under {
				diffs = append(diffs, "extra "+k+" ("+ot+")")
			}
		}
		slices.Sort(diffs)
		t.Logf("%s: %d keys from RabbitMQ, %d ours, %d differences", name, len(ls), len(os), len(diffs))
		for _, d := range diffs {
			t.Errorf("%s: %s", name, d)
		}
	}
	for _, c := range cases {
		lv, ov := c.sel(live.get(c.path)), c.sel(ours.get(c.path))
		if lv == nil || ov == nil {
			t.Errorf("%s: nothing to compare (RabbitMQ %v, ours %v)", c.name, lv != nil, ov != nil)
			continue
		}
		compare(c.name, lv, ov)
	}
	decode := func(b []byte) any {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		_ = dec.Decode(&v)
		return v
	}
	compare("queue get", first(decode(liveGet)), first(decode(ourGet)))
}

// omittedBelow reports whether a key lies under an omitted one.
func omittedBelow(path string) bool {
	for k := range omittedKeys {
		if strings.HasPrefix(path, k+".") || strings.Contains(path, "."+k+".") {
			return true
		}
	}
	return false
}
