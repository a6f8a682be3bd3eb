package mgmt

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

const fixtureDir = "../../../model/testdata/definitions/"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(fixtureDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseDefs(t *testing.T, data []byte, vhost string) *model.Definitions {
	t.Helper()
	d, err := model.ParseDefinitions("test", data, vhost)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return d
}

// TestDefinitionsRoundTripBroker imports RabbitMQ 3.10.8's whole-broker
// export and exports it again: the topology is the same, item for item.
func TestDefinitionsRoundTripBroker(t *testing.T) {
	fixture := readFixture(t, "rabbitmq_3.10.8_broker.json")
	e := newEnv(t, Options{})
	e.must(204, "POST", "/api/definitions", string(fixture))
	out := e.must(200, "GET", "/api/definitions", nil)
	want, got := parseDefs(t, fixture, ""), parseDefs(t, out.body, "")
	if !reflect.DeepEqual(got.Vhosts, want.Vhosts) {
		t.Errorf("exported topology differs:\n got %+v\nwant %+v", got.Vhosts, want.Vhosts)
	}
	if got.RabbitMQVersion != "3.10.8" || got.ProductName != "kaiten" || got.Format.OneVhost {
		t.Errorf("export header = %q %q, format %+v", got.RabbitMQVersion, got.ProductName, got.Format)
	}
	for _, k := range []string{"users", "vhosts", "permissions", "topic_permissions", "parameters", "global_parameters"} {
		if _, ok := got.Extra[k]; !ok {
			t.Errorf("export lacks %q", k)
		}
	}
	if !bytes.Contains(got.Extra["permissions"], []byte(`"vhost":"kaiten-defs-fixture"`)) {
		t.Errorf("permissions = %s", got.Extra["permissions"])
	}
	// The imported topology routes: nova is a topic exchange bound to
	// compute with "compute", and ae-nova (a policy) sends the rest to
	// orders.unrouted.
	v := e.vhost("kaiten-defs-fixture")
	if res := e.publish("kaiten-defs-fixture", "nova", "compute", "call"); len(res.Queues) != 2 {
		t.Errorf("nova/compute reached %v", res.Queues)
	}
	if res := e.publish("kaiten-defs-fixture", "nova", "nobody.here", "x"); strings.Join(res.Queues, ",") != "compute.fanout" {
		t.Errorf("nova/nobody.here reached %v", res.Queues)
	}
	if ps := v.Policies(); len(ps) != 2 {
		t.Errorf("policies = %v", ps)
	}
	// Exporting our own export into a fresh broker gives the same again.
	e2 := newEnv(t, Options{})
	e2.must(204, "POST", "/api/definitions", string(out.body))
	again := parseDefs(t, e2.must(200, "GET", "/api/definitions", nil).body, "")
	if !reflect.DeepEqual(again.Vhosts, got.Vhosts) {
		t.Errorf("second round trip differs")
	}
}

// TestDefinitionsRoundTripVhost imports the one-vhost export into another
// vhost and exports that vhost: byte for byte what model writes for the
// fixture.
func TestDefinitionsRoundTripVhost(t *testing.T) {
	fixture := readFixture(t, "rabbitmq_3.10.8_vhost.json")
	e := newEnv(t, Options{})
	e.must(404, "POST", "/api/definitions/sandbox", string(fixture))
	e.must(201, "PUT", "/api/vhosts/sandbox", nil)
	e.must(204, "POST", "/api/definitions/sandbox", string(fixture))
	out := e.must(200, "GET", "/api/definitions/sandbox", nil)
	want, got := parseDefs(t, fixture, "sandbox"), parseDefs(t, out.body, "sandbox")
	if !reflect.DeepEqual(got.Vhosts, want.Vhosts) {
		t.Errorf("exported topology differs:\n got %+v\nwant %+v", got.Vhosts, want.Vhosts)
	}
	wantJSON, err := want.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(out.body), wantJSON) {
		t.Errorf("export:\n%s\nwant:\n%s", out.body, wantJSON)
	}
	if _, ok := e.b.Vhost("kaiten-defs-fixture"); ok {
		t.Error("a one-vhost import created the vhost of its items")
	}
}

func TestDefinitionsExportFilters(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, "PUT", "/api/queues/%2F/kept", nil)
	e.must(201, "PUT", "/api/exchanges/%2F/x", map[string]any{"type": "direct"})
	e.must(201, "POST", "/api/bindings/%2F/e/x/q/kept", map[string]any{"routing_key": "k"})
	c, ch := e.client("/", "127.0.0.1:1 -> 127.0.0.1:5672")
	_ = c
	if _, err := ch.QueueDeclare(coreQueue("mine", true)); err != nil {
		t.Fatal(err)
	}
	e.must(201, "POST", "/api/bindings/%2F/e/x/q/mine", map[string]any{"routing_key": "k"})
	if q := e.must(200, "GET", "/api/queues/%2F/mine", nil).object(t); q["exclusive"] != true || field(q, "owner_pid_details.name") != "127.0.0.1:1 -> 127.0.0.1:5672" {
		t.Errorf("exclusive queue = %v", q)
	}
	if l := e.must(200, "GET", "/api/queues/%2F?columns=name,owner_pid_details", nil).list(t); len(l) != 2 || field(l[1], "owner_pid_details.peer_port") == nil {
		t.Errorf("queues with owners = %v", l)
	}
	d := parseDefs(t, e.must(200, "GET", "/api/definitions/%2F", nil).body, "/")
	v := d.Vhosts[0]
	if len(v.Exchanges) != 1 || v.Exchanges[0].Name != "x" {
		t.Errorf("exchanges = %+v", v.Exchanges)
	}
	if len(v.Queues) != 1 || v.Queues[0].Name != "kept" {
		t.Errorf("queues = %+v", v.Queues)
	}
	if len(v.Bindings) != 1 || v.Bindings[0].Destination != "kept" {
		t.Errorf("bindings = %+v", v.Bindings)
	}
	r := e.must(200, "GET", "/api/definitions?download=defs.json", nil)
	if r.header.Get("Content-Disposition") != "attachment; filename=defs.json" {
		t.Errorf("Content-Disposition = %q", r.header.Get("Content-Disposition"))
	}
}

func TestDefinitionsImportErrors(t *testing.T) {
	e := newEnv(t, Options{})
	if o := e.must(400, "POST", "/api/definitions", "{nope").object(t); o["reason"] != "failed_to_parse_json" {
		t.Errorf("bad JSON = %v", o)
	}
	e.must(400, "POST", "/api/definitions", `{"queues": [{"name": 3}]}`)
	// Bindings whose ends are missing and built-in exchanges are skipped.
	e.must(204, "POST", "/api/definitions", `{"vhosts":[{"name":"/"}],
		"exchanges":[{"name":"amq.direct","vhost":"/","type":"direct","durable":true,"auto_delete":false,"internal":false,"arguments":{}}],
		"queues":[{"name":"q","vhost":"/","durable":true,"auto_delete":false,"arguments":{}}],
		"bindings":[{"source":"gone","vhost":"/","destination":"q","destination_type":"queue","routing_key":"","arguments":{}}]}`)
	// An existing queue with other properties is kept.
	e.must(204, "POST", "/api/definitions", `{"queues":[{"name":"q","vhost":"/","durable":false,"auto_delete":false,"arguments":{}}]}`)
	if q := e.must(200, "GET", "/api/queues/%2F/q", nil).object(t); q["durable"] != true {
		t.Errorf("import replaced an existing queue: %v", q)
	}
	// Arguments core refuses stop the import.
	o := e.must(400, "POST", "/api/definitions", `{"queues":[{"name":"bad","vhost":"/","durable":true,"auto_delete":false,"arguments":{"x-max-length":"many"}}]}`).object(t)
	if !strings.Contains(o["reason"].(string), "queue 'bad'") {
		t.Errorf("bad queue import = %v", o)
	}
}
