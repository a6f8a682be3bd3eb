package embedded

import (
	"encoding/binary"
	"testing"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
)

var (
	idPublish = wire.MethodID{Class: 60, Method: 40}
	idNone    = wire.MethodID{}
)

// header is a content header frame's payload.
func header(class uint16, weight uint16, size uint64) []byte {
	p := binary.BigEndian.AppendUint16(nil, class)
	p = binary.BigEndian.AppendUint16(p, weight)
	p = binary.BigEndian.AppendUint64(p, size)
	return binary.BigEndian.AppendUint16(p, 0) // no properties
}

func methodPayload(m wire.Method) []byte {
	p, err := m.Encode(nil)
	if err != nil {
		panic(err)
	}
	return p
}

// TestMalformedInput: input no client should send closes the connection
// (or only the channel) with RabbitMQ's code and text, and the broker goes
// on serving others.
func TestMalformedInput(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{MaxMessageSize: 1000})
	publish := methodPayload(&wire.BasicPublish{RoutingKey: "q"})
	for _, c := range []struct {
		name  string
		send  func(c *rawClient)
		code  uint16
		text  string
		id    wire.MethodID
		onlyC bool // a channel error on channel 1
	}{
		{
			"bad frame end", func(c *rawClient) { c.frame(wire.FrameMethod, 1, []byte{0, 20, 0, 40}, 0x00) },
			501, "FRAME_ERROR - type 1, all octets = <<0,20,0,40>>: {invalid_frame_end_marker,0}", idNone, false,
		},
		{
			"frame over frame_max", func(c *rawClient) { c.frame(wire.FrameBody, 1, make([]byte, 5000), wire.FrameEnd) },
			501, "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,5000,4088}", idNone, false,
		},
		{
			"unknown frame type", func(c *rawClient) { c.frame(9, 1, []byte("hi"), wire.FrameEnd) },
			501, `FRAME_ERROR - type 9, all octets = <<"hi">>: unknown_frame`, idNone, false,
		},
		{
			"heartbeat on a channel", func(c *rawClient) { c.frame(wire.FrameHeartbeat, 1, nil, wire.FrameEnd) },
			505, "UNEXPECTED_FRAME - type 8, all octets = <<>>", idNone, false,
		},
		{
			"content on channel 0", func(c *rawClient) { c.frame(wire.FrameBody, 0, []byte{1, 2, 3}, wire.FrameEnd) },
			505, "UNEXPECTED_FRAME - type 3, all octets = <<1,2,3>>", idNone, false,
		},
		{
			"body without a method", func(c *rawClient) { c.frame(wire.FrameBody, 1, []byte("x"), wire.FrameEnd) },
			505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead", idNone, false,
		},
		{"method instead of a header", func(c *rawClient) {
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
		}, 505, "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead", idPublish, false},
		{"header of another class", func(c *rawClient) {
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
			c.frame(wire.FrameHeader, 1, header(50, 0, 1), wire.FrameEnd)
		}, 505, "UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead", idPublish, false},
		{"method instead of a body", func(c *rawClient) {
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
			c.frame(wire.FrameHeader, 1, header(60, 0, 5), wire.FrameEnd)
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
		}, 505, "UNEXPECTED_FRAME - expected content body, got non content body frame instead", idPublish, false},
		{"body longer than announced", func(c *rawClient) {
			c.frame(wire.FrameMethod, 1, publish, wire.FrameEnd)
			c.frame(wire.FrameHeader, 1, header(60, 0, 2), wire.FrameEnd)
			c.frame(wire.FrameBody, 1, []byte("abc"), wire.FrameEnd)
		}, 505, "UNEXPECTED_FRAME - content body frame of 3 octets, but only 2 of 2 octets remained", idPublish, false},
		{
			"arguments cut short", func(c *rawClient) { c.frame(wire.FrameMethod, 1, []byte{0, 50, 0, 10, 0}, wire.FrameEnd) },
			501, "",
			wire.MethodID{Class: 50, Method: 10},
			false,
		},
		{
			"unknown method", func(c *rawClient) { c.frame(wire.FrameMethod, 1, []byte{0, 60, 0, 99}, wire.FrameEnd) },
			540, "",
			wire.MethodID{Class: 60, Method: 99},
			false,
		},
		{
			"method before channel.open", func(c *rawClient) { c.send(2, &wire.QueueDeclare{Queue: "q"}) },
			504, "CHANNEL_ERROR - expected 'channel.open'",
			wire.MethodID{Class: 50, Method: 10},
			false,
		},
		{
			"second channel.open", func(c *rawClient) { c.send(1, &wire.ChannelOpen{}) },
			504, "CHANNEL_ERROR - second 'channel.open' seen",
			wire.MethodID{Class: 20, Method: 10},
			false,
		},
		{
			"channel.flow active=false", func(c *rawClient) { c.send(1, &wire.ChannelFlow{Active: false}) },
			540, "NOT_IMPLEMENTED - active=false",
			wire.MethodID{Class: 20, Method: 20},
			false,
		},
		{
			"server method from the client", func(c *rawClient) { c.send(1, &wire.BasicGetEmpty{}) },
			503, "COMMAND_INVALID - unimplemented method",
			wire.MethodID{Class: 60, Method: 72},
			false,
		},
		{
			"connection method on channel 0 while open", func(c *rawClient) { c.send(0, &wire.ConnectionTuneOk{}) },
			504, "CHANNEL_ERROR - unexpected method in connection state running",
			wire.MethodID{Class: 10, Method: 31},
			false,
		},
		{
			"immediate", func(c *rawClient) { c.sendContent(1, &wire.BasicPublish{RoutingKey: "q", Immediate: true}, nil) },
			540, "NOT_IMPLEMENTED - immediate=true", idPublish, false,
		},
		{
			"prefetch_size", func(c *rawClient) { c.send(1, &wire.BasicQos{PrefetchSize: 10}) },
			540, "NOT_IMPLEMENTED - prefetch_size!=0 (10)",
			wire.MethodID{Class: 60, Method: 10},
			false,
		},
		{"over max_message_size", func(c *rawClient) {
			c.sendContent(1, &wire.BasicPublish{RoutingKey: "q"}, make([]byte, 1001))
		}, 406, "PRECONDITION_FAILED - message size 1001 is larger than configured max size 1000", idPublish, true},
		{
			"unknown delivery tag", func(c *rawClient) { c.send(1, &wire.BasicAck{DeliveryTag: 7}) },
			406, "PRECONDITION_FAILED - unknown delivery tag 7",
			wire.MethodID{Class: 60, Method: 80},
			true,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := dialRaw(t, b)
			r.open("/", wire.ConnectionTuneOk{FrameMax: 4096})
			r.openChannel(1)
			c.send(r)
			var got wire.ConnectionClose
			if c.onlyC {
				cl := expect[*wire.ChannelClose](r, 1)
				got = wire.ConnectionClose(*cl)
			} else {
				got = r.connectionClose()
			}
			if got.ReplyCode != c.code || (c.text != "" && got.ReplyText != c.text) ||
				got.ClassID != c.id.Class || got.MethodID != c.id.Method {
				t.Errorf("got %d %q (%d.%d)\nwant %d %q (%d.%d)", got.ReplyCode, got.ReplyText, got.ClassID, got.MethodID,
					c.code, c.text, c.id.Class, c.id.Method)
			}
			if c.onlyC {
				// The closing channel ignores all but close-ok; then the
				// number is free again.
				r.send(1, &wire.QueueDeclare{Queue: "ignored"})
				r.send(1, &wire.ChannelCloseOk{})
				r.openChannel(1)
				r.send(1, &wire.QueueDeclare{Queue: "after", AutoDelete: true})
				if ok := expect[*wire.QueueDeclareOk](r, 1); ok.Queue != "after" {
					t.Fatalf("declare-ok %+v", ok)
				}
			}
		})
	}
	stillServing(t, b)
}

// stillServing checks that a well-behaved client gets its work done.
func stillServing(t *testing.T, b *Broker) {
	t.Helper()
	conn := dial(t, b)
	ch := openCh(t, conn)
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Publish("", q.Name, false, false, publishing("still here")); err != nil {
		t.Fatal(err)
	}
	msgs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := receive(t, msgs); string(d.Body) != "still here" {
		t.Fatalf("got %q", d.Body)
	}
	_ = conn.Close()
}

// TestChannelMax: channel_max counts channels, and a client that opens
// one more than it agreed to gets RabbitMQ's connection error.
func TestChannelMax(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	r := dialRaw(t, b)
	r.open("/", wire.ConnectionTuneOk{ChannelMax: 2})
	r.openChannel(7)
	r.openChannel(9)
	r.send(9, &wire.ChannelClose{})
	expect[*wire.ChannelCloseOk](r, 9)
	r.openChannel(3)
	r.send(4, &wire.ChannelOpen{})
	want := wire.ConnectionClose{ReplyCode: 530, ReplyText: "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)"}
	if got := r.connectionClose(); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestCloseHandshake: connection.close from the client gets close-ok and
// the socket ends; channel.close gets close-ok and frees the number.
func TestCloseHandshake(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	r := dialRaw(t, b)
	r.open("/", wire.ConnectionTuneOk{})
	r.openChannel(1)
	r.send(1, &wire.ChannelClose{ReplyCode: 200, ReplyText: "bye"})
	expect[*wire.ChannelCloseOk](r, 1)
	r.openChannel(1)
	r.send(0, &wire.ConnectionClose{ReplyCode: 200, ReplyText: "bye"})
	expect[*wire.ConnectionCloseOk](r, 0)
	r.closed()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
