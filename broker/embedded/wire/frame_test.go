package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestReadProtocolHeader(t *testing.T) {
	for _, ok := range []string{ProtocolHeader, "AMQP\x01\x01\x00\x09"} {
		if err := ReadProtocolHeader(strings.NewReader(ok + "more")); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"AMQP\x00\x00\x09\x00", "AMQP\x00\x01\x00\x00", "GET / HTTP/1.1", "\x16\x03\x01\x02\x00\x01\x00\x01"} {
		err := ReadProtocolHeader(strings.NewReader(bad))
		var mismatch *HeaderMismatchError
		if !errors.As(err, &mismatch) || string(mismatch.Got[:]) != bad[:8] {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := ReadProtocolHeader(strings.NewReader("AMQP")); err != io.ErrUnexpectedEOF {
		t.Errorf("short header: %v", err)
	}
	if err := ReadProtocolHeader(strings.NewReader("")); err != io.EOF {
		t.Errorf("no header: %v", err)
	}
}

// frames writes some frames with a FrameWriter and returns the octets.
func frames(t testing.TB, frameMax uint32, write func(fw *FrameWriter) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, frameMax)
	if err := write(fw); err != nil {
		t.Fatal(err)
	}
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t *testing.T, fr *FrameReader) []Frame {
	t.Helper()
	var out []Frame
	for {
		f, err := fr.ReadFrame()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		f.Payload = bytes.Clone(f.Payload)
		out = append(out, f)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 1000) // 10,000 octets
	props := model.Properties{Has: model.HasContentType | model.HasHeaders, ContentType: "text/plain", Headers: sampleArgs}
	deliver := &BasicDeliver{ConsumerTag: "c", DeliveryTag: 1, RoutingKey: "q"}
	wire := frames(t, 4096, func(fw *FrameWriter) error {
		if err := fw.WriteMethod(0, &ConnectionTuneOk{ChannelMax: 1, FrameMax: 4096}); err != nil {
			return err
		}
		if err := fw.WriteHeartbeat(); err != nil {
			return err
		}
		if err := fw.WriteContent(7, deliver, &props, body); err != nil {
			return err
		}
		return fw.WriteContent(7, deliver, nil, nil)
	})
	// Read it back through a small buffer (payloads copied) and a large one
	// (payloads in place): both must see the same frames.
	for _, size := range []int{16, 4096 + 8} {
		got := readAll(t, NewFrameReader(bufio.NewReaderSize(bytes.NewReader(wire), size), 4096))
		var types []uint8
		for _, f := range got {
			types = append(types, f.Type)
			if len(f.Payload) > 4096-8 {
				t.Errorf("payload of %d octets over frame_max-8", len(f.Payload))
			}
		}
		want := []uint8{1, 8, 1, 2, 3, 3, 3, 1, 2}
		if !bytes.Equal(types, want) {
			t.Fatalf("buffer %d: frame types %v, want %v", size, types, want)
		}
		if got[1].Channel != 0 || len(got[1].Payload) != 0 || got[2].Channel != 7 {
			t.Errorf("channels: %+v", got[:3])
		}
		m, err := DecodeMethod(got[2].Payload)
		if err != nil || !same(m, deliver) {
			t.Errorf("deliver: %+v %v", m, err)
		}
		h, err := DecodeContentHeader(got[3].Payload)
		if err != nil || h.BodySize != uint64(len(body)) || h.ClassID != 60 || !same(h.Properties, props) {
			t.Errorf("header: %+v %v", h, err)
		}
		joined := append(append(got[4].Payload, got[5].Payload...), got[6].Payload...)
		if !bytes.Equal(joined, body) || len(got[4].Payload) != 4088 || len(got[6].Payload) != 10000-2*4088 {
			t.Errorf("body frames of %d, %d, %d octets", len(got[4].Payload), len(got[5].Payload), len(got[6].Payload))
		}
		if h, _ := DecodeContentHeader(got[8].Payload); h.BodySize != 0 || h.Properties.Has != 0 {
			t.Errorf("empty content header: %+v", h)
		}
	}
}

func TestHeartbeatOctets(t *testing.T) {
	wire := frames(t, 0, func(fw *FrameWriter) error { return fw.WriteHeartbeat() })
	if !bytes.Equal(wire, []byte{8, 0, 0, 0, 0, 0, 0, 0xCE}) {
		t.Errorf("% x", wire)
	}
}

func TestFrameReaderErrors(t *testing.T) {
	cases := []struct {
		name     string
		wire     string
		frameMax uint32
		err      error  // a plain error, or
		text     string // a 501 FRAME_ERROR saying this
	}{
		{"bad frame end", "01 0000 00000004 003c 0050 00", 0, nil, "frame end octet 0x00, not 0xCE"},
		{"unknown type", "04 0000 00000000 ce", 0, nil, "unknown frame type 4"},
		{"heartbeat with payload", "08 0000 00000001 00 ce", 0, nil, "heartbeat frame with a 1-octet payload"},
		{"over frame_max", "03 0001 00001001", 4096, nil, "frame payload of 4097 octets over frame_max 4096"},
		{"clean end", "", 0, io.EOF, ""},
		{"cut in head", "01 0000", 0, io.ErrUnexpectedEOF, ""},
		{"cut in payload", "03 0001 00000010 'abc'", 0, io.ErrUnexpectedEOF, ""},
		{"missing end", "03 0001 00000003 'abc'", 0, io.ErrUnexpectedEOF, ""},
		{"huge size, no limit", "03 0001 fffffff0 'abc'", 0, io.ErrUnexpectedEOF, ""},
	}
	for _, c := range cases {
		for _, size := range []int{16, 4096} {
			fr := NewFrameReader(bufio.NewReaderSize(bytes.NewReader(hx(c.wire)), size), c.frameMax)
			_, err := fr.ReadFrame()
			if c.err != nil {
				if err != c.err {
					t.Errorf("%s (buffer %d): %v, want %v", c.name, size, err, c.err)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != FrameError || !strings.Contains(e.Text, c.text) {
				t.Errorf("%s (buffer %d): %v, want 501 %q", c.name, size, err, c.text)
			}
		}
	}
}

// TestFrameMaxFudge: like RabbitMQ, a payload may reach frame_max itself.
func TestFrameMaxFudge(t *testing.T) {
	for _, n := range []int{4088, 4096} {
		wire := append(append(hx("03 0001"), be32(n)...), append(make([]byte, n), 0xCE)...)
		fr := NewFrameReader(bufio.NewReader(bytes.NewReader(wire)), 4096)
		if f, err := fr.ReadFrame(); err != nil || len(f.Payload) != n {
			t.Errorf("%d octets: %v", n, err)
		}
	}
}

// TestHugeSizeAllocatesLittle: a size field of 4 GiB with no frame_max and
// a few octets behind it must not make the reader allocate 4 GiB.
func TestHugeSizeAllocatesLittle(t *testing.T) {
	wire := append(hx("03 0001 fffffff0"), make([]byte, 100)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fr := NewFrameReader(bufio.NewReader(bytes.NewReader(wire)), 0)
	if _, err := fr.ReadFrame(); err != io.ErrUnexpectedEOF {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("allocated %d octets", grew)
	}
}

// TestReadFrameZeroCopy: frames that fit the bufio buffer cost no
// allocation.
func TestReadFrameZeroCopy(t *testing.T) {
	one := frames(t, 0, func(fw *FrameWriter) error {
		return fw.WriteContent(1, &BasicPublish{Exchange: "x", RoutingKey: "k"}, nil, []byte("body"))
	})
	src := &repeatReader{b: one}
	fr := NewFrameReader(bufio.NewReader(src), 131072)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := fr.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations a frame", allocs)
	}
}

// repeatReader reads b over and over.
type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

func TestFrameWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, 4096)
	if err := fw.WriteContent(1, &BasicAck{}, nil, nil); err == nil || !strings.Contains(err.Error(), "basic.ack carries no content") {
		t.Errorf("content on basic.ack: %v", err)
	}
	big := &ConnectionSecure{Challenge: strings.Repeat("c", 5000)}
	if err := fw.WriteMethod(0, big); err == nil || !strings.Contains(err.Error(), "over frame_max 4096") {
		t.Errorf("method over frame_max: %v", err)
	}
	bad := model.Properties{Has: model.HasType, Type: strings.Repeat("t", 300)}
	if err := fw.WriteContent(1, &BasicPublish{}, &bad, []byte("x")); err == nil {
		t.Error("content header with a 300-octet type")
	}
	if err := fw.WriteFrame(Frame{Type: FrameBody, Channel: 1, Payload: make([]byte, 4089)}); err == nil {
		t.Error("body frame over frame_max")
	}
	if err := fw.Flush(); err != nil || buf.Len() != 0 {
		t.Errorf("failed writes left %d octets: %v", buf.Len(), err)
	}
	// Nothing under the spec's minimum: frame_max 10 counts as 4096.
	fw.SetFrameMax(10)
	if err := fw.WriteContent(1, &BasicPublish{}, nil, make([]byte, 5000)); err != nil {
		t.Fatal(err)
	}
	fw.Flush()
	got := readAll(t, NewFrameReader(bufio.NewReader(&buf), 4096))
	if len(got) != 4 || len(got[2].Payload) != 4088 {
		t.Errorf("%d frames", len(got))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestFrameWriterWriteError(t *testing.T) {
	fw := NewFrameWriter(failWriter{}, 4096)
	err := fw.WriteContent(1, &BasicPublish{}, nil, make([]byte, 200_000))
	if err == nil {
		err = fw.Flush()
	}
	if err == nil || err.Error() != "broken pipe" {
		t.Errorf("got %v", err)
	}
}
