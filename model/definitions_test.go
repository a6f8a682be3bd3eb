package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const (
	defsBrokerFixture = "testdata/definitions/rabbitmq_3.10.8_broker.json"
	defsVhostFixture  = "testdata/definitions/rabbitmq_3.10.8_vhost.json"
	defsFixtureVhost  = "kaiten-defs-fixture"
)

func readDefsFixture(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParseDefs(t *testing.T, data []byte, vhost string) *Definitions {
	t.Helper()
	d, err := ParseDefinitions("defs.json", data, vhost)
	if err != nil {
		t.Fatalf("ParseDefinitions: %v", err)
	}
	return d
}

func vhostNames(d *Definitions) []string {
	var names []string
	for _, v := range d.Vhosts {
		names = append(names, v.Name)
	}
	return names
}

// The two fixtures are exports of the same vhost from RabbitMQ 3.10.8,
// made with the management API: the whole broker and the vhost alone.
func TestDefinitionsFixtures(t *testing.T) {
	broker := mustParseDefs(t, readDefsFixture(t, defsBrokerFixture), "")
	single := mustParseDefs(t, readDefsFixture(t, defsVhostFixture), "")

	if got := vhostNames(broker); !slices.Equal(got, []string{"/", defsFixtureVhost}) {
		t.Errorf("broker vhosts = %q", got)
	}
	if got := vhostNames(single); !slices.Equal(got, []string{defsFixtureVhost}) {
		t.Errorf("one-vhost export vhosts = %q, want the vhost its policies name", got)
	}
	if broker.Version() != "3.10.8" || single.Version() != "3.10.8" || broker.ProductName != "RabbitMQ" {
		t.Errorf("versions: %q %q %q", broker.Version(), single.Version(), broker.ProductName)
	}
	if want := (DefinitionsFormat{}); broker.Format != want {
		t.Errorf("broker format = %+v, want %+v", broker.Format, want)
	}
	if want := (DefinitionsFormat{OneVhost: true, PolicyVhost: true}); single.Format != want {
		t.Errorf("one-vhost format = %+v, want %+v", single.Format, want)
	}
	for _, d := range []*Definitions{broker, single} {
		if len(d.Warnings) != 0 {
			t.Errorf("warnings: %v", d.Warnings)
		}
	}
	bv, _ := broker.Vhost(defsFixtureVhost)
	sv, _ := single.Vhost(defsFixtureVhost)
	if !reflect.DeepEqual(bv, sv) {
		t.Errorf("the two shapes give different topologies:\n%+v\n%+v", bv, sv)
	}
	renamed := mustParseDefs(t, readDefsFixture(t, defsVhostFixture), "/")
	if rv, ok := renamed.Vhost("/"); !ok || !reflect.DeepEqual(rv.Policies, sv.Policies) || len(renamed.Warnings) != 1 {
		t.Errorf("one-vhost export loaded as /: vhosts %q, warnings %v", vhostNames(renamed), renamed.Warnings)
	}
	if _, ok := broker.Vhost("nope"); ok {
		t.Error("Vhost found a vhost that is not there")
	}

	v := bv
	if len(v.Exchanges) != 8 || len(v.Queues) != 9 || len(v.Bindings) != 15 || len(v.Policies) != 3 {
		t.Fatalf("counts: %d exchanges, %d queues, %d bindings, %d policies",
			len(v.Exchanges), len(v.Queues), len(v.Bindings), len(v.Policies))
	}
	if x, _ := v.Exchange("events.audit"); !x.Internal || x.Type != ExchangeFanout || !x.Durable {
		t.Errorf("events.audit = %+v", x)
	}
	if x, _ := v.Exchange("orders"); !x.Arguments["alternate-exchange"].Equal(String("orders.unrouted")) {
		t.Errorf("orders arguments = %v", x.Arguments)
	}
	for name, typ := range map[string]string{"orders.dead": "quorum", "events.stream": "stream", "compute": "classic", "reply/π": "classic"} {
		if q, ok := v.Queue(name); !ok || q.Type != typ {
			t.Errorf("queue %q type = %+v, want %s", name, q, typ)
		}
	}
	if q, _ := v.Queue("orders.new"); !q.Arguments["x-message-ttl"].Equal(Long(60000)) {
		t.Errorf("orders.new arguments = %v", q.Arguments)
	}
	var headerArgs []Table
	for _, b := range v.Bindings {
		if b.Source == "match" {
			headerArgs = append(headerArgs, b.Arguments)
		}
	}
	wantArgs := []Table{
		{"x-match": String("all"), "format": String("pdf"), "type": String("report")},
		{"x-match": String("any"), "pages": Long(3), "ratio": Double(0.5), "urgent": Bool(true)},
	}
	if len(headerArgs) != 2 || !tablesEqual(headerArgs[0], wantArgs[0], Value.Equal) || !tablesEqual(headerArgs[1], wantArgs[1], Value.Equal) {
		t.Errorf("headers binding arguments = %v", headerArgs)
	}
	var e2e int
	for _, b := range v.Bindings {
		if b.DestinationType == DestExchange {
			e2e++
		}
	}
	if e2e != 2 {
		t.Errorf("%d exchange-to-exchange bindings, want 2", e2e)
	}
	wantPolicies := []Policy{
		{Name: "ae-nova", Pattern: "^nova$", ApplyTo: "exchanges", Priority: 1, Definition: Table{"alternate-exchange": String("orders.unrouted")}},
		{Name: "limits", Pattern: "^compute", ApplyTo: "queues", Definition: Table{"max-length": Long(5000), "message-ttl": Long(30000), "overflow": String("drop-head")}},
		{Name: "cap", Pattern: ".*", ApplyTo: "queues", Definition: Table{"max-length-bytes": Long(1000000000)}, Operator: true},
	}
	if !reflect.DeepEqual(v.Policies, wantPolicies) {
		t.Errorf("policies =\n%+v\nwant\n%+v", v.Policies, wantPolicies)
	}

	// The topology routes as the broker did.
	r := NewRouter(v.WithBuiltins(), Options{})
	for _, c := range []struct {
		m    Message
		want []string
	}{
		{Message{Exchange: "nova", RoutingKey: "compute"}, []string{"compute", "compute.fanout"}},
		{Message{Exchange: "orders", RoutingKey: "new"}, []string{"orders.new"}},
		{Message{Exchange: "orders", RoutingKey: "other"}, []string{"orders.unrouted"}},
		{Message{Exchange: "events", RoutingKey: "audit.login"}, []string{"audit"}},
		{Message{Exchange: "amq.topic", RoutingKey: "audit.x"}, []string{"audit"}},
		{Message{Exchange: "match", Headers: Table{"pages": Long(3)}}, []string{"pdfs"}},
	} {
		if got := r.Route(c.m); !slices.Equal(got.Queues, c.want) || got.Err != nil {
			t.Errorf("route %+v = %+v, want %q", c.m, got, c.want)
		}
	}
}

func TestDefinitionsShapes(t *testing.T) {
	tests := []struct {
		name, json, vhost string
		vhosts            []string
		format            DefinitionsFormat
		check             func(*testing.T, *Definitions)
	}{
		{
			name: "whole broker",
			json: `{"rabbit_version":"3.10.8","vhosts":[{"name":"/"},{"name":"b"},{"name":"a"}],
				"queues":[{"name":"q","vhost":"b","durable":true,"auto_delete":false,"arguments":{}}],
				"exchanges":[{"name":"x","vhost":"a","type":"topic","durable":true,"auto_delete":false,"internal":false,"arguments":{}}],
				"bindings":[{"source":"x","vhost":"a","destination":"x","destination_type":"exchange","routing_key":"k","arguments":{}}],
				"policies":[]}`,
			vhost:  "ignored",
			vhosts: []string{"/", "a", "b"},
			check: func(t *testing.T, d *Definitions) {
				a, _ := d.Vhost("a")
				if len(a.Exchanges) != 1 || len(a.Bindings) != 1 || len(a.Queues) != 0 {
					t.Errorf("a = %+v", a)
				}
			},
		},
		{
			name:   "one vhost, named by the caller",
			json:   `{"rabbit_version":"3.10.8","queues":[{"name":"q","durable":true,"auto_delete":false,"arguments":{}}],"exchanges":[],"bindings":[]}`,
			vhost:  "nova",
			vhosts: []string{"nova"},
			format: DefinitionsFormat{OneVhost: true},
		},
		{
			name:   "one vhost, default name",
			json:   `{"queues":[{"name":"q","durable":true,"auto_delete":false,"arguments":{}}]}`,
			vhosts: []string{"/"},
			format: DefinitionsFormat{OneVhost: true},
		},
		{
			name:   "one vhost, nothing in it",
			json:   `{"rabbit_version":"3.10.8","parameters":[],"policies":[],"queues":[],"exchanges":[],"bindings":[]}`,
			vhosts: []string{"/"},
			format: DefinitionsFormat{OneVhost: true},
		},
		{
			name:   "whole broker, nothing in it",
			json:   `{"users":[],"vhosts":[{"name":"/"}],"queues":[],"exchanges":[],"bindings":[]}`,
			vhosts: []string{"/"},
		},
		{
			name: "newer RabbitMQ: format key, original vhost name, queue type, no internal key",
			json: `{"rabbitmq_definition_format":"single_virtual_host","original_vhost_name":"cell1",
				"policies":[{"name":"p","pattern":".","apply-to":"quorum_queues","definition":{"delivery-limit":5},"priority":0}],
				"queues":[{"name":"q","durable":true,"auto_delete":false,"type":"quorum","arguments":{}}],
				"exchanges":[{"name":"x","type":"direct","durable":true,"auto_delete":false,"arguments":{}}]}`,
			vhosts: []string{"cell1"},
			format: DefinitionsFormat{OneVhost: true, QueueType: true, NoInternal: true},
			check: func(t *testing.T, d *Definitions) {
				v := &d.Vhosts[0]
				if q, _ := v.Queue("q"); q.Type != "quorum" {
					t.Errorf("queue type = %q", q.Type)
				}
				if d.Version() != "" {
					t.Errorf("version = %q", d.Version())
				}
			},
		},
		{
			name:   "format key, no items",
			json:   `{"rabbitmq_definition_format":"cluster","policies":[{"vhost":"v","name":"p","pattern":".","definition":{}}]}`,
			vhosts: []string{"v"},
			check: func(t *testing.T, d *Definitions) {
				if p := d.Vhosts[0].Policies; len(p) != 1 || p[0].ApplyTo != "all" {
					t.Errorf("policies = %+v", p)
				}
			},
		},
		{
			name:   "operator_policies key",
			json:   `{"vhosts":[{"name":"/"}],"operator_policies":[{"vhost":"/","name":"cap","pattern":".*","apply-to":"queues","definition":{"max-length":10},"priority":0}]}`,
			vhosts: []string{"/"},
			format: DefinitionsFormat{OperatorPolicies: true},
			check: func(t *testing.T, d *Definitions) {
				if p := d.Vhosts[0].Policies; len(p) != 1 || !p[0].Operator {
					t.Errorf("policies = %+v", p)
				}
			},
		},
		{
			name:   "empty tables as lists, null lists, missing optional keys",
			json:   `{"queues":null,"exchanges":[{"name":"x","type":"fanout","arguments":[]}],"bindings":[{"source":"x","destination":"x","destination_type":"exchange","arguments":null}]}`,
			vhosts: []string{"/"},
			format: DefinitionsFormat{OneVhost: true, NoInternal: true},
			check: func(t *testing.T, d *Definitions) {
				v := d.Vhosts[0]
				if v.Exchanges[0].Arguments != nil || v.Bindings[0].Arguments != nil || v.Bindings[0].RoutingKey != "" {
					t.Errorf("vhost = %+v", v)
				}
			},
		},
		{
			name:   "byte-order mark",
			json:   "\xef\xbb\xbf{\"queues\":[]}",
			vhosts: []string{"/"},
			format: DefinitionsFormat{OneVhost: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParseDefs(t, []byte(tc.json), tc.vhost)
			if got := vhostNames(d); !slices.Equal(got, tc.vhosts) {
				t.Errorf("vhosts = %q, want %q", got, tc.vhosts)
			}
			if d.Format != tc.format {
				t.Errorf("format = %+v, want %+v", d.Format, tc.format)
			}
			if len(d.Warnings) != 0 {
				t.Errorf("warnings: %v", d.Warnings)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

func TestDefinitionsErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"syntax", `{"queues": [}`, `defs.json:1:13: invalid character '}' looking for beginning of value`},
		{"syntax on a later line", "{\n  \"queues\": [\n    {\"name\": \"q\",}\n  ]\n}", `defs.json:3:18: invalid character '}' looking for beginning of object key string`},
		{"truncated", "{\n  \"queues\": [\n", `defs.json:3:1: unexpected end of JSON input`},
		{"empty", "", `defs.json:1:1: unexpected end of JSON input`},
		{"trailing data", "{}\n{}", `defs.json:2:1: invalid character '{' after top-level value`},
		{"not an object", " [1]", `defs.json:1:2: definitions must be a JSON object, not a list`},
		{"list not a list", `{"queues": {}}`, `defs.json:1:12: "queues" must be a list, not an object`},
		{"version not a string", `{"rabbit_version": 3}`, `defs.json:1:20: "rabbit_version" must be a string, not a number`},
		{"item not an object", `{"queues": [{"name":"q"}, "q2"]}`, `defs.json:1:27: queues[1]: must be an object, not a string`},
		{
			"exchange without a name",
			`{"exchanges": [{"type": "topic"}]}`,
			`defs.json:1:16: exchanges[0]: has no "name"`,
		},
		{
			"exchange with an empty name",
			`{"exchanges": [{"name": "", "type": "topic"}]}`,
			`defs.json:1:25: exchanges[0] (""): "name" must not be empty`,
		},
		{
			"exchange type not a string",
			"{\"exchanges\": [\n {\"name\": \"nova\", \"type\": 1}]}",
			`defs.json:2:27: exchanges[0] ("nova"): "type" must be a string, not a number`,
		},
		{
			"arguments not an object",
			`{"queues": [{"name": "q", "arguments": "x"}]}`,
			`defs.json:1:40: queues[0] ("q"): "arguments" must be an object, not a string`,
		},
		{
			"argument out of range",
			`{"queues": [{"name": "q", "arguments": {"x-max-length": 99999999999999999999}}]}`,
			`defs.json:1:40: queues[0] ("q"): "arguments": "x-max-length": integer 99999999999999999999 does not fit in a signed 64-bit long`,
		},
		{
			"durable not a boolean",
			`{"queues": [{"name": "q", "durable": "yes"}]}`,
			`defs.json:1:38: queues[0] ("q"): "durable" must be a boolean, not a string`,
		},
		{
			"bad destination_type",
			`{"bindings": [{"source": "nova", "destination": "q", "destination_type": "foo", "routing_key": ""}]}`,
			`defs.json:1:74: bindings[0] ("nova" -> "q"): destination_type must be "queue" or "exchange", not "foo"`,
		},
		{
			"binding without a destination",
			`{"bindings": [{"source": "nova", "destination_type": "queue"}]}`,
			`defs.json:1:15: bindings[0] ("nova" -> queue ""): has no "destination"`,
		},
		{
			"policy priority not an integer",
			`{"policies": [{"name": "p", "pattern": ".", "definition": {}, "priority": 1.5}]}`,
			`defs.json:1:75: policies[0] ("p"): "priority" must be an integer, not 1.5`,
		},
		{
			"policy without a definition",
			`{"policies": [{"name": "p", "pattern": "."}]}`,
			`defs.json:1:15: policies[0] ("p"): has no "definition"`,
		},
		{
			"operator-policy parameter with a bad value",
			`{"parameters": [{"component": "operator_policy", "name": "cap", "value": {"pattern": 1}}]}`,
			`defs.json:1:86: parameters[0] ("cap"): "pattern" must be a string, not a number`,
		},
		{
			"vhost on some items only",
			`{"queues": [{"name": "q", "vhost": "/"}], "exchanges": [{"name": "x", "type": "direct"}]}`,
			`defs.json:1:57: exchanges[0] ("x"): has no "vhost" key, but queues[0] ("q") has one; an export names the vhost on every item or on none`,
		},
		{
			"vhost on a later item only",
			`{"queues": [{"name": "q"}], "bindings": [{"source": "x", "vhost": "/", "destination": "q", "destination_type": "queue"}]}`,
			`defs.json:1:42: bindings[0] ("x" -> queue "q"): has a "vhost" key, but queues[0] ("q") has none; an export names the vhost on every item or on none`,
		},
		{
			"whole-broker policy without a vhost",
			`{"queues": [{"name": "q", "vhost": "/"}], "policies": [{"name": "p", "pattern": ".", "definition": {}}]}`,
			`defs.json:1:56: policies[0] ("p"): has no "vhost"`,
		},
		{
			"vhosts entry without a name",
			`{"vhosts": [{"tags": []}]}`,
			`defs.json:1:13: vhosts[0]: has no "name"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDefinitions("defs.json", []byte(tc.json), "")
			if err == nil {
				t.Fatalf("no error; got %+v", d)
			}
			var de *DefinitionsError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DefinitionsError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestDefinitionsWarnings(t *testing.T) {
	const q = `{"name":%q,"vhost":%q,"durable":true,"auto_delete":false,"arguments":{}}`
	tests := []struct {
		name, json string
		want       []string
	}{
		{
			name: "bindings whose ends are missing",
			json: `{"exchanges":[{"name":"x","type":"direct"}],"queues":[{"name":"q"}],"bindings":[
				{"source":"x","destination":"gone","destination_type":"queue","routing_key":"a"},
				{"source":"nope","destination":"q","destination_type":"queue","routing_key":"b"},
				{"source":"x","destination":"nope","destination_type":"exchange","routing_key":"c"},
				{"source":"amq.topic","destination":"q","destination_type":"queue","routing_key":"d"},
				{"source":"amq.rabbitmq.trace","destination":"q","destination_type":"queue","routing_key":"#"},
				{"source":"x","destination":"amq.fanout","destination_type":"exchange","routing_key":"e"},
				{"source":"","destination":"q","destination_type":"queue","routing_key":"q"},
				{"source":"x","destination":"","destination_type":"exchange","routing_key":"f"}]}`,
			want: []string{
				`bindings[0] ("x" -> queue "gone"): destination queue "gone" does not exist in vhost "/"`,
				`bindings[1] ("nope" -> queue "q"): source exchange "nope" does not exist in vhost "/"`,
				`bindings[2] ("x" -> exchange "nope"): destination exchange "nope" does not exist in vhost "/"`,
				`bindings[6] ("" -> queue "q"): the default exchange cannot have explicit bindings`,
				`bindings[7] ("x" -> exchange ""): the default exchange cannot be a binding's destination`,
			},
		},
		{
			name: "vhost not listed",
			json: `{"vhosts":[{"name":"/"}],"queues":[` + fmt.Sprintf(q, "a", "ghost") + `,` + fmt.Sprintf(q, "b", "ghost") + `]}`,
			want: []string{`vhost "ghost": is not in the "vhosts" list, yet 2 items name it, the first queues[0] ("a")`},
		},
		{
			name: "duplicates",
			json: `{"queues":[{"name":"q"},{"name":"q","durable":true}],
				"bindings":[{"source":"amq.direct","destination":"q","destination_type":"queue","routing_key":"k","arguments":{"a":1}},
				            {"source":"amq.direct","destination":"q","destination_type":"queue","routing_key":"k","arguments":{"a":1}},
				            {"source":"amq.direct","destination":"q","destination_type":"queue","routing_key":"k","arguments":{"a":1.0}}]}`,
			want: []string{
				`queues[1] ("q"): queue "q" in vhost "/" comes twice; the first is kept`,
				`bindings[1] ("amq.direct" -> queue "q"): the same binding in vhost "/" comes twice; the first is kept`,
			},
		},
		{
			name: "odd but loadable items",
			json: `{"exchanges":[{"name":"amq.direct","type":"direct","internal":false,"policy":"p"},{"name":"x","type":"direct","policy":"p"}],
				"queues":[{"name":"q","type":"quorum","arguments":{"x-queue-type":"classic"}}],
				"policies":[{"vhost":"other","name":"p","pattern":".","apply-to":"topics","definition":{}}]}`,
			want: []string{
				`exchanges[0] ("amq.direct"): has key "policy", which kaiten does not model and drops when writing (warned once for all exchanges)`,
				`exchanges[0] ("amq.direct"): is a built-in exchange, which exports leave out and RabbitMQ skips on import`,
				`queues[0] ("q"): type "quorum" disagrees with its x-queue-type argument "classic"; type is used`,
				`policies[0] ("p"): apply-to "topics" is not one RabbitMQ knows; the policy applies to nothing`,
				`policies[0] ("p"): names vhost "other", but this export is of vhost "/"; it (and any like it) is loaded into "/"`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParseDefs(t, []byte(tc.json), "/")
			var got []string
			for _, w := range d.Warnings {
				got = append(got, w.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tc.want, "\n     "))
			}
		})
	}
}

// defsSemantic decodes JSON for comparison: numbers keep their text and
// lists are compared as sets, since writing sorts items.
func defsSemantic(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var norm func(any) any
	norm = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				v[k] = norm(e)
			}
		case []any:
			for i, e := range v {
				v[i] = norm(e)
			}
			slices.SortFunc(v, func(a, b any) int {
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				return bytes.Compare(ja, jb)
			})
		}
		return v
	}
	return norm(v)
}

func TestDefinitionsRoundTrip(t *testing.T) {
	inputs := map[string]string{
		"broker fixture":    string(readDefsFixture(t, defsBrokerFixture)),
		"one-vhost fixture": string(readDefsFixture(t, defsVhostFixture)),
		"newer RabbitMQ": `{"rabbitmq_version":"4.3.0","rabbitmq_definition_format":"single_virtual_host","original_vhost_name":"cell1","limits":{},
			"parameters":[{"component":"federation-upstream","name":"up","value":{"uri":"amqp://a"}},{"component":"operator_policy","name":"cap","value":{"pattern":".*","definition":{"max-length":1},"priority":0,"apply-to":"queues"}}],
			"policies":[{"name":"p","pattern":".","apply-to":"all","definition":{"alternate-exchange":"ae","message-ttl":1.5},"priority":2}],
			"queues":[{"name":"s","durable":true,"auto_delete":false,"type":"stream","arguments":{"x-queue-type":"stream"}},{"name":"c","durable":true,"auto_delete":false,"type":"classic","arguments":{}}],
			"exchanges":[{"name":"ae","type":"fanout","durable":true,"auto_delete":false,"arguments":{}}],
			"bindings":[{"source":"ae","destination":"c","destination_type":"queue","routing_key":"","arguments":{"x-match":"any","t":"2024-01-01","n":null,"l":[1,"a",true]}}]}`,
		"operator_policies key": `{"vhosts":[{"name":"/"},{"name":"b"}],"operator_policies":[{"vhost":"b","name":"cap","pattern":".*","apply-to":"queues","definition":{"max-length":10},"priority":0}],
			"policies":[],"queues":[],"exchanges":[],"bindings":[],"some_future_key":{"kept":[1,2]}}`,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			d1 := mustParseDefs(t, []byte(in), "")
			out1, err := d1.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := defsSemantic(t, out1), defsSemantic(t, []byte(in)); !reflect.DeepEqual(got, want) {
				t.Errorf("written JSON differs from the input:\n%s", out1)
			}
			d2 := mustParseDefs(t, out1, "")
			if !reflect.DeepEqual(d1.Vhosts, d2.Vhosts) || d1.Format != d2.Format || d1.Version() != d2.Version() {
				t.Errorf("parse → write → parse changed the model:\n%+v\n%+v", d1, d2)
			}
			for key, raw := range d1.Extra {
				if !reflect.DeepEqual(defsSemantic(t, raw), defsSemantic(t, d2.Extra[key])) {
					t.Errorf("Extra[%q] changed: %s → %s", key, raw, d2.Extra[key])
				}
			}
			out2, err := d2.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out1, out2) {
				t.Errorf("writing is not deterministic:\n%s\n%s", out1, out2)
			}
		})
	}
}

// A model built in code, in no particular order, writes and reads back
// the same.
func TestDefinitionsWriteModel(t *testing.T) {
	d := &Definitions{
		RabbitMQVersion: "3.13.7",
		Extra:           map[string]json.RawMessage{"vhosts": json.RawMessage(`[{"name":"/"}]`)},
		Vhosts: []Vhost{{
			Name: "/",
			Exchanges: []Exchange{
				{Name: "z", Type: ExchangeHeaders, Durable: true},
				{Name: "a", Type: ExchangeTopic, Internal: true, Arguments: Table{"alternate-exchange": String("z")}},
			},
			Queues: []Queue{
				{Name: "qq", Type: "quorum", Durable: true}, // no x-queue-type: "type" is written
				{Name: "cq", Arguments: Table{"x-max-priority": Long(5)}},
			},
			Bindings: []Binding{
				{Source: "a", Destination: "z", DestinationType: DestExchange, RoutingKey: "#"},
				{Source: "a", Destination: "cq", RoutingKey: "k"},
			},
			Policies: []Policy{
				{Name: "op", Pattern: ".", ApplyTo: "queues", Definition: Table{"max-length": Long(1)}, Operator: true},
				{Name: "p", Pattern: ".", ApplyTo: "all", Definition: Table{"expires": Long(1000)}},
			},
		}},
	}
	out, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON: %s", out)
	}
	for _, want := range []string{
		`"name":"qq","vhost":"/","type":"quorum","durable":true`,
		`"name":"cq","vhost":"/","durable":false`,
		`"parameters":[{"value":{"pattern":".","definition":{"max-length":1},"priority":0,"apply-to":"queues"},"vhost":"/","component":"operator_policy","name":"op"}]`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	back := mustParseDefs(t, out, "")
	want := d.Vhosts[0]
	want.Queues[1].Type = "classic"
	sortVhost(&want)
	if !reflect.DeepEqual(back.Vhosts, []Vhost{want}) {
		t.Errorf("read back\n%+v\nwant\n%+v", back.Vhosts, want)
	}
	if len(back.Warnings) != 0 {
		t.Errorf("warnings: %v", back.Warnings)
	}

	// Marshalling through encoding/json uses the same writer.
	via, err := json.Marshal(d)
	if err != nil || !bytes.Equal(via, out) {
		t.Errorf("json.Marshal differs: %v\n%s", err, via)
	}

	two := &Definitions{Format: DefinitionsFormat{OneVhost: true}, Vhosts: []Vhost{{Name: "a"}, {Name: "b"}}}
	if _, err := two.MarshalJSON(); err == nil {
		t.Error("a one-vhost export of two vhosts was written")
	}
}

// TestDefinitionsUndefinedIsVoid: RabbitMQ 3.x exports a void binding
// argument as the string "undefined" (seen live on 3.10.8); the broker
// itself matches it as presence-only, so the trace must too.
func TestDefinitionsUndefinedIsVoid(t *testing.T) {
	data := []byte(`{"rabbit_version": "3.10.8", "queues": [{"name": "q", "durable": true, "auto_delete": false, "arguments": {}}],
		"exchanges": [], "bindings": [{"source": "amq.match", "destination": "q", "destination_type": "queue", "routing_key": "",
		"arguments": {"x-match": "any", "b": "undefined"}}]}`)
	d, err := ParseDefinitions("v.json", data, "/")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Vhosts[0].Bindings[0].Arguments["b"]; got.Type != TypeVoid {
		t.Fatalf("argument b = %v, want void", got)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0].Text, "undefined") {
		t.Errorf("warnings = %v, want one about undefined", d.Warnings)
	}
	r := NewRouter(d.Vhosts[0], Options{})
	if got := r.Route(Message{Exchange: "amq.match", Headers: Table{"b": Long(1)}}).Queues; len(got) != 1 {
		t.Errorf("a header b of any value must match a void argument; routed to %v", got)
	}
}
