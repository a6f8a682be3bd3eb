package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestListenLoopbackOnly(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:5672", "example.com:5672", ":0x"} {
		if _, err := Start(context.Background(), Options{Listen: addr}); err == nil {
			t.Errorf("Start on %q: no error, want loopback only", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", ":0"} {
		b, err := Start(context.Background(), Options{Listen: addr, NoAPI: true})
		if err != nil {
			t.Fatalf("Start on %q: %v", addr, err)
		}
		if !strings.HasPrefix(b.AMQPURL(), "amqp://guest:guest@127.0.0.1:") || b.APIURL() != "" {
			t.Errorf("Start on %q: URLs %q %q", addr, b.AMQPURL(), b.APIURL())
		}
		_ = b.Close()
	}
}

// TestListenDefaultPort: without an address the default port is taken when
// free, else any free port; a chosen address that is taken is an error.
func TestListenDefaultPort(t *testing.T) {
	t.Parallel()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, port, _ := net.SplitHostPort(held.Addr().String())
	ln, err := listenLoopback("", port)
	if err != nil {
		t.Fatal(err)
	}
	if ln.Addr().String() == held.Addr().String() {
		t.Fatal("listened on a taken port")
	}
	_ = ln.Close()
	if _, err := listenLoopback(held.Addr().String(), "5672"); err == nil {
		t.Fatal("a taken address given explicitly: no error")
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ = net.SplitHostPort(free.Addr().String())
	_ = free.Close()
	if ln, err = listenLoopback("", port); err != nil || !strings.HasSuffix(ln.Addr().String(), ":"+port) {
		t.Fatalf("a free default port not taken: %v %v", ln, err)
	}
	_ = ln.Close()
}

// TestCloseForcesConnections: Close and a cancelled ctx end the broker;
// clients hear 320 CONNECTION_FORCED as from a RabbitMQ shutting down.
func TestCloseForcesConnections(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	b, err := Start(ctx, Options{Listen: "127.0.0.1:0", NoAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := amqp.Dial(b.AMQPURL())
	if err != nil {
		t.Fatal(err)
	}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	cancel()
	select {
	case e := <-closed:
		if e == nil || e.Code != 320 || e.Reason != "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'" {
			t.Fatalf("close: %v", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the connection outlived its broker")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close after ctx ended: %v", err)
	}
	if _, err := amqp.Dial(b.AMQPURL()); err == nil {
		t.Fatal("dialled a closed broker")
	}
	if _, err := Start(ctx, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Start with a done ctx: %v", err)
	}
}

// TestVhostDeletedClosesConnections: deleting a vhost closes its
// connections with 320; CloseConnection closes one with its reason.
func TestVhostDeletedClosesConnections(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	b.Core().AddVhost("doomed")
	conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{Vhost: "doomed"})
	if err != nil {
		t.Fatal(err)
	}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	b.Core().DeleteVhost("doomed")
	select {
	case e := <-closed:
		if e == nil || e.Code != 320 || e.Reason != "CONNECTION_FORCED - vhost 'doomed' is deleted" {
			t.Fatalf("close: %v", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a connection to a deleted vhost stayed open")
	}

	conn = dial(t, b)
	closed = conn.NotifyClose(make(chan *amqp.Error, 1))
	// Closed at once after the dial: connection.open-ok goes out just
	// before the server holds the connection, and the close waits for it.
	ids := b.Core().Connections()
	if len(ids) != 1 {
		t.Fatalf("connections %+v", ids)
	}
	if !b.CloseConnection(ids[0].ID, "Closed via management plugin") {
		t.Fatalf("could not close connection %+v", ids[0])
	}
	if e := <-closed; e == nil || e.Reason != "CONNECTION_FORCED - Closed via management plugin" {
		t.Fatalf("close: %v", e)
	}
	if b.CloseConnection(12345, "x") {
		t.Fatal("closed a connection that does not exist")
	}
}

// TestManagementAPI: the API listener serves the management API with
// guest/guest, and it sees the AMQP connections.
func TestManagementAPI(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{APIListen: "127.0.0.1:0", Version: "3.10.8"})
	conn := dial(t, b)
	openCh(t, conn)
	get := func(path string, out any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, b.APIURL()+path, nil)
		req.SetBasicAuth("guest", "guest")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	var ov struct {
		Version   string `json:"rabbitmq_version"`
		Listeners []struct {
			Protocol string `json:"protocol"`
			Port     int    `json:"port"`
		} `json:"listeners"`
	}
	get("/api/overview", &ov)
	if ov.Version != "3.10.8" || len(ov.Listeners) != 2 {
		t.Fatalf("overview %+v", ov)
	}
	var conns []struct {
		User     string `json:"user"`
		Channels int    `json:"channels"`
	}
	get("/api/connections", &conns)
	if len(conns) != 1 || conns[0].User != "guest" || conns[0].Channels != 1 {
		t.Fatalf("connections %+v", conns)
	}
}

func TestDefinitions(t *testing.T) {
	t.Parallel()
	defs := `{
		"rabbit_version": "3.10.8",
		"vhosts": [{"name": "/"}, {"name": "nova"}],
		"exchanges": [{"name": "nova", "vhost": "nova", "type": "topic", "durable": false, "auto_delete": false, "internal": false, "arguments": {}}],
		"queues": [{"name": "compute", "vhost": "nova", "durable": false, "auto_delete": false, "arguments": {"x-message-ttl": 60000}}],
		"bindings": [{"source": "nova", "vhost": "nova", "destination": "compute", "destination_type": "queue", "routing_key": "compute.*", "arguments": {}}],
		"policies": [{"vhost": "nova", "name": "ttl", "pattern": "^x", "apply-to": "queues", "priority": 0, "definition": {"message-ttl": 1000}}]
	}`
	b := startBroker(t, Options{Definitions: []byte(defs)})
	conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{Vhost: "nova"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch := openCh(t, conn)
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctxTimeout(t), "nova", "compute.host1", true, false, publishing("boot"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := dc.WaitContext(ctxTimeout(t)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if d, ok, err := ch.Get("compute", true); err != nil || !ok || string(d.Body) != "boot" {
		t.Fatalf("get: %v %v", ok, err)
	}
	v, _ := b.Core().Vhost("nova")
	if ps := v.Policies(); len(ps) != 1 || ps[0].Name != "ttl" {
		t.Fatalf("policies %+v", ps)
	}
	if _, err := Start(context.Background(), Options{Definitions: []byte(`{"queues": [`)}); err == nil {
		t.Fatal("broken definitions: no error")
	}
	bad := `{"queues": [{"name": "q", "vhost": "/", "durable": false, "auto_delete": false, "arguments": {"x-message-ttl": "soon"}}]}`
	if _, err := Start(context.Background(), Options{Definitions: []byte(bad)}); err == nil || !strings.Contains(err.Error(), "queue 'q'") {
		t.Fatalf("definitions core refuses: %v", err)
	}
}
