package wire

import (
	"bufio"
	"net"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// The amqp091 tests run the real amqp091-go client against a scripted
// server built on this codec: the server decodes exactly what the client
// sent, and the client accepts what the server encodes.

// scriptServer plays the server's side of one connection, step by step, in
// the test goroutine.
type scriptServer struct {
	t  *testing.T
	br *bufio.Reader
	fr *FrameReader
	fw *FrameWriter
}

// received is one method read by the server, with its content if any.
type received struct {
	channel uint16
	method  Method
	header  ContentHeader
	body    []byte
}

func (s *scriptServer) next() received {
	s.t.Helper()
	f := s.frame()
	for f.Type == FrameHeartbeat {
		f = s.frame()
	}
	if f.Type != FrameMethod {
		s.t.Fatalf("frame type %d, want a method", f.Type)
	}
	m, err := DecodeMethod(f.Payload)
	if err != nil {
		s.t.Fatalf("decoding % x: %v", f.Payload, err)
	}
	r := received{channel: f.Channel, method: m}
	if !m.ID().HasContent() {
		return r
	}
	f = s.frame()
	if f.Type != FrameHeader || f.Channel != r.channel {
		s.t.Fatalf("frame type %d on channel %d, want a content header on %d", f.Type, f.Channel, r.channel)
	}
	if r.header, err = DecodeContentHeader(f.Payload); err != nil {
		s.t.Fatalf("content header % x: %v", f.Payload, err)
	}
	for uint64(len(r.body)) < r.header.BodySize {
		f = s.frame()
		if f.Type != FrameBody || f.Channel != r.channel {
			s.t.Fatalf("frame type %d on channel %d, want a body on %d", f.Type, f.Channel, r.channel)
		}
		r.body = append(r.body, f.Payload...)
	}
	return r
}

func (s *scriptServer) frame() Frame {
	s.t.Helper()
	f, err := s.fr.ReadFrame()
	if err != nil {
		s.t.Fatalf("server read: %v", err)
	}
	return f
}

// expect reads the next method and checks it is want, on channel.
func (s *scriptServer) expect(channel uint16, want Method) received {
	s.t.Helper()
	r := s.next()
	if r.channel != channel || !same(r.method, want) {
		s.t.Fatalf("server got %s on channel %d:\n %+v\nwant on %d:\n %+v",
			r.method.ID().Name(), r.channel, r.method, channel, want)
	}
	return r
}

func (s *scriptServer) send(channel uint16, m Method) {
	s.t.Helper()
	if err := s.fw.WriteMethod(channel, m); err != nil {
		s.t.Fatal(err)
	}
	s.flush()
}

func (s *scriptServer) sendContent(channel uint16, m Method, p *model.Properties, body []byte) {
	s.t.Helper()
	if err := s.fw.WriteContent(channel, m, p, body); err != nil {
		s.t.Fatal(err)
	}
	s.flush()
}

func (s *scriptServer) flush() {
	s.t.Helper()
	if err := s.fw.Flush(); err != nil {
		s.t.Fatal(err)
	}
}

// async runs a client call in its own goroutine, as net.Pipe blocks each
// side until the other reads.
func async(f func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	return done
}

func await[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("timed out waiting for the client")
		panic("unreachable")
	}
}

func ok(t *testing.T, done <-chan error) {
	t.Helper()
	if err := await(t, done); err != nil {
		t.Fatal(err)
	}
}

// handshake connects an amqp091-go client to a new script server.
func handshake(t *testing.T) (*scriptServer, *amqp.Connection) {
	t.Helper()
	srv, cli := net.Pipe()
	t.Cleanup(func() { srv.Close(); cli.Close() })
	if err := srv.SetDeadline(time.Now().Add(60 * time.Second)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(srv)
	s := &scriptServer{t: t, br: br, fr: NewFrameReader(br, FrameMinSize), fw: NewFrameWriter(srv, FrameMinSize)}

	type dialed struct {
		c   *amqp.Connection
		err error
	}
	dial := make(chan dialed, 1)
	go func() {
		c, err := amqp.Open(cli, amqp.Config{
			SASL:       []amqp.Authentication{&amqp.PlainAuth{Username: "guest", Password: "guest"}},
			Vhost:      "/",
			Locale:     "en_US",
			Properties: amqp.Table{"connection_name": "kaiten-test"},
		})
		dial <- dialed{c, err}
	}()

	if err := ReadProtocolHeader(br); err != nil {
		t.Fatal(err)
	}
	s.send(0, &ConnectionStart{
		VersionMajor: 0, VersionMinor: 9,
		ServerProperties: model.Table{
			"product": model.String("kaiten"),
			"capabilities": tableValue(model.Table{
				"publisher_confirms":        model.Bool(true),
				"basic.nack":                model.Bool(true),
				"consumer_cancel_notify":    model.Bool(true),
				"connection.blocked":        model.Bool(true),
				"accept_consumer_cancel_ok": model.Bool(true),
			}),
		},
		Mechanisms: "PLAIN AMQPLAIN", Locales: "en_US",
	})
	s.expect(0, &ConnectionStartOk{
		ClientProperties: model.Table{
			"connection_name": model.String("kaiten-test"),
			"capabilities": tableValue(model.Table{
				"connection.blocked":     model.Bool(true),
				"consumer_cancel_notify": model.Bool(true),
				"basic.nack":             model.Bool(true),
				"publisher_confirms":     model.Bool(true),
			}),
		},
		Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US",
	})
	s.send(0, &ConnectionTune{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 0})
	s.expect(0, &ConnectionTuneOk{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 0})
	s.fr.SetFrameMax(131072)
	s.fw.SetFrameMax(131072)
	s.expect(0, &ConnectionOpen{VirtualHost: "/"})
	s.send(0, &ConnectionOpenOk{})
	d := await(t, dial)
	if d.err != nil {
		t.Fatal(d.err)
	}
	// Closing the pipe first lets Close return at once, even when a failed
	// test left the server not reading.
	t.Cleanup(func() { srv.Close(); cli.Close(); d.c.Close() })
	return s, d.c
}

func openChannel(t *testing.T, s *scriptServer, c *amqp.Connection, id uint16) *amqp.Channel {
	t.Helper()
	opened := make(chan *amqp.Channel, 1)
	done := async(func() error {
		ch, err := c.Channel()
		opened <- ch
		return err
	})
	s.expect(id, &ChannelOpen{})
	s.send(id, &ChannelOpenOk{})
	ok(t, done)
	return <-opened
}

// amqpHeaders holds every type amqp091-go can put in a table, and
// modelHeaders what each must decode to.
var (
	amqpHeaders = amqp.Table{
		"bool": true, "byte": byte(200), "int8": int8(-8), "int16": int16(-16),
		"int": -1, "int32": int32(-32), "int64": int64(-64),
		"uint16": uint16(65535), "uint32": uint32(4294967295),
		"float32": float32(1.5), "float64": -2.25,
		"decimal": amqp.Decimal{Scale: 2, Value: -12345},
		"string":  "héllo", "bytes": []byte{0, 1, 255},
		"time":  time.Unix(1700000000, 0),
		"table": amqp.Table{"nested": "yes", "n": int32(1)},
		"array": []any{"a", int64(2), nil, true, amqp.Table{"in": "array"}},
		"void":  nil,
	}
	modelHeaders = model.Table{
		"bool":    model.Bool(true),
		"byte":    {Type: model.TypeUnsignedByte, Int: 200},
		"int8":    {Type: model.TypeByte, Int: -8},
		"int16":   {Type: model.TypeShort, Int: -16},
		"int":     {Type: model.TypeSignedInt, Int: -1},
		"int32":   {Type: model.TypeSignedInt, Int: -32},
		"int64":   {Type: model.TypeLong, Int: -64},
		"uint16":  {Type: model.TypeUnsignedShort, Int: 65535},
		"uint32":  {Type: model.TypeUnsignedInt, Int: 4294967295},
		"float32": {Type: model.TypeFloat, Float: 1.5},
		"float64": {Type: model.TypeDouble, Float: -2.25},
		"decimal": {Type: model.TypeDecimal, Dec: model.Decimal{Scale: 2, Value: -12345}},
		"string":  model.String("héllo"),
		"bytes":   {Type: model.TypeBinary, Str: "\x00\x01\xff"},
		"time":    {Type: model.TypeTimestamp, Int: 1700000000},
		"table":   tableValue(model.Table{"nested": model.String("yes"), "n": {Type: model.TypeSignedInt, Int: 1}}),
		"array": {Type: model.TypeArray, Array: []model.Value{
			model.String("a"), model.Long(2), model.Void(), model.Bool(true),
			tableValue(model.Table{"in": model.String("array")}),
		}},
		"void": model.Void(),
	}
)
