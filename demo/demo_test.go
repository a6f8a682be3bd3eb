package demo

import (
	"context"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

const (
	testSeed = 1
	testRate = 25 // actions a second, for a sample in seconds
)

// TestDemo starts the demo on a scratch vhost of a real RabbitMQ and
// checks the topology, the traffic (through the firehose), calls from an
// independent client, switching the services off and on, and Stop. It is
// not parallel, so that the goroutine check at the end sees only its own.
func TestDemo(t *testing.T) {
	r := live(t)
	vhost, amqpURL := r.vhost(t, true)
	conn, ch := dial(t, amqpURL)
	fh := startFirehose(t, ch)

	d, err := Start(context.Background(), Options{
		URL: amqpURL, Logger: testLogger(t, slog.LevelInfo), Seed: testSeed, Rate: testRate,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	if d.Seed() != testSeed || !d.Services() {
		t.Fatalf("seed %d services %v", d.Seed(), d.Services())
	}

	t.Run("topology", func(t *testing.T) { checkTopology(t, r, vhost) })
	t.Run("live", func(t *testing.T) {
		t.Run("traffic", func(t *testing.T) { t.Parallel(); checkTraffic(t, fh) })
		t.Run("calls", func(t *testing.T) { checkCalls(t, conn) })
		t.Run("dead letters", func(t *testing.T) { t.Parallel(); checkPlainQueues(t, conn) })
	})
	t.Run("services off and on", func(t *testing.T) {
		d.SetServices(false)
		if d.Services() {
			t.Fatal("Services() after SetServices(false)")
		}
		for _, q := range []string{"compute", "compute.host1", "scheduler", "q-plugin", qNotifyInfo} {
			got, err := inspect(t, conn, q)
			if err != nil {
				t.Fatalf("queue %s after the services stopped: %v", q, err)
			}
			if got.Consumers != 0 {
				t.Errorf("queue %s has %d consumers with the services off", q, got.Consumers)
			}
		}
		checkTopology(t, r, vhost) // all still there, fanout exchanges included
		d.SetServices(true)
		eventually(t, 5*time.Second, "compute.host1 consumed again", func() bool {
			q, err := inspect(t, conn, "compute.host1")
			return err == nil && q.Consumers == 1
		})
	})
	t.Run("stop", func(t *testing.T) {
		_ = conn.Close() // its goroutines are not the demo's
		began := time.Now()
		d.Stop()
		if took := time.Since(began); took > 3*time.Second {
			t.Errorf("Stop took %v", took)
		}
		d.Stop()
		d.SetServices(true) // does nothing after Stop
		if d.Services() {
			t.Error("services on after Stop")
		}
		noDemoGoroutines(t)
	})
}

const qNotifyInfo = "notifications.info"

var (
	hex32     = regexp.MustCompile(`^[0-9a-f]{32}$`)
	transient = map[string]any{"x-expires": float64(transientTTL)}
)

// checkTopology checks through the management API that everything is
// declared as oslo.messaging declares it, and the rest as designed.
func checkTopology(t *testing.T, r *rabbit, vhost string) {
	type exchange struct {
		Name       string         `json:"name"`
		Type       string         `json:"type"`
		Durable    bool           `json:"durable"`
		AutoDelete bool           `json:"auto_delete"`
		Internal   bool           `json:"internal"`
		Arguments  map[string]any `json:"arguments"`
	}
	type queue struct {
		Name       string         `json:"name"`
		Durable    bool           `json:"durable"`
		AutoDelete bool           `json:"auto_delete"`
		Exclusive  bool           `json:"exclusive"`
		Arguments  map[string]any `json:"arguments"`
	}
	type binding struct {
		Source    string         `json:"source"`
		Dest      string         `json:"destination"`
		DestType  string         `json:"destination_type"`
		Key       string         `json:"routing_key"`
		Arguments map[string]any `json:"arguments"`
	}
	var exs []exchange
	var qs []queue
	var bs []binding
	v := "/" + strings.ReplaceAll(vhost, "/", "%2F")
	r.api(t, "GET", "/api/exchanges"+v, nil, &exs)
	r.api(t, "GET", "/api/queues"+v, nil, &qs)
	r.api(t, "GET", "/api/bindings"+v, nil, &bs)

	exByName := map[string]exchange{}
	for _, e := range exs {
		exByName[e.Name] = e
	}
	wantEx := func(name, typ string, durable, autoDelete bool, args map[string]any) {
		t.Helper()
		e, ok := exByName[name]
		switch {
		case !ok:
			t.Errorf("no exchange %s", name)
		case e.Type != typ || e.Durable != durable || e.AutoDelete != autoDelete || e.Internal:
			t.Errorf("exchange %s: %+v, want %s durable=%v auto_delete=%v", name, e, typ, durable, autoDelete)
		case !sameArgs(e.Arguments, args):
			t.Errorf("exchange %s arguments %v, want %v", name, e.Arguments, args)
		}
	}
	for _, x := range []string{exNova, exNeutron} {
		wantEx(x, "topic", false, false, nil)
	}
	for _, topic := range []string{"compute", "scheduler", "conductor", "q-plugin", "dhcp_agent", "l3_agent"} {
		wantEx(topic+"_fanout", "fanout", false, true, nil)
	}
	wantEx(exIngress, "topic", true, false, map[string]any{"alternate-exchange": exUnrouted})
	wantEx(exUnrouted, "fanout", true, false, nil)
	wantEx(exDLX, "fanout", true, false, nil)
	wantEx(exImages, "headers", true, false, nil)
	wantEx(exMonitoring, "topic", true, false, nil)

	qByName := map[string]queue{}
	fanoutQs := map[string]int{}
	for _, q := range qs {
		qByName[q.Name] = q
		if topic, id, ok := strings.Cut(q.Name, "_fanout_"); ok && hex32.MatchString(id) {
			fanoutQs[topic]++
			if q.Durable || q.AutoDelete || q.Exclusive || !sameArgs(q.Arguments, transient) {
				t.Errorf("fanout queue %+v, want transient with x-expires 1800000", q)
			}
		}
		if id, ok := strings.CutPrefix(q.Name, "reply_"); ok && (!hex32.MatchString(id) || q.Durable || !sameArgs(q.Arguments, transient)) {
			t.Errorf("reply queue %+v, want reply_<32 hex> with x-expires 1800000", q)
		}
	}
	if fanoutQs["compute"] != 2 || fanoutQs["scheduler"] != 1 || fanoutQs["l3_agent"] != 1 {
		t.Errorf("fanout queues per topic %v, want one per server", fanoutQs)
	}
	for _, name := range []string{
		"compute", "compute.host1", "compute.host2", "scheduler", "scheduler.controller",
		"conductor", "conductor.controller", "q-plugin", "q-plugin.controller",
		"dhcp_agent", "dhcp_agent.net1", "l3_agent", "l3_agent.net1", qNotifyInfo, "notifications.error",
	} {
		q, ok := qByName[name]
		if !ok {
			t.Errorf("no queue %s", name)
		} else if q.Durable || q.AutoDelete || q.Exclusive || len(q.Arguments) != 0 {
			t.Errorf("queue %+v, want oslo's defaults: transient, no arguments", q)
		}
	}
	billing := map[string]any{"x-dead-letter-exchange": exDLX, "x-message-ttl": float64(billingTTL)}
	if q := qByName[qBilling]; !sameArgs(q.Arguments, billing) {
		t.Errorf("queue billing arguments %v, want %v", q.Arguments, billing)
	}
	for _, name := range []string{qUnrouted, qDeadLetters, qAudit, qImagesQcow2, qImagesRaw, qMonitorErrors} {
		if _, ok := qByName[name]; !ok {
			t.Errorf("no queue %s", name)
		}
	}

	has := func(src, dst, destType, key string, args map[string]any) {
		t.Helper()
		for _, b := range bs {
			if b.Source == src && b.Dest == dst && b.DestType == destType && b.Key == key && sameArgs(b.Arguments, args) {
				return
			}
		}
		t.Errorf("no binding %s -> %s %s key %q args %v", src, destType, dst, key, args)
	}
	has(exNova, "compute", "queue", "compute", nil)
	has(exNova, "compute.host2", "queue", "compute.host2", nil)
	has(exNeutron, "l3_agent.net1", "queue", "l3_agent.net1", nil)
	for _, x := range []string{exNova, exNeutron} {
		has(x, qNotifyInfo, "queue", qNotifyInfo, nil)
		has(x, "notifications.error", "queue", "notifications.error", nil)
		has(x, exMonitoring, "exchange", "notifications.*", nil)
	}
	has(exImages, qImagesQcow2, "queue", "", map[string]any{"x-match": "all", "format": "qcow2", "size": "large"})
	has(exImages, qImagesRaw, "queue", "", map[string]any{"x-match": "any", "format": "raw", "size": "small"})
	has(exIngress, qBilling, "queue", "billing.#", nil)
	has(exUnrouted, qUnrouted, "queue", "", nil)
	has(exDLX, qDeadLetters, "queue", "", nil)
	for _, b := range bs {
		if strings.HasPrefix(b.Dest, "reply_") && b.Source != "" {
			t.Errorf("reply queue bound explicitly: %+v", b)
		}
	}
}

func sameArgs(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// checkTraffic waits until the firehose has shown every kind of message
// the demo makes, all decoding as oslo's where they should.
func checkTraffic(t *testing.T, fh *firehose) {
	want := []string{
		"call", "cast", "compute fanout cast", "fanout cast", "reply", "heartbeat",
		"notification on nova", "notification on neutron", "neutron call", "unroutable", "image",
		exIngress,
	}
	var seen kindsSeen
	eventually(t, 10*time.Second, "every kind of message on the bus", func() bool {
		seen = classify(t, fh.snapshot())
		for _, k := range want {
			if seen[k] == 0 {
				return false
			}
		}
		return true
	})
	failures := 0
	for k, n := range seen {
		if strings.HasPrefix(k, "failure ") {
			failures += n
		}
	}
	if failures == 0 {
		t.Errorf("no failure replies in %v", seen)
	}
	t.Logf("seen: %v", seen)
}

// checkPlainQueues waits for the plain-AMQP side: the alternate
// exchange's queue, the headers exchange's, and dead letters with x-death
// from billing.
func checkPlainQueues(t *testing.T, conn *amqp.Connection) {
	for _, q := range []string{qUnrouted, qImagesQcow2, qImagesRaw, qMonitorErrors, qDeadLetters} {
		eventually(t, 12*time.Second, "messages in "+q, func() bool {
			got, err := inspect(t, conn, q)
			return err == nil && got.Messages > 0
		})
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	d, ok, err := ch.Get(qDeadLetters, true)
	if err != nil || !ok {
		t.Fatalf("get from %s: %v %v", qDeadLetters, ok, err)
	}
	deaths, _ := d.Headers["x-death"].([]any)
	if len(deaths) == 0 {
		t.Fatalf("dead letter without x-death: %v", d.Headers)
	}
	death, _ := deaths[0].(amqp.Table)
	if death["queue"] != qBilling || (death["reason"] != "expired" && death["reason"] != "rejected") {
		t.Errorf("x-death %v, want billing expired or rejected", death)
	}
}

// checkCalls calls the demo's servers with a client of the tests' own and
// checks results and failures as oslo.messaging would read them.
func checkCalls(t *testing.T, conn *amqp.Connection) {
	c := newCloud(testSeed)
	known := c.instanceOn(newRNG(7, 7), "host1")
	host1 := model.OsloTarget{Exchange: exNova, Topic: "compute", Server: "host1"}
	cases := []struct {
		name    string
		target  model.OsloTarget
		req     model.OsloRequest
		monitor time.Duration
		result  string // Python JSON of the result, when it succeeds
		failure *model.RemoteError
		tbLast  string
	}{
		{
			name: "ping in the baseapi namespace", target: host1,
			req:    testRequest("ping", "baseapi", "1.1", kv("arg", model.PyStr("kaiten"))),
			result: `{"service": "compute", "arg": "kaiten"}`,
		},
		{
			name: "oslo ping, any compute", target: model.OsloTarget{Exchange: exNova, Topic: "compute"},
			req: testRequest("oslo_rpc_server_ping", "", ""), result: `"pong"`,
		},
		{
			name: "try endpoint: add at oslo's default version", target: model.OsloTarget{Exchange: exNova, Topic: "compute"},
			req:    testRequest("add", "", "", kv("a", model.PyInt(2)), kv("b", model.PyInt(3))),
			result: `5`,
		},
		{
			name: "try endpoint: add joins strings", target: host1,
			req:    testRequest("add", "", "1.0", kv("a", model.PyStr("sushi ")), kv("b", model.PyStr("belt"))),
			result: `"sushi belt"`,
		},
		{
			name: "try endpoint: add with floats", target: host1,
			req:    testRequest("add", "", "1.0", kv("a", model.PyFloat(0.5)), kv("b", model.PyInt(2))),
			result: `2.5`,
		},
		{
			name: "try endpoint: add without b", target: host1, req: testRequest("add", "", "", kv("a", model.PyInt(2))),
			failure: &model.RemoteError{Class: "TypeError", Module: "builtins", Message: "add() missing 1 required positional argument: 'b'"},
			tbLast:  "TypeError: add() missing 1 required positional argument: 'b'\n",
		},
		{
			name: "try endpoint: add a number and a string", target: host1,
			req:     testRequest("add", "", "", kv("a", model.PyInt(2)), kv("b", model.PyStr("x"))),
			failure: &model.RemoteError{Class: "TypeError", Module: "builtins", Message: "unsupported operand type(s) for +: 'int' and 'str'"},
		},
		{
			name: "try endpoint: echo", target: host1,
			req:    testRequest("echo", "", "1.0", kv("x", model.PyList(model.PyInt(1), model.PyNone()))),
			result: `{"x": [1, null]}`,
		},
		{
			name: "neutron dhcp namespace", target: model.OsloTarget{Exchange: exNeutron, Topic: "q-plugin"},
			req: testRequest("get_network_info", "dhcp", "1.1", kv("network_id", model.PyStr(c.networks[0].id))),
		},
		{
			name: "no such method", target: host1, req: testRequest("nosuch", "", "6.0"),
			failure: &model.RemoteError{
				Class: "NoSuchMethod", Module: "oslo_messaging.rpc.dispatcher",
				Message: "Endpoint does not support RPC method nosuch",
			},
			tbLast: "oslo_messaging.rpc.dispatcher.NoSuchMethod: Endpoint does not support RPC method nosuch\n",
		},
		{
			name: "unsupported version", target: host1, req: testRequest("get_host_uptime", "", "7.0"),
			failure: &model.RemoteError{
				Class: "UnsupportedVersion", Module: "oslo_messaging.rpc.dispatcher",
				Message: "Endpoint does not support RPC version 7.0. Attempted method: get_host_uptime",
			},
		},
		{
			name: "private method", target: host1, req: testRequest("_secret", "", "6.0"),
			failure: &model.RemoteError{Class: "NoSuchMethod", Module: "oslo_messaging.rpc.dispatcher", Message: "Endpoint does not support RPC method _secret"},
		},
		{
			name: "ValueError", target: host1,
			req: testRequest("get_console_output", "", "6.0", kv("instance", known.object()), kv("tail_length", model.PyStr("all"))),
			failure: &model.RemoteError{
				Class: "ValueError", Module: "builtins", Message: "invalid literal for int() with base 10: 'all'",
			},
			tbLast: "ValueError: invalid literal for int() with base 10: 'all'\n",
		},
		{
			name: "nova exception", target: host1,
			req: testRequest("get_console_output", "", "6.0", kv("instance", object("Instance", "2.7", kv("uuid", model.PyStr("gone")))), kv("tail_length", model.PyInt(5))),
			failure: &model.RemoteError{
				Class: "InstanceNotFound", Module: "nova.exception", Message: "Instance gone could not be found.",
				Kwargs: model.PyDict(kv("instance_id", model.PyStr("gone")), kv("code", model.PyInt(404))),
			},
		},
		{
			name: "slow, with heartbeats", target: model.OsloTarget{Exchange: exNova, Topic: "compute", Server: "host2"},
			req:     testRequest("check_can_live_migrate_destination", "", "6.0", kv("instance", known.object())),
			monitor: 2 * time.Second,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, heartbeats := newOsloClient(t, conn).call(t, tc.target, tc.req, tc.monitor)
			if tc.monitor > 0 && heartbeats == 0 {
				t.Errorf("no heartbeat in a call that took more than _timeout/2")
			}
			if tc.failure == nil {
				if r.Failure != nil {
					t.Fatalf("failure %v", r.Failure)
				}
				if tc.result != "" && r.Result.String() != tc.result {
					t.Errorf("result %s, want %s", r.Result, tc.result)
				}
				if r.Result.IsNull() {
					t.Errorf("null result")
				}
				return
			}
			f := r.Failure
			if f == nil {
				t.Fatalf("result %s, want %s", r.Result, tc.failure.Class)
			}
			if f.Class != tc.failure.Class || f.Module != tc.failure.Module || f.Message != tc.failure.Message {
				t.Errorf("failure %s.%s %q, want %s.%s %q", f.Module, f.Class, f.Message, tc.failure.Module, tc.failure.Class, tc.failure.Message)
			}
			if f.Args.String() != model.PyList(model.PyStr(f.Message)).String() {
				t.Errorf("args %s, want [message]", f.Args)
			}
			wantKw := tc.failure.Kwargs
			if wantKw.Kind == model.PyNull {
				wantKw = model.PyDict()
			}
			if f.Kwargs.String() != wantKw.String() {
				t.Errorf("kwargs %s, want %s", f.Kwargs, wantKw)
			}
			if len(f.Traceback) < 3 || f.Traceback[0] != "Traceback (most recent call last):\n" ||
				!strings.HasPrefix(f.Traceback[1], `  File "/usr/lib/python3/dist-packages/oslo_messaging/rpc/server.py"`) {
				t.Errorf("traceback %q", f.Traceback)
			} else if tc.tbLast != "" && f.Traceback[len(f.Traceback)-1] != tc.tbLast {
				t.Errorf("traceback ends %q, want %q", f.Traceback[len(f.Traceback)-1], tc.tbLast)
			}
		})
	}
}

// noDemoGoroutines waits for every goroutine of the demo, and of
// amqp091-go, to end.
func noDemoGoroutines(t *testing.T) {
	t.Helper()
	var left []string
	deadline := time.Now().Add(3 * time.Second)
	for {
		left = left[:0]
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "rabbitmq/amqp091-go") || hasDemoFrame(g) {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left after Stop:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasDemoFrame reports whether a goroutine's stack runs the demo's own
// code, not its tests.
func hasDemoFrame(stack string) bool {
	for _, m := range demoFile.FindAllStringSubmatch(stack, -1) {
		if !strings.HasSuffix(m[1], "_test.go") {
			return true
		}
	}
	return false
}

var demoFile = regexp.MustCompile(`/demo/([a-z_]+\.go):\d+`)

// TestDemoNoServicesThenCancel starts with the services off, switches
// them on, and ends the demo by cancelling its context rather than with
// Stop: everything must end all the same. Not parallel, for the
// goroutine check.
func TestDemoNoServicesThenCancel(t *testing.T) {
	r := live(t)
	_, amqpURL := r.vhost(t, false)
	conn, _ := dial(t, amqpURL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := Start(ctx, Options{URL: amqpURL, Logger: testLogger(t, slog.LevelInfo), NoServices: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if d.Services() {
		t.Error("services on with NoServices")
	}
	for _, q := range []string{"compute.host1", qBilling, qNotifyInfo} {
		got, err := inspect(t, conn, q)
		if err != nil || got.Consumers != 0 {
			t.Errorf("queue %s with the services off: %+v %v", q, got, err)
		}
	}
	d.SetServices(true)
	eventually(t, 5*time.Second, "compute.host1 consumed", func() bool {
		q, err := inspect(t, conn, "compute.host1")
		return err == nil && q.Consumers == 1
	})
	_ = conn.Close()
	cancel()
	if d.Services() {
		t.Error("services on after the context ended")
	}
	noDemoGoroutines(t)
}
