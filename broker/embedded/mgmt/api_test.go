package mgmt

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestOverview(t *testing.T) {
	e := newEnv(t, Options{Listeners: []Listener{{Protocol: "amqp", IPAddress: "127.0.0.1", Port: 5672}, {Protocol: "http", IPAddress: "127.0.0.1", Port: 15672}}})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.publish("/", "", "q", "hello")
	_, ch := e.client("/", "127.0.0.1:5000 -> 127.0.0.1:5672")
	if _, err := ch.Consume("q", "c1", false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	o := e.must(200, "GET", "/api/overview", nil).object(t)
	for k, want := range map[string]any{
		"rabbitmq_version": "3.10.8", "management_version": "3.10.8", "product_name": "kaiten",
		"node": "kaiten@localhost", "cluster_name": "kaiten@localhost", "rates_mode": "basic",
		"disable_stats": false, "enable_queue_totals": false,
	} {
		if o[k] != want {
			t.Errorf("%s = %v, want %v", k, o[k], want)
		}
	}
	var types []string
	for _, x := range o["exchange_types"].([]any) {
		types = append(types, field(x, "name").(string))
	}
	if !slices.Equal(types, []string{"direct", "fanout", "headers", "topic"}) {
		t.Errorf("exchange_types = %v", types)
	}
	for path, want := range map[string]float64{
		"object_totals.connections": 1, "object_totals.channels": 1, "object_totals.exchanges": 7,
		"object_totals.queues": 1, "object_totals.consumers": 1,
		"queue_totals.messages": 1, "queue_totals.messages_unacknowledged": 1,
		"message_stats.publish": 1, "message_stats.deliver": 1, "message_stats.deliver_get": 1,
		"message_stats.publish_details.rate": 0, "queue_totals.messages_details.rate": 0,
	} {
		if got := num(t, field(o, path)); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	ls := o["listeners"].([]any)
	if len(ls) != 2 || field(ls[0], "protocol") != "amqp" || num(t, field(ls[1], "port")) != 15672 {
		t.Errorf("listeners = %v", ls)
	}
	// HEAD is GET without a body.
	if r := e.must(200, "HEAD", "/api/overview", nil); len(r.body) != 0 {
		t.Errorf("HEAD gave a body: %q", r.body)
	}
}

func TestAuthAndErrors(t *testing.T) {
	e := newEnv(t, Options{Users: []User{{Name: "ops", Password: "s3cret", Tags: []string{"monitoring"}}}})
	e.user, e.pass = "", ""
	r := e.must(401, "GET", "/api/overview", nil)
	if r.header.Get("WWW-Authenticate") != `Basic realm="RabbitMQ Management"` {
		t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
	}
	e.user, e.pass = "guest", "guest" // not configured
	if o := e.must(401, "GET", "/api/overview", nil).object(t); o["error"] != "not_authorized" || o["reason"] != "Login failed" {
		t.Errorf("401 body = %v", o)
	}
	e.user, e.pass = "ops", "wrong"
	e.must(401, "GET", "/api/whoami", nil)
	e.user, e.pass = "ops", "s3cret"
	if o := e.must(200, "GET", "/api/whoami", nil).object(t); o["name"] != "ops" || field(o, "tags").([]any)[0] != "monitoring" {
		t.Errorf("whoami = %v", o)
	}
	// Unknown paths are 404 with RabbitMQ's object, before auth.
	e.user = ""
	if o := e.must(404, "GET", "/api/nonsense", nil).object(t); o["error"] != "Object Not Found" || o["reason"] != "Not Found" {
		t.Errorf("404 body = %v", o)
	}
	e.must(404, "GET", "/elsewhere", nil)
	// OPTIONS needs no credentials and lists the methods.
	r = e.must(200, "OPTIONS", "/api/queues/%2F/q", nil)
	if r.header.Get("Allow") != "HEAD, GET, PUT, DELETE, OPTIONS" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	// A method the path does not take is 405 with Allow, before auth.
	r = e.must(405, "DELETE", "/api/overview", nil)
	if r.header.Get("Allow") != "HEAD, GET, OPTIONS" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	if o := r.object(t); o["error"] != "method_not_allowed" {
		t.Errorf("405 body = %v", o)
	}
	e.user, e.pass = "ops", "s3cret"
	e.must(405, "PUT", "/api/exchanges/%2F/x/publish", map[string]any{})
	// Missing vhosts and objects.
	e.must(404, "GET", "/api/queues/nope", nil)
	e.must(404, "GET", "/api/queues/%2F/nope", nil)
	e.must(404, "GET", "/api/exchanges/%2F/nope", nil)
	e.must(404, "GET", "/api/vhosts/nope", nil)
	if o := e.must(404, "PUT", "/api/queues/nope/q", map[string]any{}).object(t); o["reason"] != "vhost_not_found" {
		t.Errorf("PUT in a missing vhost = %v", o)
	}
	// Bodies that are not objects.
	if o := e.must(400, "PUT", "/api/queues/%2F/q", "{not json").object(t); o["error"] != "bad_request" || o["reason"] != "not_json" {
		t.Errorf("bad JSON = %v", o)
	}
	e.must(400, "PUT", "/api/queues/%2F/q", `"{\"durable\":true}"`)
	e.must(400, "PUT", "/api/queues/%2F/q", map[string]any{"durable": "maybe"})
	e.must(400, "PUT", "/api/queues/%2F/q", map[string]any{"arguments": 3})
	if _, ok := splitPath("/api/queues/%zz/q"); ok {
		t.Error("a bad escape was accepted")
	}
}

func TestVhostsAndTracing(t *testing.T) {
	e := newEnv(t, Options{})
	l := e.must(200, "GET", "/api/vhosts", nil).list(t)
	if len(l) != 1 || l[0]["name"] != "/" || l[0]["tracing"] != false || l[0]["description"] != "Default virtual host" {
		t.Fatalf("vhosts = %v", l)
	}
	e.must(201, "PUT", "/api/vhosts/dev%20box", map[string]any{"tracing": true, "description": "sandbox", "tags": "a,b"})
	if !e.vhost("dev box").Tracing() {
		t.Error("PUT {tracing: true} did not turn the firehose on")
	}
	o := e.must(200, "GET", "/api/vhosts/dev%20box", nil).object(t)
	if o["tracing"] != true || o["description"] != "sandbox" || len(o["tags"].([]any)) != 2 {
		t.Errorf("vhost = %v", o)
	}
	if _, ok := o["message_stats"]; !ok {
		t.Error("vhost has no message_stats")
	}
	e.must(204, "PUT", "/api/vhosts/dev%20box", map[string]any{"tracing": false})
	if e.vhost("dev box").Tracing() {
		t.Error("PUT {tracing: false} left the firehose on")
	}
	if o := e.must(200, "GET", "/api/vhosts/dev%20box", nil).object(t); o["description"] != "sandbox" {
		t.Errorf("a PUT without description dropped it: %v", o)
	}
	e.must(204, "PUT", "/api/vhosts/dev%20box", "")
	e.must(204, "DELETE", "/api/vhosts/dev%20box", nil)
	e.must(404, "GET", "/api/vhosts/dev%20box", nil)
	e.must(404, "DELETE", "/api/vhosts/dev%20box", nil)
	e.must(200, "GET", "/api/aliveness-test/%2F", nil)
	e.must(404, "GET", "/api/aliveness-test/nope", nil)
}

func TestExchanges(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/exchanges/%2F/orders", map[string]any{"type": "topic", "durable": "true", "arguments": map[string]any{"alternate-exchange": "ae"}})
	e.must(204, "PUT", "/api/exchanges/%2F/orders", map[string]any{"type": "topic", "durable": true, "arguments": map[string]any{"alternate-exchange": "ae"}})
	o := e.must(400, "PUT", "/api/exchanges/%2F/orders", map[string]any{"type": "direct", "durable": true}).object(t)
	if o["reason"] != "inequivalent arg 'type' for exchange 'orders' in vhost '/': received 'direct' but current is 'topic'" {
		t.Errorf("inequivalent declare = %v", o)
	}
	if o := e.must(401, "PUT", "/api/exchanges/%2F/amq.mine", map[string]any{"type": "direct"}).object(t); o["reason"] != "Access refused." {
		t.Errorf("amq.* declare = %v", o)
	}
	e.must(400, "PUT", "/api/exchanges/%2F/x", map[string]any{"type": "x-unknown"})
	l := e.must(200, "GET", "/api/exchanges/%2F", nil).list(t)
	if got := names(l); !slices.Equal(got, []string{"", "amq.direct", "amq.fanout", "amq.headers", "amq.match", "amq.rabbitmq.trace", "amq.topic", "orders"}) {
		t.Errorf("exchanges = %v", got)
	}
	all := e.must(200, "GET", "/api/exchanges", nil).list(t)
	if len(all) != len(l) || all[7]["vhost"] != "/" {
		t.Errorf("all exchanges = %v", names(all))
	}
	e.publish("/", "orders", "a.b", "x")
	x := e.must(200, "GET", "/api/exchanges/%2F/orders", nil).object(t)
	if x["type"] != "topic" || x["durable"] != true || field(x, "arguments.alternate-exchange") != "ae" ||
		num(t, field(x, "message_stats.publish_in")) != 1 || num(t, field(x, "message_stats.publish_out")) != 0 ||
		field(x, "message_stats.publish_in_details.rate") == nil {
		t.Errorf("exchange = %v", x)
	}
	if _, ok := x["incoming"]; !ok {
		t.Error("exchange detail has no incoming")
	}
	if d := e.must(200, "GET", "/api/exchanges/%2F/amq.default", nil).object(t); d["name"] != "" || d["user_who_performed_action"] != "rmq-internal" {
		t.Errorf("amq.default = %v", d)
	}
	if n := e.must(200, "GET", "/api/exchanges/%2F/orders?disable_stats=true", nil).object(t); n["message_stats"] != nil {
		t.Errorf("disable_stats kept message_stats: %v", n)
	}
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.must(201, "POST", "/api/bindings/%2F/e/orders/q/q", map[string]any{"routing_key": "a.#"})
	if o := e.must(400, "DELETE", "/api/exchanges/%2F/orders?if-unused=true", nil).object(t); o["reason"] != "exchange 'orders' in vhost '/' in use" {
		t.Errorf("if-unused = %v", o)
	}
	src := e.must(200, "GET", "/api/exchanges/%2F/orders/bindings/source", nil).list(t)
	if len(src) != 1 || src[0]["destination"] != "q" || src[0]["routing_key"] != "a.#" {
		t.Errorf("bindings/source = %v", src)
	}
	e.must(200, "GET", "/api/exchanges/%2F/orders/bindings/destination", nil)
	e.must(204, "DELETE", "/api/exchanges/%2F/orders", nil)
	e.must(404, "DELETE", "/api/exchanges/%2F/orders", nil)
	e.must(401, "DELETE", "/api/exchanges/%2F/amq.direct", nil)
}

func TestExchangePublish(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	pub := func(x string, body map[string]any) reply {
		return e.do("POST", "/api/exchanges/%2F/"+x+"/publish", body)
	}
	msg := map[string]any{
		"properties":  map[string]any{"content_type": "text/plain", "delivery_mode": 2, "headers": map[string]any{"h": 1}},
		"routing_key": "q", "payload": "hello", "payload_encoding": "string",
	}
	if r := pub("amq.default", msg); r.status != 200 || r.object(t)["routed"] != true {
		t.Fatalf("publish = %d %s", r.status, r.body)
	}
	msg["routing_key"] = "nowhere"
	if r := pub("amq.default", msg); r.status != 200 || r.object(t)["routed"] != false {
		t.Errorf("unroutable publish = %d %s", r.status, r.body)
	}
	msg["routing_key"], msg["payload"], msg["payload_encoding"] = "q", "AP8=", "base64"
	pub("amq.default", msg)
	if c := e.vhost("/").Counters(); c.ReturnUnroutable != 1 || c.Publish != 3 {
		t.Errorf("counters = %+v", c)
	}
	got := e.must(200, "POST", "/api/queues/%2F/q/get", map[string]any{"count": 5, "ackmode": "ack_requeue_false", "encoding": "auto"}).list(t)
	if len(got) != 2 || got[0]["payload"] != "hello" || got[1]["payload"] != "AP8=" || got[1]["payload_encoding"] != "base64" ||
		field(got[0], "properties.content_type") != "text/plain" || num(t, field(got[0], "properties.headers.h")) != 1 {
		t.Errorf("published messages = %v", got)
	}
	for _, c := range []struct {
		x      string
		body   map[string]any
		reason string
	}{
		{"amq.default", map[string]any{"routing_key": "q"}, "[{key_missing,properties},\n {key_missing,payload},\n {key_missing,payload_encoding}]"},
		{"nope", map[string]any{"properties": map[string]any{}, "routing_key": "", "payload": "", "payload_encoding": "string"}, "404 NOT_FOUND - no exchange 'nope' in vhost '/'"},
		{"amq.rabbitmq.trace", map[string]any{"properties": map[string]any{}, "routing_key": "", "payload": "", "payload_encoding": "string"}, "403 ACCESS_REFUSED - cannot publish to internal exchange 'amq.rabbitmq.trace' in vhost '/'"},
		{"amq.default", map[string]any{"properties": map[string]any{}, "routing_key": "q", "payload": "x", "payload_encoding": "rot13"}, "{unsupported_encoding,rot13}"},
		{"amq.default", map[string]any{"properties": map[string]any{"priority": "high"}, "routing_key": "q", "payload": "x", "payload_encoding": "string"}, "{not_int,priority}"},
		{"amq.default", map[string]any{"properties": map[string]any{}, "routing_key": "q", "payload": 3, "payload_encoding": "string"}, "payload_not_string"},
	} {
		r := pub(c.x, c.body)
		if r.status != 400 || r.object(t)["reason"] != c.reason {
			t.Errorf("publish %v: %d %s, want 400 %q", c.body, r.status, r.body, c.reason)
		}
	}
}

// TestNoServerErrors sends every write endpoint bodies of the wrong
// shape: each is refused with a 4xx, none fails the server.
func TestNoServerErrors(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.must(201, "PUT", "/api/exchanges/%2F/x", map[string]any{"type": "fanout"})
	bodies := []string{
		"", "[]", "1", "null", `"x"`, "{", `{"arguments":[1]}`, `{"arguments":{"a":null}}`,
		`{"count":-5,"ackmode":"ack_requeue_true","encoding":"auto","truncate":-1}`,
		`{"count":99999999999999999999,"ackmode":"ack_requeue_true","encoding":"auto"}`,
		`{"properties":{"headers":[]},"routing_key":1,"payload":"","payload_encoding":"string"}`,
		`{"properties":{"delivery_mode":1e400},"routing_key":"","payload":"","payload_encoding":"string"}`,
		`{"pattern":1,"definition":"x","priority":"high"}`, `{"tracing":"sometimes"}`,
		`{"configure":1,"write":[],"read":{}}`, `{"queues":{"a":1}}`, `{"routing_key":{},"arguments":"[1]"}`,
	}
	for _, rt := range routes {
		for _, m := range []string{"PUT", "POST", "DELETE"} {
			if rt.handlerFor(m) == nil {
				continue
			}
			var segs []string
			for _, p := range rt.pattern {
				if p == "*" {
					p = "%2F"
				}
				segs = append(segs, p)
			}
			path := "/" + strings.Join(segs, "/")
			if strings.HasPrefix(path, "/api/vhosts/") && m == "DELETE" {
				continue
			}
			for _, b := range bodies {
				if r := e.do(m, path, b); r.status >= 500 {
					t.Errorf("%s %s %s: %d %s", m, path, b, r.status, r.body)
				}
			}
		}
	}
}

// TestMountedOnServeMux checks that a ServeMux in front of the handler
// leaves encoded slashes alone, as the server layer mounts it so.
func TestMountedOnServeMux(t *testing.T) {
	e := newEnv(t, Options{})
	mux := http.NewServeMux()
	mux.Handle("/api/", e.srv.Config.Handler)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e.srv = srv
	e.must(201, "PUT", "/api/queues/%2F/a%2Fb", nil)
	if o := e.must(200, "GET", "/api/queues/%2F/a%2Fb", nil).object(t); o["name"] != "a/b" || o["vhost"] != "/" {
		t.Errorf("queue = %v", o)
	}
}

// TestConcurrentRequests serves many clients at once while they change
// the topology, publish and read (run with -race).
func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, Options{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			q := fmt.Sprintf("/api/queues/%%2F/q%d", w)
			for i := range 30 {
				switch i % 6 {
				case 0:
					e.do("PUT", q, map[string]any{"durable": true})
				case 1:
					e.do("POST", "/api/exchanges/%2F/amq.default/publish", map[string]any{
						"properties": map[string]any{}, "routing_key": fmt.Sprintf("q%d", w), "payload": "m", "payload_encoding": "string",
					})
				case 2:
					e.do("GET", "/api/queues?page=1&page_size=3&sort=messages", nil)
				case 3:
					e.do("POST", q+"/get", map[string]any{"count": 2, "ackmode": "reject_requeue_true", "encoding": "auto"})
				case 4:
					e.do("GET", "/api/overview", nil)
					e.do("GET", "/api/definitions", nil)
				case 5:
					e.do("DELETE", q, nil)
				}
			}
		})
	}
	wg.Wait()
}
