package core

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// Every refusal core makes, with RabbitMQ's code, text and channel or
// connection scope.

func TestExchangeErrors(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Type: "direct"}))
	must(c.ch.ExchangeDeclare(ExchangeDeclare{Name: "ae", Type: "fanout", Arguments: table("alternate-exchange", "alt")}))
	must(c.ch.ExchangeDeclare(ExchangeDeclare{Name: "amq.direct", Type: "direct", Durable: true})) // same as built in: fine
	c.declare("q", nil)
	c.bind("q", "x", "k")

	cases := []struct {
		name string
		err  error
		code int
		text string
		conn bool
	}{
		{
			"unknown type", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "y", Type: "foo"}),
			503, "COMMAND_INVALID - unknown exchange type 'foo'", true,
		},
		{
			"reserved name", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "amq.mine", Type: "direct"}),
			403, "ACCESS_REFUSED - exchange name 'amq.mine' contains reserved prefix 'amq.*'", false,
		},
		{
			"default exchange", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "", Type: "direct"}),
			403, "ACCESS_REFUSED - operation not permitted on the default exchange", false,
		},
		{
			"passive default", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "", Passive: true}),
			403, "ACCESS_REFUSED - operation not permitted on the default exchange", false,
		},
		{
			"passive missing", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "nope", Passive: true}),
			404, "NOT_FOUND - no exchange 'nope' in vhost '/'", false,
		},
		{
			"type differs", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Type: "fanout"}),
			406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost '/': received 'fanout' but current is 'direct'", false,
		},
		{
			"durable differs", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Type: "direct", Durable: true}),
			406, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'true' but current is 'false'", false,
		},
		{
			"auto_delete differs", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Type: "direct", AutoDelete: true}),
			406, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for exchange 'x' in vhost '/': received 'true' but current is 'false'", false,
		},
		{
			"internal differs", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Type: "direct", Internal: true}),
			406, "PRECONDITION_FAILED - inequivalent arg 'internal' for exchange 'x' in vhost '/': received 'true' but current is 'false'", false,
		},
		{
			"AE differs", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "ae", Type: "fanout", Arguments: table("alternate-exchange", "other")}),
			406, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'ae' in vhost '/': received 'other' but current is 'alt'", false,
		},
		{
			"AE missing", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "ae", Type: "fanout"}),
			406, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'ae' in vhost '/': received none but current is the value 'alt' of type 'longstr'", false,
		},
		{
			"AE not a string", c.ch.ExchangeDeclare(ExchangeDeclare{Name: "z", Type: "fanout", Arguments: table("alternate-exchange", 1)}),
			406, "PRECONDITION_FAILED - invalid type 'long' for arg 'alternate-exchange' in exchange 'z' in vhost '/'", false,
		},
		{
			"delete default", c.ch.ExchangeDelete("", false),
			403, "ACCESS_REFUSED - operation not permitted on the default exchange", false,
		},
		{
			"delete system", c.ch.ExchangeDelete("amq.topic", false),
			403, "ACCESS_REFUSED - deletion of system exchange 'amq.topic' in vhost '/' not allowed", false,
		},
		{
			"delete in use", c.ch.ExchangeDelete("x", true),
			406, "PRECONDITION_FAILED - exchange 'x' in vhost '/' in use", false,
		},
		{
			"bind from default", c.ch.QueueBind("q", "", "q", nil),
			403, "ACCESS_REFUSED - operation not permitted on the default exchange", false,
		},
		{
			"e2e to default", c.ch.ExchangeBind("", "x", "k", nil),
			403, "ACCESS_REFUSED - operation not permitted on the default exchange", false,
		},
		{
			"bind missing source", c.ch.QueueBind("q", "nope", "k", nil),
			404, "NOT_FOUND - no exchange 'nope' in vhost '/'", false,
		},
		{
			"bind missing queue", c.ch.QueueBind("nope", "x", "k", nil),
			404, "NOT_FOUND - no queue 'nope' in vhost '/'", false,
		},
		{
			"bind both missing: source first", c.ch.QueueBind("nope", "nada", "k", nil),
			404, "NOT_FOUND - no exchange 'nada' in vhost '/'", false,
		},
		{
			"e2e missing destination", c.ch.ExchangeBind("nope", "x", "k", nil),
			404, "NOT_FOUND - no exchange 'nope' in vhost '/'", false,
		},
		{
			"unbind missing queue", c.ch.QueueUnbind("nope", "x", "k", nil),
			404, "NOT_FOUND - no queue 'nope' in vhost '/'", false,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.err, tc.code, tc.text)
			if got := tc.err.(*Error).ConnectionError(); got != tc.conn {
				t.Fatalf("connection error = %v, want %v", got, tc.conn)
			}
		})
	}
	// What succeeds without doing anything.
	must(c.ch.ExchangeDelete("never-declared", false))
	must(c.ch.QueueUnbind("q", "x", "no-such-binding", nil))
	must(c.ch.ExchangeDeclare(ExchangeDeclare{Name: "x", Passive: true}))
}

func TestQueueDeclareErrors(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	other := connect(t, b)
	c.declare("q", table("x-message-ttl", 1000))
	if _, err := c.ch.QueueDeclare(QueueDeclare{Name: "excl", Exclusive: true}); err != nil {
		t.Fatal(err)
	}
	decl := func(d QueueDeclare) error {
		_, err := c.ch.QueueDeclare(d)
		return err
	}
	args := func(kv ...any) error { return decl(QueueDeclare{Name: "new", Arguments: table(kv...)}) }
	invalid := func(key, term string) string {
		return "PRECONDITION_FAILED - invalid arg '" + key + "' for queue 'new' in vhost '/': " + term
	}
	cases := []struct {
		name string
		err  error
		code int
		text string
	}{
		{
			"reserved name", decl(QueueDeclare{Name: "amq.q"}),
			403, "ACCESS_REFUSED - queue name 'amq.q' contains reserved prefix 'amq.*'",
		},
		{
			"passive missing", decl(QueueDeclare{Name: "nope", Passive: true}),
			404, "NOT_FOUND - no queue 'nope' in vhost '/'",
		},
		{
			"durable differs", decl(QueueDeclare{Name: "q", Durable: true, Arguments: table("x-message-ttl", 1000)}),
			406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'",
		},
		{
			"auto_delete differs", decl(QueueDeclare{Name: "q", AutoDelete: true, Arguments: table("x-message-ttl", 1000)}),
			406, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue 'q' in vhost '/': received 'true' but current is 'false'",
		},
		{
			"ttl differs", decl(QueueDeclare{Name: "q", Arguments: table("x-message-ttl", 2000)}),
			406, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received '2000' but current is '1000'",
		},
		{
			"ttl missing", decl(QueueDeclare{Name: "q"}),
			406, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received none but current is the value '1000' of type 'long'",
		},
		{"exclusive redeclared by another connection", func() error {
			_, err := other.ch.QueueDeclare(QueueDeclare{Name: "excl", Exclusive: true})
			return err
		}(), 405, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'excl' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."},
		{"exclusive redeclared as shared", decl(QueueDeclare{Name: "excl"}), 405, ""},
		{"shared redeclared as exclusive", decl(QueueDeclare{Name: "q", Exclusive: true, Arguments: table("x-message-ttl", 1000)}), 405, ""},
		{"passive on another's exclusive", func() error {
			_, err := other.ch.QueueDeclare(QueueDeclare{Name: "excl", Passive: true})
			return err
		}(), 405, ""},
		{"ttl type", args("x-message-ttl", "1"), 406, invalid("x-message-ttl", `"expected integer, got longstr"`)},
		{"ttl negative", args("x-message-ttl", -1), 406, invalid("x-message-ttl", "{value_negative,-1}")},
		{"expires zero", args("x-expires", 0), 406, invalid("x-expires", "{value_zero,0}")},
		{"expires huge", args("x-expires", 315_360_000_001), 406, invalid("x-expires", "{value_too_big,315360000001}")},
		{"max-length negative", args("x-max-length", -5), 406, invalid("x-max-length", "{value_negative,-5}")},
		{"max-length-bytes type", args("x-max-length-bytes", true), 406, invalid("x-max-length-bytes", `"expected integer, got bool"`)},
		{"overflow", args("x-overflow", "drop-tail"), 406, invalid("x-overflow", "invalid_overflow")},
		{"overflow type", args("x-overflow", 1), 406, invalid("x-overflow", "{unacceptable_type,long}")},
		{"dlx type", args("x-dead-letter-exchange", 1), 406, "PRECONDITION_FAILED - invalid type 'long' for arg 'x-dead-letter-exchange' in queue 'new' in vhost '/'"},
		{"dlrk without dlx", args("x-dead-letter-routing-key", "k"), 406, invalid("x-dead-letter-routing-key", "routing_key_but_no_dlx_defined")},
		{"max-priority", args("x-max-priority", 256), 406, invalid("x-max-priority", "{max_value_exceeded,256}")},
		{"queue type", args("x-queue-type", "lake"), 406, invalid("x-queue-type", `"unsupported queue type 'lake'"`)},
		{"sac type", args("x-single-active-consumer", "yes"), 406, invalid("x-single-active-consumer", "{unacceptable_type,longstr}")},
		{"queue mode", args("x-queue-mode", "eager"), 406, invalid("x-queue-mode", `"unsupported queue mode 'eager'"`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.err, tc.code, tc.text)
			if tc.err.(*Error).ConnectionError() {
				t.Fatal("want a channel error")
			}
		})
	}
	// Integer types are alike when compared; other arguments are ignored.
	if err := decl(QueueDeclare{Name: "q", Arguments: model.Table{
		"x-message-ttl": {Type: model.TypeSignedInt, Int: 1000}, "x-custom": model.String("ignored"),
	}}); err != nil {
		t.Fatal(err)
	}
	if err := decl(QueueDeclare{Name: "q2", Arguments: table("x-queue-type", "quorum")}); err != nil {
		t.Fatal(err)
	}
}

func TestQueueOperationErrors(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	other := connect(t, b)
	c.declare("busy", nil)
	c.declare("full", nil)
	c.publish("", "full", "m")
	c.consume("busy", false)
	if _, err := c.ch.QueueDeclare(QueueDeclare{Name: "excl", Exclusive: true}); err != nil {
		t.Fatal(err)
	}
	c.exchange("x", "direct", nil)
	locked := "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'excl' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."
	second := func(f func() error) error { return f() }
	cases := []struct {
		name string
		err  error
		code int
		text string
		conn bool
	}{
		{
			"delete in use", second(func() error { _, err := c.ch.QueueDelete("busy", true, false); return err }),
			406, "PRECONDITION_FAILED - queue 'busy' in vhost '/' in use", false,
		},
		{
			"delete not empty", second(func() error { _, err := c.ch.QueueDelete("full", false, true); return err }),
			406, "PRECONDITION_FAILED - queue 'full' in vhost '/' not empty", false,
		},
		{
			"purge missing", second(func() error { _, err := c.ch.QueuePurge("nope"); return err }),
			404, "NOT_FOUND - no queue 'nope' in vhost '/'", false,
		},
		{"purge locked", second(func() error { _, err := other.ch.QueuePurge("excl"); return err }), 405, locked, false},
		{"delete locked", second(func() error { _, err := other.ch.QueueDelete("excl", false, false); return err }), 405, locked, false},
		{"bind locked", other.ch.QueueBind("excl", "x", "k", nil), 405, locked, false},
		{"get locked", other.ch.Get("excl", false), 405, locked, false},
		{"get missing", c.ch.Get("nope", false), 404, "NOT_FOUND - no queue 'nope' in vhost '/'", false},
		{"consume locked", second(func() error { _, err := other.ch.Consume("excl", "", false, false, false, nil); return err }), 405, locked, false},
		{
			"consume missing", second(func() error { _, err := c.ch.Consume("nope", "", false, false, false, nil); return err }),
			404, "NOT_FOUND - no queue 'nope' in vhost '/'", false,
		},
		{
			"consume exclusive on busy", second(func() error { _, err := other.ch.Consume("busy", "", false, true, false, nil); return err }),
			403, "ACCESS_REFUSED - queue 'busy' in vhost '/' in exclusive use", false,
		},
		{"consume bad priority", second(func() error {
			_, err := c.ch.Consume("full", "", false, false, false, table("x-priority", "high"))
			return err
		}), 406, `PRECONDITION_FAILED - invalid arg 'x-priority' for queue 'full' in vhost '/': "expected integer, got longstr"`, false},
		{"tag reuse", second(func() error {
			if _, err := c.ch.Consume("full", "t1", false, false, true, nil); err != nil {
				return err
			}
			_, err := c.ch.Consume("busy", "t1", false, false, false, nil)
			return err
		}), 530, "NOT_ALLOWED - attempt to reuse consumer tag 't1'", true},
		{"ack unknown", c.ch.Ack(99, false), 406, "PRECONDITION_FAILED - unknown delivery tag 99", false},
		{"ack multiple unknown", c.ch.Ack(99, true), 406, "PRECONDITION_FAILED - unknown delivery tag 99", false},
		{"reject unknown", c.ch.Reject(7, true), 406, "PRECONDITION_FAILED - unknown delivery tag 7", false},
		{"qos size", c.ch.Qos(10, 1, false), 540, "NOT_IMPLEMENTED - prefetch_size!=0 (10)", true},
		{"recover without requeue", c.ch.Recover(false), 540, "NOT_IMPLEMENTED - requeue=false", true},
		{"no previous queue", other.ch.Get("", false), 404, "NOT_FOUND - no previously declared queue", false},
		{
			"tx commit without select", second(func() error { _, err := c.ch.TxCommit(); return err }),
			406, "PRECONDITION_FAILED - channel is not transactional", false,
		},
		{"tx rollback without select", c.ch.TxRollback(), 406, "PRECONDITION_FAILED - channel is not transactional", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.err, tc.code, tc.text)
			if got := tc.err.(*Error).ConnectionError(); got != tc.conn {
				t.Fatalf("connection error = %v, want %v", got, tc.conn)
			}
		})
	}
	// Deleting a missing queue succeeds with 0.
	if n, err := c.ch.QueueDelete("never", false, false); err != nil || n != 0 {
		t.Fatalf("delete missing: %d %v", n, err)
	}
	// Confirm and tx exclude each other.
	c2 := c.channel(2)
	if err := c2.ch.ConfirmSelect(); err != nil {
		t.Fatal(err)
	}
	wantError(t, c2.ch.TxSelect(), 406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode")
	c3 := c.channel(3)
	if err := c3.ch.TxSelect(); err != nil {
		t.Fatal(err)
	}
	wantError(t, c3.ch.ConfirmSelect(), 406, "PRECONDITION_FAILED - cannot switch from tx to confirm mode")
	_, err := c.conn.OpenChannel(3, nil)
	wantError(t, err, 504, "CHANNEL_ERROR - second 'channel.open' seen")
	_, err = b.Connect("nowhere", ConnInfo{User: "guest"})
	wantError(t, err, 530, "NOT_ALLOWED - vhost nowhere not found")
}

func TestPublishErrors(t *testing.T) {
	b, _ := newTestBroker(t, Options{MaxMessageSize: 10})
	c := connect(t, b)
	c.exchange("hidden", "topic", nil)
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: "int", Type: "fanout", Internal: true}); err != nil {
		t.Fatal(err)
	}
	pub := func(ex string, p model.Properties, body string) error {
		_, err := c.ch.Publish(ex, "k", false, p, []byte(body))
		return err
	}
	exp := func(s string) model.Properties {
		return model.Properties{Expiration: s, Has: model.HasExpiration}
	}
	cases := []struct {
		name string
		err  error
		code int
		text string
	}{
		{
			"too large", pub("", model.Properties{}, "01234567890"), 406,
			"PRECONDITION_FAILED - message size 11 is larger than configured max size 10",
		},
		{"no exchange", pub("nope", model.Properties{}, ""), 404, "NOT_FOUND - no exchange 'nope' in vhost '/'"},
		{
			"internal", pub("int", model.Properties{}, ""), 403,
			"ACCESS_REFUSED - cannot publish to internal exchange 'int' in vhost '/'",
		},
		{
			"trace exchange is internal", pub(TraceExchange, model.Properties{}, ""), 403,
			"ACCESS_REFUSED - cannot publish to internal exchange 'amq.rabbitmq.trace' in vhost '/'",
		},
		{"expiration text", pub("", exp("soon"), ""), 406, "PRECONDITION_FAILED - invalid expiration 'soon': no_integer"},
		{"expiration leftover", pub("", exp("10s"), ""), 406, `PRECONDITION_FAILED - invalid expiration '10s': {leftover_string,"s"}`},
		{"expiration negative", pub("", exp("-1"), ""), 406, "PRECONDITION_FAILED - invalid expiration '-1': {value_negative,-1}"},
		{
			"expiration too big", pub("", exp("315360000001"), ""), 406,
			"PRECONDITION_FAILED - invalid expiration '315360000001': {value_too_big,315360000001}",
		},
		{
			"CC not an array", pub("", model.Properties{Headers: table("CC", "q"), Has: model.HasHeaders}, ""), 406,
			`PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"CC",longstr}`,
		},
		{
			"BCC not an array", pub("", model.Properties{Headers: table("BCC", 1), Has: model.HasHeaders}, ""), 406,
			`PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"BCC",long}`,
		},
		{
			"user_id", pub("", model.Properties{UserID: "bob", Has: model.HasUserID}, ""), 406,
			"PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'",
		},
		{
			"reply-to without consumer", pub("", model.Properties{ReplyTo: ReplyToQueue, Has: model.HasReplyTo}, ""), 406,
			"PRECONDITION_FAILED - fast reply consumer does not exist",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.err, tc.code, tc.text)
		})
	}
	if err := pub("", model.Properties{UserID: "guest", Has: model.HasUserID}, ""); err != nil {
		t.Fatal(err)
	}
	if err := pub("", exp("+5"), ""); err != nil { // string:to_integer takes a sign
		t.Fatal(err)
	}
}

func TestVersionSelectsLimits(t *testing.T) {
	old := New(Options{Version: "3.10.8"})
	if old.Options().MaxMessageSize != MaxMessageSize3 {
		t.Fatal("3.10 max size")
	}
	c := connect(t, old)
	_, err := c.ch.Publish("", "k", false, model.Properties{Expiration: "4294967296", Has: model.HasExpiration}, nil)
	wantError(t, err, 406, "PRECONDITION_FAILED - invalid expiration '4294967296': {value_too_big,4294967296}")
	if New(Options{Version: "4.1.0"}).Options().MaxMessageSize != MaxMessageSize4 {
		t.Fatal("4.x max size")
	}
	if New(Options{MaxMessageSize: 1 << 40}).Options().MaxMessageSize != MaxMessageSizeCap {
		t.Fatal("cap")
	}
}
