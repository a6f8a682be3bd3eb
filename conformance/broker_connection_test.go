package conformance

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerConnection checks the connection handshake and its limits:
// what the server offers, how it refuses, heartbeats, frame_max and
// channel_max.
func TestBrokerConnection(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"open", connOpen},
		{"tune-offered", connTuneOffered},
		{"vhost-not-found", connVhostNotFound},
		{"vhost-not-permitted", connVhostNotPermitted},
		{"wrong-password", connWrongPassword},
		{"wrong-password-wire", connWrongPasswordWire},
		{"heartbeat-negotiated", connHeartbeatNegotiated},
		{"heartbeat-frames", connHeartbeatFrames},
		{"frame-max-large-body", connFrameMaxLargeBody},
		{"frame-max-exceeded", connFrameMaxExceeded},
		{"channel-max", connChannelMax},
		{"channel-max-exceeded", connChannelMaxExceeded},
	})
}

// connOpen: AMQP 0-9-1, and the capabilities clients look for.
func connOpen(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	equal(t, "protocol version", [2]int{v.conn.Major, v.conn.Minor}, [2]int{0, 9})
	caps, _ := v.conn.Properties["capabilities"].(amqp.Table)
	for _, c := range []string{
		"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
		"consumer_cancel_notify", "connection.blocked", "authentication_failure_close",
		"per_consumer_qos", "direct_reply_to",
	} {
		if caps[c] != true {
			t.Errorf("server capability %q = %v, want true", c, caps[c])
		}
	}
	if err := v.conn.Close(); err != nil {
		t.Fatalf("connection.close: %v", err)
	}
}

// connTuneOffered: RabbitMQ's defaults, as connection.tune offers them.
func connTuneOffered(t *testing.T, tb *testBroker) {
	w := dialWire(t, tb)
	user, pass := tb.Credentials()
	w.startOK(user, pass, true)
	equal(t, "connection.tune", w.tune(), wireTune{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 60})
}

func connVhostNotFound(t *testing.T, tb *testBroker) {
	_, err := tb.Dial("kaiten-conformance-no-such-vhost")
	wantError(t, "connection.open of a missing vhost", err, amqp.NotAllowed,
		"NOT_ALLOWED - vhost kaiten-conformance-no-such-vhost not found")
}

// connVhostNotPermitted: the vhost exists, the user has no permissions in it.
func connVhostNotPermitted(t *testing.T, tb *testBroker) {
	skipOnEmbedded(t, tb, "is a loopback sandbox that records permissions but does not enforce them (see broker/embedded/mgmt's package doc)")
	v := tb.vhost(t)
	user, _ := tb.Credentials()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := tb.api(ctx, http.MethodDelete, "/api/permissions/"+seg(v.name)+"/"+seg(user), nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := tb.Dial(v.name)
	wantError(t, "connection.open without permissions", err, amqp.NotAllowed,
		"NOT_ALLOWED - access to vhost '"+v.name+"' refused for user '"+user+"'")
}

// connWrongPassword: amqp091-go does not advertise
// authentication_failure_close, so the broker just drops the socket and
// the client reports its own ErrCredentials.
func connWrongPassword(t *testing.T, tb *testBroker) {
	user, _ := tb.Credentials()
	_, err := tb.WithCredentials(user, "not-the-password").Dial("/")
	if !errors.Is(err, amqp.ErrCredentials) {
		t.Fatalf("dial with a wrong password: got %#v, want amqp.ErrCredentials", err)
	}
}

// connWrongPasswordWire: with authentication_failure_close the broker says
// why before closing; without it the socket just closes (RabbitMQ waits
// 3 s first, then resets it).
func connWrongPasswordWire(t *testing.T, tb *testBroker) {
	user, _ := tb.Credentials()
	w := dialWire(t, tb)
	w.startOK(user, "not-the-password", true)
	equal(t, "connection.close", w.connectionClose(), wireClose{
		Code: amqp.AccessRefused,
		Text: "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.",
	})

	w = dialWire(t, tb)
	w.startOK(user, "not-the-password", false)
	w.closedSocket()
}

func connHeartbeatNegotiated(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	for _, c := range []struct {
		ask, want time.Duration
	}{
		{3 * time.Second, 3 * time.Second},
		{90 * time.Second, 60 * time.Second}, // the lower of the two offers
	} {
		conn := v.dialConfig(amqp.Config{Heartbeat: c.ask})
		equal(t, "heartbeat asked "+c.ask.String(), conn.Config.Heartbeat, c.want)
		_ = conn.Close()
	}
}

// connHeartbeatFrames: with a 1 s heartbeat the server sends heartbeat
// frames on channel 0 while the client says nothing.
func connHeartbeatFrames(t *testing.T, tb *testBroker) {
	w := openWire(t, tb, wireTune{Heartbeat: 1})
	for seen := 0; seen < 2; {
		f, err := w.read()
		if err != nil {
			t.Fatalf("waiting for heartbeats: %v", err)
		}
		if f.typ != frameHeartbeat || f.channel != 0 || len(f.payload) != 0 {
			c, m := f.method()
			t.Fatalf("got frame type %d channel %d method %d.%d, want heartbeats", f.typ, f.channel, c, m)
		}
		seen++
	}
}

// connFrameMaxLargeBody: a 1 MiB body over a 4 KiB frame_max, split into
// hundreds of body frames both ways, arrives intact.
func connFrameMaxLargeBody(t *testing.T, tb *testBroker) {
	conn := tb.vhost(t).dialConfig(amqp.Config{FrameSize: 4096})
	equal(t, "negotiated frame_max", conn.Config.FrameSize, 4096)
	body := make([]byte, 1<<20)
	for i := range body {
		body[i] = byte(i*7 + i>>11)
	}
	ch := openChannel(t, conn)
	if _, err := ch.QueueDeclare("big", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	publishConfirmed(t, ch, "", "big", amqp.Publishing{Body: body})
	d := next(t, consume(t, ch, "big", true))
	if !bytes.Equal(d.Body, body) {
		t.Fatalf("received %d bytes, not the %d sent", len(d.Body), len(body))
	}
}

// connFrameMaxExceeded: a frame larger than the frame_max the client
// agreed to is a connection error.
func connFrameMaxExceeded(t *testing.T, tb *testBroker) {
	w := openWire(t, tb, wireTune{FrameMax: 4096})
	w.openChannel(1)
	w.expect(20, 11)
	// basic.publish to "" with a routing key, padded past frame_max.
	args := append([]byte{0, 0}, shortstr(nil, "")...)
	args = shortstr(args, "q")
	args = append(args, 0)
	args = append(args, make([]byte, 5000)...)
	w.sendMethod(1, 60, 40, args)
	equal(t, "connection.close", w.connectionClose(), wireClose{
		Code: amqp.FrameError,
		// The payload is 5010 bytes; 4088 is frame_max less the 8 bytes
		// of frame header and end.
		Text: "FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,5010,4088}",
	})
}

// connChannelMax: the lower of the two offers wins; amqp091-go then
// refuses a channel past it without asking the server.
func connChannelMax(t *testing.T, tb *testBroker) {
	conn := tb.vhost(t).dialConfig(amqp.Config{ChannelMax: 2})
	equal(t, "negotiated channel_max", conn.Config.ChannelMax, uint16(2))
	openChannel(t, conn)
	openChannel(t, conn)
	if _, err := conn.Channel(); !errors.Is(err, amqp.ErrChannelMax) {
		t.Fatalf("third channel: got %v, want amqp.ErrChannelMax", err)
	}
}

// connChannelMaxExceeded: a client that opens more channels than it
// agreed to gets a connection error.
func connChannelMaxExceeded(t *testing.T, tb *testBroker) {
	w := openWire(t, tb, wireTune{ChannelMax: 2})
	w.openChannel(1)
	w.expect(20, 11)
	w.openChannel(2)
	w.expect(20, 11)
	w.openChannel(3)
	equal(t, "connection.close", w.connectionClose(), wireClose{
		Code: amqp.NotAllowed,
		Text: "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)",
	})
}
