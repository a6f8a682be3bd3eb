package embedded

import (
	"context"
	"encoding/binary"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
)

// panicWatch is a log handler that counts the panics the broker recovered
// from: each is a bug, even though the broker survives it.
type panicWatch struct{ panics *atomic.Int64 }

func (h panicWatch) Enabled(context.Context, slog.Level) bool { return true }

func (h panicWatch) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "panic serving connection" {
		h.panics.Add(1)
	}
	return nil
}

func (h panicWatch) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h panicWatch) WithGroup(string) slog.Handler      { return h }

// fuzzFrame encodes one frame.
func fuzzFrame(typ uint8, channel uint16, payload []byte) []byte {
	b := []byte{typ}
	b = binary.BigEndian.AppendUint16(b, channel)
	b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
	return append(append(b, payload...), wire.FrameEnd)
}

// FuzzConnection feeds arbitrary bytes to a live server after a valid
// handshake, on a connection of its own, and checks after each input that
// a well-behaved client is still served and that no panic was recovered.
//
//	go test -run '^$' -fuzz FuzzConnection -fuzztime 60s ./broker/embedded
func FuzzConnection(f *testing.F) {
	var panics atomic.Int64
	b := startBroker(f, Options{MaxMessageSize: 1 << 16, Logger: slog.New(panicWatch{&panics})})
	good := dial(f, b)
	check := openCh(f, good)
	q, err := check.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		f.Fatal(err)
	}

	open := fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.ChannelOpen{}))
	declare := fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.QueueDeclare{Queue: "fz", AutoDelete: true}))
	publish := fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.BasicPublish{RoutingKey: "fz", Mandatory: true}))
	hdr := fuzzFrame(wire.FrameHeader, 1, header(60, 0, 3))
	body := fuzzFrame(wire.FrameBody, 1, []byte("abc"))
	consume := fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.BasicConsume{Queue: "fz"}))
	ack := fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.BasicAck{DeliveryTag: 1}))
	seeds := [][]byte{
		nil,
		open,
		join(open, declare, publish, hdr, body, consume, ack),
		join(open, publish, hdr, []byte{3, 0, 1, 0, 0, 0, 3, 'a', 'b'}),
		join(open, fuzzFrame(wire.FrameMethod, 1, []byte{0, 50, 0, 10, 0, 0, 255})),
		join(fuzzFrame(wire.FrameMethod, 0, methodPayload(&wire.ConnectionClose{ReplyCode: 200}))),
		join(open, fuzzFrame(wire.FrameMethod, 1, methodPayload(&wire.ChannelClose{}))),
		{1, 0, 1, 255, 255, 255, 255},
		{8, 0, 0, 0, 0, 0, 0, 0xCE, 8, 0, 1, 0, 0, 0, 0, 0xCE},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := dialRaw(t, b)
		r.open("/", wire.ConnectionTuneOk{FrameMax: 4096})
		_ = r.nc.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = r.nc.Write(data)
		if tc, ok := r.nc.(interface{ CloseWrite() error }); ok {
			_ = tc.CloseWrite()
		}
		// Read to the end: the server has then handled all of it.
		buf := make([]byte, 4096)
		for {
			if _, err := r.nc.Read(buf); err != nil {
				break
			}
		}
		_ = r.nc.Close()
		if n := panics.Load(); n > 0 {
			t.Fatalf("the broker recovered from %d panics on input %q", n, data)
		}
		if err := check.Publish("", q.Name, false, false, publishing("ping")); err != nil {
			t.Fatalf("the well-behaved client after input %q: %v", data, err)
		}
		for i := 0; ; i++ {
			d, ok, err := check.Get(q.Name, true)
			if err != nil {
				t.Fatalf("the well-behaved client after input %q: %v", data, err)
			}
			if ok && string(d.Body) == "ping" {
				break
			}
			if i > 1000 {
				t.Fatalf("the well-behaved client's message never arrived after input %q", data)
			}
			time.Sleep(time.Millisecond)
		}
	})
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
