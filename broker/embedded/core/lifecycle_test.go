package core

import (
	"regexp"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestServerNamedQueue(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	name := c.declare("", nil)
	if !regexp.MustCompile(`^amq\.gen-[A-Za-z0-9_-]{22}$`).MatchString(name) {
		t.Fatalf("name %q", name)
	}
	// The empty name stands for it afterwards, as a queue and as a key.
	if err := c.ch.QueueBind("", "amq.direct", "", nil); err != nil {
		t.Fatal(err)
	}
	if res := c.publish("amq.direct", name, "m"); joined(res.Queues) != name {
		t.Fatalf("bound with the shortcut key? %v", res.Queues)
	}
	// Redeclaring a server-named queue by name is refused: amq. prefix.
	_, err := c.ch.QueueDeclare(QueueDeclare{Name: name})
	wantError(t, err, 403, "")
	if _, err := c.ch.QueueDeclare(QueueDeclare{Name: name, Passive: true}); err != nil {
		t.Fatal(err)
	}
	tag := c.consume("", true)
	if !regexp.MustCompile(`^amq\.ctag-[A-Za-z0-9_-]{22}$`).MatchString(tag) {
		t.Fatalf("tag %q", tag)
	}
}

func TestExclusiveQueueLifecycle(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	owner := connect(t, b)
	name := owner.declare("", nil)
	if _, err := owner.ch.QueueDeclare(QueueDeclare{Name: "mine", Exclusive: true, Durable: true}); err != nil {
		t.Fatal(err)
	}
	if d := owner.queueInfo("mine"); d.Durable || !d.Exclusive || d.OwnerConn != owner.conn.ID() {
		t.Fatalf("exclusive queues are never durable: %+v", d)
	}
	other := connect(t, b)
	_, err := other.ch.Consume("mine", "", false, false, false, nil)
	wantError(t, err, 405, "")
	owner.publish("", "mine", "m")
	owner.consume("mine", false)
	owner.conn.Close()
	v := owner.ch.Vhost()
	if v.lookupQueue("mine") != nil {
		t.Fatal("exclusive queue outlived its connection")
	}
	if v.lookupQueue(name) == nil {
		t.Fatal("a shared queue went with the connection")
	}
	if b.MemoryUsed() != 0 {
		t.Fatalf("memory %d", b.MemoryUsed())
	}
	if _, err := owner.conn.OpenChannel(9, nil); err == nil {
		t.Fatal("opened a channel on a closed connection")
	}
}

func TestAutoDeleteQueue(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	if _, err := c.ch.QueueDeclare(QueueDeclare{Name: "ad", AutoDelete: true}); err != nil {
		t.Fatal(err)
	}
	v := c.ch.Vhost()
	c.publish("", "ad", "m")
	if v.lookupQueue("ad") == nil {
		t.Fatal("an auto-delete queue that never had consumers must stay")
	}
	t1 := c.consume("ad", false)
	c2 := c.channel(2)
	c2.consume("ad", false)
	if err := c.ch.Cancel(t1, false); err != nil {
		t.Fatal(err)
	}
	if v.lookupQueue("ad") == nil {
		t.Fatal("deleted while a consumer remained")
	}
	c2.ch.Close() // the last consumer goes with its channel
	if v.lookupQueue("ad") != nil {
		t.Fatal("auto-delete queue not deleted")
	}
}

func TestAutoDeleteExchange(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	v := c.ch.Vhost()
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: "ax", Type: "fanout", AutoDelete: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: "up", Type: "fanout", AutoDelete: true}); err != nil {
		t.Fatal(err)
	}
	c.declare("q1", nil)
	c.declare("q2", nil)
	c.bind("q1", "ax", "")
	c.bind("q2", "ax", "")
	if err := c.ch.ExchangeBind("ax", "up", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.ch.QueueUnbind("q1", "ax", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: "ax", Passive: true}); err != nil {
		t.Fatal("deleted with a binding left")
	}
	if _, err := c.ch.QueueDelete("q2", false, false); err != nil {
		t.Fatal(err)
	}
	// ax lost its last binding; then up lost its only one (to ax).
	for _, x := range []string{"ax", "up"} {
		if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: x, Passive: true}); err == nil {
			t.Fatalf("%s not auto-deleted", x)
		}
	}
	if got := len(v.Snapshot().Bindings); got != 1 { // q1's implicit binding
		t.Fatalf("bindings left: %d", got)
	}
}

func TestVhosts(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	b.AddVhost("dev")
	b.AddVhost("dev")
	if joined(b.Vhosts()) != "/,dev" {
		t.Fatal(b.Vhosts())
	}
	conn, err := b.Connect("dev", ConnInfo{User: "guest"})
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := conn.OpenChannel(1, nil)
	if _, err := ch.QueueDeclare(QueueDeclare{Name: "q"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Consume("q", "c", true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	v, _ := b.Vhost("dev")
	snap := v.Snapshot()
	if len(snap.Exchanges) != len(model.BuiltinExchanges())+0 || len(snap.Queues) != 1 {
		t.Fatalf("snapshot %+v", snap)
	}
	if !b.DeleteVhost("dev") || b.DeleteVhost("dev") {
		t.Fatal("delete vhost")
	}
	if !conn.VhostDeleted() {
		t.Fatal("connection not told")
	}
	var buf []Delivery
	buf = ch.Drain(buf)
	if last := buf[len(buf)-1]; last.Kind != KindCancel {
		t.Fatalf("consumer not cancelled: %+v", last)
	}
	if _, err := b.Connect("dev", ConnInfo{}); err == nil {
		t.Fatal("connected to a deleted vhost")
	}
}
