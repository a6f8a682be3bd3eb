package conformance

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerPublish checks basic.publish: returns, confirms, the errors a
// publish can cause, sender-selected distribution and what a message
// keeps on its way through.
func TestBrokerPublish(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"mandatory-unroutable-return-then-ack", publishReturnThenAck},
		{"unroutable-not-mandatory", publishUnroutableDropped},
		{"confirms-routed", publishConfirmsRouted},
		{"alternate-exchange", publishAlternateExchange},
		{"missing-exchange", publishMissingExchange},
		{"internal-exchange", publishInternalExchange},
		{"cc-bcc", publishCCBCC},
		{"cc-not-an-array", publishCCNotArray},
		{"invalid-expiration", publishInvalidExpiration},
		{"user-id-mismatch", publishUserIDMismatch},
		{"immediate", publishImmediate},
		{"properties-round-trip", publishPropertiesRoundTrip},
	})
}

// publishFails publishes on a fresh channel and returns the error the
// broker closed that channel with.
func publishFails(t *testing.T, v *vhost, exchange, key string, mandatory, immediate bool, p amqp.Publishing) *amqp.Error {
	t.Helper()
	ch := v.ch()
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := ch.PublishWithContext(ctx, exchange, key, mandatory, immediate, p); err != nil {
		t.Fatalf("basic.publish: %v", err)
	}
	return closeReason(t, closed)
}

// unroutable is a message with every property set, to see them all come
// back in basic.return.
func unroutable() amqp.Publishing {
	return amqp.Publishing{
		Headers:       amqp.Table{"h": "v", "n": int32(7)},
		ContentType:   "application/json",
		DeliveryMode:  amqp.Persistent,
		Priority:      3,
		CorrelationId: "corr-1",
		ReplyTo:       "replies",
		MessageId:     "msg-1",
		Type:          "probe",
		AppId:         "kaiten",
		Body:          []byte(`{"lost":true}`),
	}
}

func publishReturnThenAck(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 1))
	v.exchange(ch, "x", "direct")
	p := unroutable()
	for i, c := range []struct{ exchange, key string }{
		{"x", "nowhere"},
		{"", "no-such-queue"}, // the default exchange: a key naming no queue
	} {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		if err := ch.PublishWithContext(ctx, c.exchange, c.key, true, false, p); err != nil {
			t.Fatal(err)
		}
		cancel()
		var conf amqp.Confirmation
		select {
		case conf = <-confirms:
		case <-time.After(wait):
			t.Fatal("no confirm")
		}
		equal(t, "confirm", conf, amqp.Confirmation{DeliveryTag: uint64(i + 1), Ack: true})
		// The return came before the ack, so it is already buffered.
		var r amqp.Return
		select {
		case r = <-returns:
		default:
			t.Fatalf("publish to %q key %q: the ack came without a basic.return before it", c.exchange, c.key)
		}
		equal(t, "basic.return", r, amqp.Return{
			ReplyCode: amqp.NoRoute, ReplyText: "NO_ROUTE",
			Exchange: c.exchange, RoutingKey: c.key,
			Headers: p.Headers, ContentType: p.ContentType, DeliveryMode: p.DeliveryMode,
			Priority: p.Priority, CorrelationId: p.CorrelationId, ReplyTo: p.ReplyTo,
			MessageId: p.MessageId, Type: p.Type, AppId: p.AppId, Body: p.Body,
		})
	}
}

func publishUnroutableDropped(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	if !publishConfirm(t, ch, "amq.direct", "nowhere", false, text("dropped")) {
		t.Fatal("an unroutable message without mandatory was nacked")
	}
	select {
	case r := <-returns:
		t.Fatalf("basic.return without mandatory: %d %s", r.ReplyCode, r.ReplyText)
	default:
	}
}

func publishConfirmsRouted(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 5))
	v.queue(ch, "q", nil)
	for i := range 5 {
		send(t, ch, "", "q", text(string(rune('a'+i))))
	}
	for i := range 5 {
		select {
		case c := <-confirms:
			equal(t, "confirm", c, amqp.Confirmation{DeliveryTag: uint64(i + 1), Ack: true})
		case <-time.After(wait):
			t.Fatalf("confirm %d did not come", i+1)
		}
	}
	equal(t, "ready", messages(t, v.conn, "q"), 5)
}

func publishAlternateExchange(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	v.exchange(ch, "ae", "fanout")
	v.queue(ch, "unrouted", nil)
	v.bind(ch, "unrouted", "", "ae")
	if err := ch.ExchangeDeclare("x", "direct", false, false, false, false, amqp.Table{"alternate-exchange": "ae"}); err != nil {
		t.Fatal(err)
	}
	if !routed(t, ch, returns, "x", "nowhere") {
		t.Fatal("a message routed by the alternate exchange was returned")
	}
	d := get(t, ch, "unrouted")
	equal(t, "delivered exchange and key", [2]string{d.Exchange, d.RoutingKey}, [2]string{"x", "nowhere"})
	equal(t, "headers", d.Headers, amqp.Table(nil))
}

func publishMissingExchange(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	e := publishFails(t, v, "nope", "k", false, false, text("m"))
	wantChannelError(t, v.conn, "publish to a missing exchange", e, amqp.NotFound,
		"NOT_FOUND - no exchange 'nope' in vhost '"+v.name+"'")
}

func publishInternalExchange(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	if err := v.ch().ExchangeDeclare("ix", "fanout", false, false, true, false, nil); err != nil {
		t.Fatal(err)
	}
	e := publishFails(t, v, "ix", "k", false, false, text("m"))
	wantChannelError(t, v.conn, "publish to an internal exchange", e, amqp.AccessRefused,
		"ACCESS_REFUSED - cannot publish to internal exchange 'ix' in vhost '"+v.name+"'")
	e = publishFails(t, v, "amq.rabbitmq.trace", "k", false, false, text("m"))
	wantChannelError(t, v.conn, "publish to amq.rabbitmq.trace", e, amqp.AccessRefused,
		"ACCESS_REFUSED - cannot publish to internal exchange 'amq.rabbitmq.trace' in vhost '"+v.name+"'")
}

// publishCCBCC: one copy per queue named by the key, CC and BCC; each
// keeps the original routing key and the CC header, none the BCC.
func publishCCBCC(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	for _, q := range []string{"q1", "q2", "q3", "q4"} {
		v.queue(ch, q, nil)
	}
	v.bind(ch, "q4", "k4", "amq.direct")
	cc := []any{"q2", "q1"}
	publishConfirmed(t, ch, "", "q1", amqp.Publishing{
		Headers: amqp.Table{"CC": cc, "BCC": []any{"q3"}, "other": "kept"},
		Body:    []byte("one"),
	})
	for _, q := range []string{"q1", "q2", "q3"} {
		equal(t, "copies in "+q, messages(t, v.conn, q), 1)
		d := get(t, ch, q)
		equal(t, q+": exchange and routing key", [2]string{d.Exchange, d.RoutingKey}, [2]string{"", "q1"})
		equal(t, q+": headers", d.Headers, amqp.Table{"CC": cc, "other": "kept"})
	}
	// CC and BCC keys route through a direct exchange too.
	publishConfirmed(t, ch, "amq.direct", "k0", amqp.Publishing{Headers: amqp.Table{"BCC": []any{"k4"}}, Body: []byte("two")})
	d := get(t, ch, "q4")
	equal(t, "q4: key and headers", []any{d.RoutingKey, d.Headers}, []any{"k0", amqp.Table{}})
}

func publishCCNotArray(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "q", nil)
	e := publishFails(t, v, "", "q", false, false, amqp.Publishing{Headers: amqp.Table{"CC": "q"}})
	wantChannelError(t, v.conn, "publish with CC a string", e, amqp.PreconditionFailed,
		`PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"CC",longstr}`)
}

func publishInvalidExpiration(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	v.queue(v.ch(), "q", nil)
	for _, c := range []struct{ expiration, reason string }{
		{"soon", "PRECONDITION_FAILED - invalid expiration 'soon': no_integer"},
		{"-1", "PRECONDITION_FAILED - invalid expiration '-1': {value_negative,-1}"},
	} {
		e := publishFails(t, v, "", "q", false, false, amqp.Publishing{Expiration: c.expiration})
		wantChannelError(t, v.conn, "publish with expiration "+c.expiration, e, amqp.PreconditionFailed, c.reason)
	}
}

func publishUserIDMismatch(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	user, _ := tb.Credentials()
	v.queue(v.ch(), "q", nil)
	e := publishFails(t, v, "", "q", false, false, amqp.Publishing{UserId: "mallory"})
	wantChannelError(t, v.conn, "publish with another user's user_id", e, amqp.PreconditionFailed,
		"PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was '"+user+"'")
}

func publishImmediate(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	conn := v.dial()
	ch := openChannel(t, conn)
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := ch.PublishWithContext(ctx, "", "q", false, true, text("m")); err != nil {
		t.Fatal(err)
	}
	wantConnectionError(t, conn, "publish with immediate", closeReason(t, closed), amqp.NotImplemented,
		"NOT_IMPLEMENTED - immediate=true")
}

// publishPropertiesRoundTrip: every property and field type arrives as
// sent.
func publishPropertiesRoundTrip(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	user, _ := tb.Credentials()
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	ts := time.Unix(1700000000, 0)
	p := amqp.Publishing{
		Headers: amqp.Table{
			"bool": true, "byte": int8(-3), "ubyte": uint8(200), "short": int16(-300), "ushort": uint16(60000),
			"int": int32(-70000), "uint": uint32(4000000000), "long": int64(1) << 40,
			"float": float32(1.5), "double": 2.25, "decimal": amqp.Decimal{Scale: 2, Value: 12345},
			"str": "héllo", "bytes": []byte{0, 1, 0xff}, "ts": ts, "void": nil,
			"table": amqp.Table{"inner": []any{int32(1), "x"}}, "array": []any{amqp.Table{}, []any{}},
		},
		ContentType: "application/octet-stream", ContentEncoding: "gzip",
		DeliveryMode: amqp.Transient, Priority: 9, CorrelationId: "c", ReplyTo: "r",
		Expiration: "60000", MessageId: "m", Timestamp: ts, Type: "t", UserId: user, AppId: "a",
		Body: []byte("body"),
	}
	publishConfirmed(t, ch, "", "q", p)
	d := get(t, ch, "q")
	got := amqp.Publishing{
		Headers: d.Headers, ContentType: d.ContentType, ContentEncoding: d.ContentEncoding,
		DeliveryMode: d.DeliveryMode, Priority: d.Priority, CorrelationId: d.CorrelationId, ReplyTo: d.ReplyTo,
		Expiration: d.Expiration, MessageId: d.MessageId, Timestamp: d.Timestamp, Type: d.Type, UserId: d.UserId,
		AppId: d.AppId, Body: d.Body,
	}
	// amqp091-go reads an empty array back as a nil slice.
	p.Headers["array"] = []any{amqp.Table{}, []any(nil)}
	equal(t, "delivered properties", got, p)
	equal(t, "redelivered, message count", []any{d.Redelivered, d.MessageCount}, []any{false, uint32(0)})
}
