package mgmt

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

func TestConnectionsChannelsConsumers(t *testing.T) {
	var closed []uint64
	e := newEnv(t, Options{CloseConnection: func(id uint64, reason string) bool {
		if reason != "maintenance" {
			t.Errorf("close reason = %q", reason)
		}
		closed = append(closed, id)
		return true
	}})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	name := "127.0.0.1:54474 -> 127.0.0.1:5672"
	c, ch := e.client("/", name)
	if _, err := ch.Consume("q", "tag-1", false, true, false, model.Table{"x-priority": model.Long(5)}); err != nil {
		t.Fatal(err)
	}
	ch2, err := c.OpenChannel(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch2.ConfirmSelect(); err != nil {
		t.Fatal(err)
	}
	conns := e.must(200, "GET", "/api/connections", nil).list(t)
	if len(conns) != 1 {
		t.Fatalf("connections = %v", conns)
	}
	co := conns[0]
	for k, want := range map[string]any{
		"name": name, "user": "guest", "vhost": "/", "peer_host": "127.0.0.1", "host": "127.0.0.1",
		"protocol": "AMQP 0-9-1", "state": "running", "auth_mechanism": "PLAIN", "type": "network",
	} {
		if co[k] != want {
			t.Errorf("connection %s = %v, want %v", k, co[k], want)
		}
	}
	for k, want := range map[string]float64{"peer_port": 54474, "port": 5672, "channels": 2, "recv_oct": 100, "send_oct": 200, "frame_max": 131072, "timeout": 60} {
		if got := num(t, co[k]); got != want {
			t.Errorf("connection %s = %v, want %v", k, got, want)
		}
	}
	if field(co, "client_properties.product") != "test-client" || field(co, "recv_oct_details.rate") == nil {
		t.Errorf("connection = %v", co)
	}
	enc := "/api/connections/127.0.0.1%3A54474%20-%3E%20127.0.0.1%3A5672"
	if o := e.must(200, "GET", enc, nil).object(t); o["name"] != name {
		t.Errorf("connection by name = %v", o)
	}
	if l := e.must(200, "GET", "/api/vhosts/%2F/connections", nil).list(t); len(l) != 1 {
		t.Errorf("vhost connections = %v", l)
	}
	chans := e.must(200, "GET", "/api/channels", nil).list(t)
	if len(chans) != 2 || chans[0]["name"] != name+" (1)" || num(t, chans[0]["consumer_count"]) != 1 ||
		chans[1]["confirm"] != true || field(chans[0], "connection_details.name") != name {
		t.Errorf("channels = %v", chans)
	}
	if l := e.must(200, "GET", enc+"/channels", nil).list(t); len(l) != 2 {
		t.Errorf("connection channels = %v", l)
	}
	if l := e.must(200, "GET", "/api/vhosts/%2F/channels", nil).list(t); len(l) != 2 {
		t.Errorf("vhost channels = %v", l)
	}
	one := e.must(200, "GET", "/api/channels/"+strings.ReplaceAll(enc[len("/api/connections/"):], "%20", "%20")+"%20%281%29", nil).object(t)
	if one["number"] == nil || len(one["consumer_details"].([]any)) != 1 {
		t.Errorf("channel = %v", one)
	}
	e.must(404, "GET", "/api/channels/nope", nil)
	e.must(404, "GET", "/api/channels/nope%20(1)", nil)
	cons := e.must(200, "GET", "/api/consumers/%2F", nil).list(t)
	if len(cons) != 1 || cons[0]["consumer_tag"] != "tag-1" || field(cons[0], "queue.name") != "q" || cons[0]["exclusive"] != true ||
		cons[0]["ack_required"] != true || cons[0]["activity_status"] != "up" || num(t, field(cons[0], "arguments.x-priority")) != 5 {
		t.Errorf("consumers = %v", cons)
	}
	if l := e.must(200, "GET", "/api/consumers", nil).list(t); len(l) != 1 {
		t.Errorf("all consumers = %v", l)
	}
	e.must(404, "GET", "/api/consumers/nope", nil)
	req, _ := http.NewRequest("DELETE", e.srv.URL+enc, nil)
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("X-Reason", "maintenance")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || len(closed) != 1 || closed[0] != c.ID() {
		t.Errorf("DELETE connection: %d, closed %v", resp.StatusCode, closed)
	}
	e.must(404, "DELETE", "/api/connections/nope", nil)
	e.must(404, "GET", "/api/connections/nope", nil)

	noClose := newEnv(t, Options{})
	noClose.client("/", name)
	noClose.must(405, "DELETE", enc, nil)
}

func TestPolicies(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/compute", nil)
	e.must(201, "PUT", "/api/policies/%2F/limits", map[string]any{"pattern": "^compute", "definition": map[string]any{"max-length": 2}, "apply-to": "queues", "priority": 1})
	e.must(204, "PUT", "/api/policies/%2F/limits", map[string]any{"pattern": "^compute", "definition": map[string]any{"max-length": 1}, "apply-to": "queues", "priority": 1})
	p := e.must(200, "GET", "/api/policies/%2F/limits", nil).object(t)
	if p["pattern"] != "^compute" || p["apply-to"] != "queues" || num(t, p["priority"]) != 1 || num(t, field(p, "definition.max-length")) != 1 || p["vhost"] != "/" {
		t.Errorf("policy = %v", p)
	}
	q := e.must(200, "GET", "/api/queues/%2F/compute", nil).object(t)
	if q["policy"] != "limits" || num(t, field(q, "effective_policy_definition.max-length")) != 1 {
		t.Errorf("queue under policy = %v", q)
	}
	e.publish("/", "", "compute", "a")
	e.publish("/", "", "compute", "b")
	if q := e.must(200, "GET", "/api/queues/%2F/compute", nil).object(t); num(t, q["messages"]) != 1 {
		t.Errorf("max-length policy not applied: %v", q["messages"])
	}
	if l := e.must(200, "GET", "/api/policies", nil).list(t); len(l) != 1 {
		t.Errorf("policies = %v", l)
	}
	if o := e.must(400, "PUT", "/api/policies/%2F/bad", map[string]any{"pattern": "x"}).object(t); o["reason"] != "[{key_missing,definition}]" {
		t.Errorf("missing definition = %v", o)
	}
	e.must(400, "PUT", "/api/policies/%2F/bad", map[string]any{"pattern": "(", "definition": map[string]any{"max-length": 1}})
	e.must(400, "PUT", "/api/policies/%2F/bad", map[string]any{"pattern": "x", "definition": map[string]any{"max-length": "many"}})
	e.must(204, "DELETE", "/api/policies/%2F/limits", nil)
	e.must(404, "DELETE", "/api/policies/%2F/limits", nil)
	e.must(404, "GET", "/api/policies/%2F/limits", nil)

	if l := e.must(200, "GET", "/api/operator-policies/%2F", nil).list(t); len(l) != 0 {
		t.Errorf("operator policies = %v", l)
	}
	e.must(201, "PUT", "/api/operator-policies/%2F/cap", map[string]any{"pattern": ".*", "definition": map[string]any{"max-length-bytes": 1000}, "apply-to": "queues"})
	if l := e.must(200, "GET", "/api/operator-policies", nil).list(t); len(l) != 1 || l[0]["name"] != "cap" {
		t.Errorf("operator policies = %v", l)
	}
	if q := e.must(200, "GET", "/api/queues/%2F/compute", nil).object(t); q["operator_policy"] != "cap" {
		t.Errorf("operator_policy = %v", q["operator_policy"])
	}
	e.must(200, "GET", "/api/operator-policies/%2F/cap", nil)
	e.must(204, "DELETE", "/api/operator-policies/%2F/cap", nil)
	e.must(404, "GET", "/api/operator-policies/%2F/cap", nil)
}

func TestOddNames(t *testing.T) {
	e := newEnv(t, Options{})
	vhost, vEnc := "kx/# %", "kx%2F%23%20%25"
	e.must(201, "PUT", "/api/vhosts/"+vEnc, nil)
	for _, c := range []struct{ name, enc string }{
		{"q with spaces", "q%20with%20spaces"},
		{"q#hash", "q%23hash"},
		{"q%pct", "q%25pct"},
		{"q?what", "q%3Fwhat"},
		{"q/slash", "q%2Fslash"},
		{"reply/π", "reply%2F%CF%80"},
		{"q+plus", "q+plus"},
	} {
		e.must(201, "PUT", "/api/queues/"+vEnc+"/"+c.enc, nil)
		o := e.must(200, "GET", "/api/queues/"+vEnc+"/"+c.enc, nil).object(t)
		if o["name"] != c.name || o["vhost"] != vhost {
			t.Errorf("queue %q = %v", c.name, o["name"])
		}
		e.must(201, "POST", "/api/bindings/"+vEnc+"/e/amq.direct/q/"+c.enc, map[string]any{"routing_key": c.name})
		var key string
		for _, b := range e.must(200, "GET", "/api/queues/"+vEnc+"/"+c.enc+"/bindings", nil).list(t) {
			if b["source"] == "amq.direct" {
				key = b["properties_key"].(string)
			}
		}
		if key != quotePlus(c.name) {
			t.Errorf("properties_key of %q = %q", c.name, key)
		}
		e.must(204, "DELETE", "/api/bindings/"+vEnc+"/e/amq.direct/q/"+c.enc+"/"+urlEscape(key), nil)
		e.must(204, "DELETE", "/api/queues/"+vEnc+"/"+c.enc, nil)
	}
	e.must(201, "PUT", "/api/exchanges/"+vEnc+"/x%20~y", map[string]any{"type": "direct"})
	if l := e.must(200, "GET", "/api/exchanges/"+vEnc+"/x%20~y", nil).object(t); l["name"] != "x ~y" {
		t.Errorf("exchange = %v", l)
	}
	if got := propertiesKey("a~b c", nil); got != "a%7Eb+c" {
		t.Errorf("properties key = %q", got)
	}
}

// urlEscape escapes a path segment the way rabbitmqadmin does (Python's
// quote with no safe characters).
func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + string(hex[c>>4]) + string(hex[c&15]))
		}
	}
	return b.String()
}

// TestChannelMessageStats checks that channels carry RabbitMQ's channel
// message_stats: their own counters, with rates like a queue's.
func TestChannelMessageStats(t *testing.T) {
	e := newEnv(t, Options{RateInterval: 5 * time.Second})
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	name := "127.0.0.1:54475 -> 127.0.0.1:5672"
	c, pub := e.client("/", name)
	if err := pub.ConfirmSelect(); err != nil {
		t.Fatal(err)
	}
	cons, err := c.OpenChannel(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	stats := func(n int) map[string]any {
		t.Helper()
		for _, ch := range e.must(200, "GET", "/api/channels", nil).list(t) {
			if int(num(t, ch["number"])) == n {
				ms, _ := ch["message_stats"].(map[string]any)
				return ms
			}
		}
		t.Fatalf("no channel %d", n)
		return nil
	}
	// check compares a channel's message_stats with want: its keys are
	// those of names (with their _details), valued as want says (0 when
	// left out), with rates as rates says.
	check := func(n int, names []string, want, rates map[string]float64) {
		t.Helper()
		ms := stats(n)
		if len(ms) != 2*len(names) {
			t.Errorf("channel %d message_stats has %d keys, want %v: %v", n, len(ms), names, ms)
		}
		for _, k := range names {
			if got := num(t, ms[k]); got != want[k] {
				t.Errorf("channel %d %s = %v, want %v", n, k, got, want[k])
			}
			if got := num(t, field(ms, k+"_details.rate")); got != rates[k] {
				t.Errorf("channel %d %s rate = %v, want %v", n, k, got, rates[k])
			}
		}
	}
	// An idle channel's message_stats is empty, as RabbitMQ's [] is.
	check(1, nil, nil, nil)
	check(2, nil, nil, nil)

	for range 10 {
		if _, err := pub.Publish("", "q", false, model.Properties{}, []byte("m")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pub.Publish("", "ghost", true, model.Properties{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish("", "ghost", false, model.Properties{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cons.Consume("q", "", false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	ds := cons.Drain(nil)
	if len(ds) < 10 {
		t.Fatalf("deliveries %v", ds)
	}
	if err := cons.Ack(ds[len(ds)-1].DeliveryTag, true); err != nil {
		t.Fatal(err)
	}
	getter, err := c.OpenChannel(3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := getter.Get("q", true); err != nil { // get-empty
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Second)
	check(1, channelPublishNames, map[string]float64{"publish": 12, "confirm": 12, "return_unroutable": 1, "drop_unroutable": 1},
		map[string]float64{"publish": 2.4, "confirm": 2.4, "return_unroutable": 0.2, "drop_unroutable": 0.2})
	check(2, channelDeliverNames, map[string]float64{"deliver": 10, "deliver_get": 10, "ack": 10},
		map[string]float64{"deliver": 2, "deliver_get": 2, "ack": 2})
	check(3, channelDeliverNames, map[string]float64{"get_empty": 1}, nil)

	// The per-connection listing shows the same; disable_stats drops them.
	l := e.must(200, "GET", "/api/connections/127.0.0.1%3A54475%20-%3E%20127.0.0.1%3A5672/channels", nil).list(t)
	if len(l) != 3 || num(t, field(l[0], "message_stats.publish")) != 12 {
		t.Errorf("connection channels = %v", l)
	}
	for _, ch := range e.must(200, "GET", "/api/channels?disable_stats=true", nil).list(t) {
		if _, ok := ch["message_stats"]; ok {
			t.Errorf("message_stats with disable_stats: %v", ch)
		}
	}
}
