package conformance

import (
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerExchanges checks exchange.declare (passive, equivalence,
// reserved names) and exchange.delete.
func TestBrokerExchanges(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"declare-and-passive", exchangeDeclarePassive},
		{"passive-missing", exchangePassiveMissing},
		{"redeclare-inequivalent", exchangeRedeclareInequivalent},
		{"reserved-amq-prefix", exchangeReservedPrefix},
		{"delete-if-unused", exchangeDeleteIfUnused},
		{"delete-missing", exchangeDeleteMissing},
		{"unknown-type", exchangeUnknownType},
	})
}

func exchangeDeclarePassive(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.ch()
	for _, kind := range []string{"direct", "fanout", "topic", "headers"} {
		v.exchange(ch, "x-"+kind, kind)
		// Redeclaring with the same attributes is fine; passive takes
		// any type.
		v.exchange(ch, "x-"+kind, kind)
		if err := ch.ExchangeDeclarePassive("x-"+kind, "fanout", true, true, false, false, nil); err != nil {
			t.Fatalf("passive declare of x-%s: %v", kind, err)
		}
	}
	// The predeclared exchanges exist in every vhost, and redeclaring one
	// as it is is allowed despite the reserved prefix.
	for _, x := range []string{"amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match", "amq.rabbitmq.trace"} {
		if err := ch.ExchangeDeclarePassive(x, "", false, false, false, false, nil); err != nil {
			t.Fatalf("passive declare of %s: %v", x, err)
		}
	}
	if err := ch.ExchangeDeclare("amq.direct", "direct", true, false, false, false, nil); err != nil {
		t.Fatalf("redeclaring amq.direct as it is: %v", err)
	}
}

func exchangePassiveMissing(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	err := v.ch().ExchangeDeclarePassive("nope", "direct", false, false, false, false, nil)
	wantChannelError(t, v.conn, "passive declare of a missing exchange", err, amqp.NotFound,
		"NOT_FOUND - no exchange 'nope' in vhost '"+v.name+"'")
}

func exchangeRedeclareInequivalent(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.exchange(v.ch(), "x", "direct")
	for _, c := range []struct {
		name                          string
		kind                          string
		durable, autoDelete, internal bool
		args                          amqp.Table
		reason                        string
	}{
		{
			"type", "fanout", false, false, false, nil,
			"PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost '" + v.name + "': received 'fanout' but current is 'direct'",
		},
		{
			"durable", "direct", true, false, false, nil,
			"PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'x' in vhost '" + v.name + "': received 'true' but current is 'false'",
		},
		{
			"auto-delete", "direct", false, true, false, nil,
			"PRECONDITION_FAILED - inequivalent arg 'auto_delete' for exchange 'x' in vhost '" + v.name + "': received 'true' but current is 'false'",
		},
		{
			"internal", "direct", false, false, true, nil,
			"PRECONDITION_FAILED - inequivalent arg 'internal' for exchange 'x' in vhost '" + v.name + "': received 'true' but current is 'false'",
		},
		{
			"alternate-exchange", "direct", false, false, false,
			amqp.Table{"alternate-exchange": "ae"},
			"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '" + v.name + "': received the value 'ae' of type 'longstr' but current is none",
		},
	} {
		err := v.ch().ExchangeDeclare("x", c.kind, c.durable, c.autoDelete, c.internal, false, c.args)
		wantChannelError(t, v.conn, "redeclare with another "+c.name, err, amqp.PreconditionFailed, c.reason)
	}
}

func exchangeReservedPrefix(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	err := v.ch().ExchangeDeclare("amq.kaiten", "direct", false, false, false, false, nil)
	wantChannelError(t, v.conn, "declare amq.kaiten", err, amqp.AccessRefused,
		"ACCESS_REFUSED - exchange name 'amq.kaiten' contains reserved prefix 'amq.*'")
	err = v.ch().ExchangeDelete("amq.direct", false, false)
	wantChannelError(t, v.conn, "delete amq.direct", err, amqp.AccessRefused,
		"ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '"+v.name+"' not allowed")
	err = v.ch().ExchangeDeclare("", "direct", true, false, false, false, nil)
	wantChannelError(t, v.conn, "declare the default exchange", err, amqp.AccessRefused,
		"ACCESS_REFUSED - operation not permitted on the default exchange")
}

func exchangeDeleteIfUnused(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.ch()
	v.exchange(ch, "x", "direct")
	v.queue(ch, "q", nil)
	v.bind(ch, "q", "k", "x")
	err := ch.ExchangeDelete("x", true, false)
	wantChannelError(t, v.conn, "exchange.delete if-unused of a bound exchange", err, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - exchange 'x' in vhost '"+v.name+"' in use")
	ch = v.ch()
	if err := ch.QueueUnbind("q", "k", "x", nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDelete("x", true, false); err != nil {
		t.Fatalf("exchange.delete if-unused once unbound: %v", err)
	}
	err = ch.ExchangeDeclarePassive("x", "direct", false, false, false, false, nil)
	wantChannelError(t, v.conn, "passive declare after delete", err, amqp.NotFound,
		"NOT_FOUND - no exchange 'x' in vhost '"+v.name+"'")
}

// exchangeDeleteMissing: deleting what is not there succeeds.
func exchangeDeleteMissing(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	if err := v.ch().ExchangeDelete("nope", false, false); err != nil {
		t.Fatalf("exchange.delete of a missing exchange: %v", err)
	}
}

func exchangeUnknownType(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	err := v.ch().ExchangeDeclare("x", "nosuchtype", false, false, false, false, nil)
	wantConnectionError(t, v.conn, "declare an exchange of an unknown type", err, amqp.CommandInvalid,
		"COMMAND_INVALID - unknown exchange type 'nosuchtype'")
}

// TestBrokerQueues checks queue.declare (server-named, passive,
// exclusive, auto-delete, equivalence), purge and delete.
func TestBrokerQueues(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"server-named", queueServerNamed},
		{"passive-missing", queuePassiveMissing},
		{"declare-ok-counts", queueDeclareOkCounts},
		{"redeclare-inequivalent", queueRedeclareInequivalent},
		{"reserved-amq-prefix", queueReservedPrefix},
		{"exclusive-other-connection", queueExclusiveOtherConnection},
		{"exclusive-deleted-with-connection", queueExclusiveDeletedWithConnection},
		{"auto-delete-after-last-consumer", queueAutoDelete},
		{"purge", queuePurge},
		{"delete-if-unused", queueDeleteIfUnused},
		{"delete-if-empty", queueDeleteIfEmpty},
		{"delete-count-and-missing", queueDeleteCount},
	})
}

func queueServerNamed(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.ch()
	q, err := ch.QueueDeclare("", false, false, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// amq.gen- then 22 characters of URL-safe base64.
	if !strings.HasPrefix(q.Name, "amq.gen-") || len(q.Name) != len("amq.gen-")+22 {
		t.Fatalf("server-named queue %q, want amq.gen- and 22 characters", q.Name)
	}
	q2, err := ch.QueueDeclare("", false, false, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q2.Name == q.Name {
		t.Fatalf("two server-named queues both named %q", q.Name)
	}
	// The name is a real queue: the default exchange routes to it.
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	publishConfirmed(t, ch, "", q.Name, text("to the server-named queue"))
	equal(t, "body", string(get(t, ch, q.Name).Body), "to the server-named queue")
}

func queuePassiveMissing(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	_, err := v.ch().QueueDeclarePassive("nope", false, false, false, false, nil)
	wantChannelError(t, v.conn, "passive declare of a missing queue", err, amqp.NotFound,
		"NOT_FOUND - no queue 'nope' in vhost '"+v.name+"'")
}

// queueDeclareOkCounts: declare-ok carries ready messages and consumers.
func queueDeclareOkCounts(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	for range 3 {
		publishConfirmed(t, ch, "", "q", text("m"))
	}
	consume(t, v.ch(), "q", false)
	other := v.ch()
	if err := other.Qos(1, 0, false); err != nil {
		t.Fatal(err)
	}
	consume(t, other, "q", false)
	// Each consumer holds what it was given unacked: 3 ready, less 1 for
	// the prefetch-1 consumer, less the rest for the other, eventually 0.
	ch = v.ch()
	eventually(t, "declare-ok: 0 messages ready, 2 consumers", func() bool {
		q, err := ch.QueueDeclare("q", false, false, false, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		return q.Messages == 0 && q.Consumers == 2
	})
}

func queueRedeclareInequivalent(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "q", amqp.Table{"x-message-ttl": int32(1000)})
	for _, c := range []struct {
		name                string
		durable, autoDelete bool
		args                amqp.Table
		reason              string
	}{
		{
			"durable", true, false,
			amqp.Table{"x-message-ttl": int32(1000)},
			"PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '" + v.name + "': received 'true' but current is 'false'",
		},
		{
			"auto-delete", false, true,
			amqp.Table{"x-message-ttl": int32(1000)},
			"PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue 'q' in vhost '" + v.name + "': received 'true' but current is 'false'",
		},
		{
			"ttl-value", false, false,
			amqp.Table{"x-message-ttl": int32(2000)},
			"PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '" + v.name + "': received '2000' but current is '1000'",
		},
		{
			"ttl-missing", false, false, nil,
			"PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '" + v.name + "': received none but current is the value '1000' of type 'signedint'",
		},
		{
			"new-arg", false, false,
			amqp.Table{"x-message-ttl": int32(1000), "x-max-length": int32(5)},
			"PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '" + v.name + "': received the value '5' of type 'signedint' but current is none",
		},
	} {
		_, err := v.ch().QueueDeclare("q", c.durable, c.autoDelete, false, false, c.args)
		wantChannelError(t, v.conn, "redeclare with another "+c.name, err, amqp.PreconditionFailed, c.reason)
	}
	// The same value as another integer type is equivalent.
	if _, err := v.ch().QueueDeclare("q", false, false, false, false, amqp.Table{"x-message-ttl": int64(1000)}); err != nil {
		t.Fatalf("redeclare with x-message-ttl as a long: %v", err)
	}
	// An invalid argument is refused at once.
	_, err := v.ch().QueueDeclare("bad", false, false, false, false, amqp.Table{"x-message-ttl": "soon"})
	wantChannelError(t, v.conn, "declare with x-message-ttl a string", err, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'bad' in vhost '"+v.name+"': \"expected integer, got longstr\"")
}

func queueReservedPrefix(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	_, err := v.ch().QueueDeclare("amq.kaiten", false, false, false, false, nil)
	wantChannelError(t, v.conn, "declare amq.kaiten", err, amqp.AccessRefused,
		"ACCESS_REFUSED - queue name 'amq.kaiten' contains reserved prefix 'amq.*'")
}

func queueExclusiveOtherConnection(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	if _, err := v.ch().QueueDeclare("mine", false, false, true, false, nil); err != nil {
		t.Fatal(err)
	}
	other := v.dial()
	locked := shortText("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mine' in vhost '" + v.name +
		"'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.")
	_, err := openChannel(t, other).QueueDeclare("mine", false, false, true, false, nil)
	wantChannelError(t, other, "declare another connection's exclusive queue", err, amqp.ResourceLocked, locked)
	_, err = openChannel(t, other).QueueDeclarePassive("mine", false, false, false, false, nil)
	wantChannelError(t, other, "passive declare of another connection's exclusive queue", err, amqp.ResourceLocked, locked)
	_, err = openChannel(t, other).Consume("mine", "", false, false, false, false, nil)
	wantChannelError(t, other, "consume from another connection's exclusive queue", err, amqp.ResourceLocked, locked)
	// Publishing to it from elsewhere is allowed.
	ch := openChannel(t, other)
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	publishConfirmed(t, ch, "", "mine", text("hello"))
	equal(t, "ready in the exclusive queue", messages(t, v.conn, "mine"), 1)
}

func queueExclusiveDeletedWithConnection(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	other := v.dial()
	if _, err := openChannel(t, other).QueueDeclare("mine", false, false, true, false, nil); err != nil {
		t.Fatal(err)
	}
	_ = other.Close()
	eventually(t, "the exclusive queue is deleted with its connection", func() bool {
		return !queueExists(t, v.conn, "mine")
	})
}

func queueAutoDelete(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.ch()
	if _, err := ch.QueueDeclare("auto", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	// Without ever having a consumer it stays.
	if !queueExists(t, v.conn, "auto") {
		t.Fatal("auto-delete queue gone before its first consumer")
	}
	for _, tag := range []string{"c1", "c2"} {
		if _, err := ch.Consume("auto", tag, false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := ch.Cancel("c1", false); err != nil {
		t.Fatal(err)
	}
	if !queueExists(t, v.conn, "auto") {
		t.Fatal("auto-delete queue gone while it still has a consumer")
	}
	if err := ch.Cancel("c2", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the auto-delete queue is deleted after its last consumer cancels", func() bool {
		return !queueExists(t, v.conn, "auto")
	})
}

func queuePurge(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	for range 3 {
		publishConfirmed(t, ch, "", "q", text("m"))
	}
	// An unacked message is not purged.
	held := get(t, ch, "q")
	n, err := ch.QueuePurge("q", false)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "purged", n, 2)
	if err := ch.Nack(held.DeliveryTag, false, true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the requeued message is ready", func() bool { return messages(t, v.conn, "q") == 1 })
	n, err = ch.QueuePurge("q", false)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "purged after requeue", n, 1)
	_, err = v.ch().QueuePurge("nope", false)
	wantChannelError(t, v.conn, "purge a missing queue", err, amqp.NotFound,
		"NOT_FOUND - no queue 'nope' in vhost '"+v.name+"'")
}

func queueDeleteIfUnused(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.ch()
	v.queue(ch, "q", nil)
	if _, err := ch.Consume("q", "c", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	_, err := v.ch().QueueDelete("q", true, false, false)
	wantChannelError(t, v.conn, "queue.delete if-unused with a consumer", err, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - queue 'q' in vhost '"+v.name+"' in use")
	if err := ch.Cancel("c", false); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ch().QueueDelete("q", true, false, false); err != nil {
		t.Fatalf("queue.delete if-unused without consumers: %v", err)
	}
}

func queueDeleteIfEmpty(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	publishConfirmed(t, ch, "", "q", text("m"))
	_, err := v.ch().QueueDelete("q", false, true, false)
	wantChannelError(t, v.conn, "queue.delete if-empty with a message", err, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - queue 'q' in vhost '"+v.name+"' not empty")
	if _, err := ch.QueuePurge("q", false); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ch().QueueDelete("q", false, true, false); err != nil {
		t.Fatalf("queue.delete if-empty of an empty queue: %v", err)
	}
}

// queueDeleteCount: delete-ok counts the ready messages; deleting a
// missing queue succeeds with 0.
func queueDeleteCount(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	for range 4 {
		publishConfirmed(t, ch, "", "q", text("m"))
	}
	n, err := ch.QueueDelete("q", false, false, false)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "delete-ok message count", n, 4)
	n, err = ch.QueueDelete("q", false, false, false)
	if err != nil {
		t.Fatalf("queue.delete of a missing queue: %v", err)
	}
	equal(t, "delete-ok message count of a missing queue", n, 0)
}

// TestBrokerBindings checks queue and exchange-to-exchange bindings,
// unbinding, and what cannot be bound.
func TestBrokerBindings(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"queue-bind-unbind", bindQueue},
		{"exchange-to-exchange", bindExchangeToExchange},
		{"default-exchange", bindDefaultExchange},
		{"missing-ends", bindMissing},
	})
}

// routed publishes mandatory on a confirm channel and reports whether the
// message was routed (no basic.return).
func routed(t *testing.T, ch *amqp.Channel, returns <-chan amqp.Return, exchange, key string) bool {
	t.Helper()
	if !publishConfirm(t, ch, exchange, key, true, text(exchange+"/"+key)) {
		t.Fatalf("publish to %q key %q nacked", exchange, key)
	}
	// A return precedes its ack and amqp091-go hands it over first.
	select {
	case <-returns:
		return false
	default:
		return true
	}
}

func bindQueue(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 10))
	v.exchange(ch, "x", "direct")
	v.queue(ch, "q", nil)
	if routed(t, ch, returns, "x", "k") {
		t.Fatal("routed before any binding")
	}
	v.bind(ch, "q", "k", "x")
	v.bind(ch, "q", "k", "x") // binding twice is one binding
	if !routed(t, ch, returns, "x", "k") {
		t.Fatal("not routed through the binding")
	}
	if err := ch.QueueUnbind("q", "k", "x", nil); err != nil {
		t.Fatal(err)
	}
	if routed(t, ch, returns, "x", "k") {
		t.Fatal("routed after unbind")
	}
	// Unbinding what is not bound succeeds.
	if err := ch.QueueUnbind("q", "k", "x", nil); err != nil {
		t.Fatalf("unbinding a missing binding: %v", err)
	}
	equal(t, "copies in q", messages(t, v.conn, "q"), 1)
}

func bindExchangeToExchange(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 10))
	v.exchange(ch, "src", "topic")
	v.exchange(ch, "dst", "fanout")
	v.queue(ch, "q", nil)
	v.bind(ch, "q", "", "dst")
	if err := ch.ExchangeBind("dst", "a.*", "src", false, nil); err != nil {
		t.Fatal(err)
	}
	if !routed(t, ch, returns, "src", "a.b") {
		t.Fatal("a.b not routed src → dst → q")
	}
	if routed(t, ch, returns, "src", "b.a") {
		t.Fatal("b.a routed through the a.* binding")
	}
	if err := ch.ExchangeUnbind("dst", "a.*", "src", false, nil); err != nil {
		t.Fatal(err)
	}
	if routed(t, ch, returns, "src", "a.b") {
		t.Fatal("routed after exchange.unbind")
	}
	d := get(t, ch, "q")
	equal(t, "delivery exchange and key", [2]string{d.Exchange, d.RoutingKey}, [2]string{"src", "a.b"})
}

func bindDefaultExchange(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "q", nil)
	v.exchange(v.ch(), "x", "direct")
	const refused = "ACCESS_REFUSED - operation not permitted on the default exchange"
	wantChannelError(t, v.conn, "queue.bind to the default exchange", v.ch().QueueBind("q", "k", "", false, nil), amqp.AccessRefused, refused)
	wantChannelError(t, v.conn, "queue.unbind from the default exchange", v.ch().QueueUnbind("q", "q", "", nil), amqp.AccessRefused, refused)
	wantChannelError(t, v.conn, "exchange.bind from the default exchange", v.ch().ExchangeBind("x", "k", "", false, nil), amqp.AccessRefused, refused)
	wantChannelError(t, v.conn, "exchange.bind to the default exchange", v.ch().ExchangeBind("", "k", "x", false, nil), amqp.AccessRefused, refused)
}

func bindMissing(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "q", nil)
	v.exchange(v.ch(), "x", "direct")
	wantChannelError(t, v.conn, "bind to a missing exchange", v.ch().QueueBind("q", "k", "nope", false, nil),
		amqp.NotFound, "NOT_FOUND - no exchange 'nope' in vhost '"+v.name+"'")
	wantChannelError(t, v.conn, "bind a missing queue", v.ch().QueueBind("nope", "k", "x", false, nil),
		amqp.NotFound, "NOT_FOUND - no queue 'nope' in vhost '"+v.name+"'")
	wantChannelError(t, v.conn, "exchange.bind to a missing exchange", v.ch().ExchangeBind("nope", "k", "x", false, nil),
		amqp.NotFound, "NOT_FOUND - no exchange 'nope' in vhost '"+v.name+"'")
}
