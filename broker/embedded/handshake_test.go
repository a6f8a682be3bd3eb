package embedded

import (
	"errors"
	"io"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

func TestHandshakeStart(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{Version: "3.10.8"})
	c := dialRaw(t, b)
	start := c.startOK("PLAIN", "\x00guest\x00guest", false)
	if start.VersionMajor != 0 || start.VersionMinor != 9 || start.Mechanisms != "PLAIN AMQPLAIN" || start.Locales != "en_US" {
		t.Fatalf("connection.start %+v", start)
	}
	props := start.ServerProperties
	for k, want := range map[string]string{"product": "kaiten", "version": "3.10.8"} {
		if got, _ := props.StringValue(k); got != want {
			t.Errorf("server property %s = %q, want %q", k, got, want)
		}
	}
	caps := props["capabilities"].Table
	for _, k := range []string{
		"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
		"connection.blocked", "consumer_priorities", "authentication_failure_close", "per_consumer_qos", "direct_reply_to",
	} {
		if v := caps[k]; v.Type != model.TypeBool || v.Int != 1 {
			t.Errorf("capability %s = %+v, want true", k, v)
		}
	}
	tune := expect[*wire.ConnectionTune](c, 0)
	if *tune != (wire.ConnectionTune{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 60}) {
		t.Fatalf("connection.tune %+v", tune)
	}
}

// TestHandshakeMechanisms: PLAIN and AMQPLAIN (oslo.messaging's default,
// through kombu) both log in; amqp091-go speaks both.
func TestHandshakeMechanisms(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	for _, auth := range []amqp.Authentication{
		&amqp.PlainAuth{Username: "guest", Password: "guest"},
		&amqp.AMQPlainAuth{Username: "guest", Password: "guest"},
	} {
		conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{SASL: []amqp.Authentication{auth}})
		if err != nil {
			t.Fatalf("%s: %v", auth.Mechanism(), err)
		}
		ch, err := conn.Channel()
		if err != nil {
			t.Fatalf("%s: channel: %v", auth.Mechanism(), err)
		}
		if _, err := ch.QueueDeclare("", false, true, true, false, nil); err != nil {
			t.Fatalf("%s: %v", auth.Mechanism(), err)
		}
		if err := conn.Close(); err != nil {
			t.Fatalf("%s: close: %v", auth.Mechanism(), err)
		}
	}
}

// TestHandshakeWrongPassword: with authentication_failure_close the
// client hears why, as RabbitMQ tells it; without, the socket closes after
// RabbitMQ's 3 s delay, and amqp091-go (which does not announce the
// capability) reports ErrCredentials.
func TestHandshakeWrongPassword(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	for _, mech := range []struct{ name, response string }{
		{"PLAIN", "\x00guest\x00nope"},
		{"AMQPLAIN", amqplain("guest", "nope")},
	} {
		c := dialRaw(t, b)
		c.startOK(mech.name, mech.response, true)
		want := wire.ConnectionClose{
			ReplyCode: wire.AccessRefused,
			ReplyText: "ACCESS_REFUSED - Login was refused using authentication mechanism " + mech.name + ". For details see the broker logfile.",
		}
		if got := c.connectionClose(); got != want {
			t.Fatalf("%s: got %+v\nwant %+v", mech.name, got, want)
		}
	}
	c := dialRaw(t, b)
	c.startOK("PLAIN", "\x00guest\x00nope", false)
	begin := time.Now()
	c.closed()
	if d := time.Since(begin); d < silentCloseDelay-100*time.Millisecond {
		t.Errorf("socket closed after %v, want RabbitMQ's %v delay", d, silentCloseDelay)
	}
	_, err := amqp.Dial("amqp://guest:nope@" + b.ln.Addr().String() + "/")
	if !errors.Is(err, amqp.ErrCredentials) {
		t.Fatalf("amqp091-go with a wrong password: %v, want ErrCredentials", err)
	}
}

func amqplain(user, pass string) string {
	t, err := wire.AppendTable(nil, model.Table{"LOGIN": model.String(user), "PASSWORD": model.String(pass)})
	if err != nil {
		panic(err)
	}
	return string(t[4:])
}

func TestHandshakeVhostNotFound(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	_, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{Vhost: "nope"})
	var ae *amqp.Error
	if !errors.As(err, &ae) || ae.Code != amqp.NotAllowed || ae.Reason != "NOT_ALLOWED - vhost nope not found" {
		t.Fatalf("dial a missing vhost: %v", err)
	}
	c := dialRaw(t, b)
	c.startOK("PLAIN", "\x00guest\x00guest", true)
	expect[*wire.ConnectionTune](c, 0)
	c.send(0, &wire.ConnectionTuneOk{ChannelMax: 2047, FrameMax: 131072})
	c.send(0, &wire.ConnectionOpen{VirtualHost: "nope"})
	want := wire.ConnectionClose{ReplyCode: 530, ReplyText: "NOT_ALLOWED - vhost nope not found", ClassID: 10, MethodID: 40}
	if got := c.connectionClose(); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	c.closed()
}

// TestHandshakeTuneRefused: a client may lower the limits offered, not
// lift them.
func TestHandshakeTuneRefused(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	for _, c := range []struct {
		tune wire.ConnectionTuneOk
		text string
	}{
		{wire.ConnectionTuneOk{ChannelMax: 10, FrameMax: 200000}, "NOT_ALLOWED - negotiated frame_max = 200000 is higher than the maximum allowed value (131072)"},
		{wire.ConnectionTuneOk{ChannelMax: 10, FrameMax: 1000}, "NOT_ALLOWED - negotiated frame_max = 1000 is lower than the minimum allowed value (4096)"},
		{wire.ConnectionTuneOk{ChannelMax: 0, FrameMax: 4096}, "NOT_ALLOWED - negotiated channel_max = 0 (no limit) is higher than the maximum allowed value (2047)"},
	} {
		r := dialRaw(t, b)
		r.startOK("PLAIN", "\x00guest\x00guest", true)
		expect[*wire.ConnectionTune](r, 0)
		r.send(0, &c.tune)
		want := wire.ConnectionClose{ReplyCode: 530, ReplyText: c.text, ClassID: 10, MethodID: 30}
		if got := r.connectionClose(); got != want {
			t.Errorf("tune-ok %+v: got %+v, want %+v", c.tune, got, want)
		}
	}
}

// TestHandshakeBadHeader: a client speaking another protocol gets the one
// this server speaks, then the socket closes.
func TestHandshakeBadHeader(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	for _, hdr := range []string{"AMQP\x00\x01\x00\x00", "GET / HTTP/1.1\r\n\r\n", "AMQP\x00\x00\x08\x00"} {
		c := dialRaw(t, b)
		// dialRaw sent the right header; start afresh on a new socket.
		_ = c.nc.Close()
		c = dialRawHeader(t, b, hdr)
		got, err := io.ReadAll(c.nc)
		if err != nil && !isReset(err) {
			t.Fatalf("%q: %v", hdr, err)
		}
		if string(got) != wire.ProtocolHeader {
			t.Fatalf("header %q: server answered %q, want %q", hdr, got, wire.ProtocolHeader)
		}
	}
}

// TestHandshakeGarbage: input that is not a handshake closes silently,
// and an unknown mechanism too.
func TestHandshakeGarbage(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	c := dialRaw(t, b)
	c.startOK("SCRAM-SHA-1", "x", true)
	c.closed()
	c = dialRaw(t, b)
	expect[*wire.ConnectionStart](c, 0)
	c.frame(wire.FrameMethod, 0, []byte{0, 10, 0, 11, 1, 2}, wire.FrameEnd) // start-ok cut short
	c.closed()
}
