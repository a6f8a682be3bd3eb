package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// FuzzDecode feeds arbitrary octets to every decoder: as a stream of
// frames (read through a small and a large buffer, which must agree), and
// directly as a method payload, a content header and a table. Nothing may
// panic, every failure must be an *Error with a known code, and whatever
// decodes must re-encode to octets that decode to the same value.
func FuzzDecode(f *testing.F) {
	for _, m := range sampleMethods {
		b, _ := m.Encode(nil)
		f.Add(b)
	}
	h := ContentHeader{ClassID: 60, BodySize: 3, Properties: model.Properties{
		Has: model.HasHeaders | model.HasContentType | model.HasTimestamp, Headers: sampleArgs, ContentType: "a/b", Timestamp: -1,
	}}
	hb, _ := h.Encode(nil)
	f.Add(hb)
	tb, _ := AppendTable(nil, modelHeaders)
	f.Add(tb)
	f.Add(frames(f, 4096, func(fw *FrameWriter) error {
		if err := fw.WriteHeartbeat(); err != nil {
			return err
		}
		return fw.WriteContent(1, &BasicPublish{Exchange: "x", RoutingKey: "k"}, &h.Properties, []byte("abc"))
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		small := readFrames(t, bufio.NewReaderSize(bytes.NewReader(data), 16))
		large := readFrames(t, bufio.NewReaderSize(bytes.NewReader(data), 8192))
		if len(small) != len(large) {
			t.Fatalf("%d frames through a small buffer, %d through a large one", len(small), len(large))
		}
		for i := range small {
			if small[i].Type != large[i].Type || small[i].Channel != large[i].Channel || !bytes.Equal(small[i].Payload, large[i].Payload) {
				t.Fatalf("frame %d differs by buffer size", i)
			}
			switch small[i].Type {
			case FrameMethod:
				checkMethod(t, small[i].Payload)
			case FrameHeader:
				checkHeader(t, small[i].Payload)
			}
		}
		checkMethod(t, data)
		checkHeader(t, data)
		checkTable(t, data)
	})
}

func readFrames(t *testing.T, br *bufio.Reader) []Frame {
	fr := NewFrameReader(br, 4096)
	var out []Frame
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				wantCodes(t, err, FrameError)
			}
			return out
		}
		f.Payload = bytes.Clone(f.Payload)
		out = append(out, f)
	}
}

func wantCodes(t *testing.T, err error, codes ...uint16) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	for _, c := range codes {
		if e.Code == c {
			return
		}
	}
	t.Fatalf("error code %d (%v), want one of %v", e.Code, e, codes)
}

func checkMethod(t *testing.T, payload []byte) {
	m, err := DecodeMethod(payload)
	if err != nil {
		wantCodes(t, err, FrameError, SyntaxError, NotImplemented)
		return
	}
	b, err := m.Encode(nil)
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", m, err)
	}
	m2, err := DecodeMethod(b)
	if err != nil {
		t.Fatalf("decoding re-encoded %x: %v", b, err)
	}
	if !same(m, m2) {
		t.Fatalf("re-encoding changed %+v into %+v", m, m2)
	}
	if b2, _ := m2.Encode(nil); !bytes.Equal(b, b2) {
		t.Fatalf("encoding not stable:\n%x\n%x", b, b2)
	}
}

func checkHeader(t *testing.T, payload []byte) {
	h, err := DecodeContentHeader(payload)
	if err != nil {
		wantCodes(t, err, FrameError, SyntaxError)
		return
	}
	b, err := h.Encode(nil)
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", h, err)
	}
	h2, err := DecodeContentHeader(b)
	if err != nil || !same(h, h2) {
		t.Fatalf("re-encoding changed %+v into %+v (%v)", h, h2, err)
	}
}

func checkTable(t *testing.T, data []byte) {
	tab, rest, err := ReadTable(data)
	if err != nil {
		wantCodes(t, err, FrameError, SyntaxError)
		return
	}
	if len(rest) > len(data) {
		t.Fatal("rest longer than input")
	}
	b, err := AppendTable(nil, tab)
	if err != nil {
		t.Fatalf("re-encoding %v: %v", tab, err)
	}
	tab2, rest2, err := ReadTable(b)
	if err != nil || len(rest2) != 0 || !tableValue(tab).Equal(tableValue(tab2)) {
		t.Fatalf("re-encoding changed %v into %v (%v)", tab, tab2, err)
	}
}
