package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// hx turns "00 0a 'abc'" into bytes: hex octets, and quoted text as is.
func hx(s string) []byte {
	var out []byte
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \n\t")
		if s == "" {
			break
		}
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'') + 1
			out = append(out, s[1:end]...)
			s = s[end+1:]
			continue
		}
		n := strings.IndexAny(s, " \n\t'")
		if n < 0 {
			n = len(s)
		}
		b, err := hex.DecodeString(s[:n])
		if err != nil {
			panic(err)
		}
		out = append(out, b...)
		s = s[n:]
	}
	return out
}

// TestMethodVectors pins the wire layout of methods to octets written out
// from the spec (and RabbitMQ's rabbit_framing_amqp_0_9_1), so that the
// codec agrees with more than itself.
func TestMethodVectors(t *testing.T) {
	cases := []struct {
		m    Method
		wire string
	}{
		{
			&ConnectionStart{0, 9, model.Table{"p": model.String("k")}, "PLAIN", "en_US"},
			"000a 000a 00 09 00000008 01'p' 'S' 00000001 'k' 00000005 'PLAIN' 00000005 'en_US'",
		},
		{
			&ConnectionStartOk{nil, "PLAIN", "\x00u\x00p", "en_US"},
			"000a 000b 00000000 05'PLAIN' 00000004 00'u'00'p' 05'en_US'",
		},
		{&ConnectionTune{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 60}, "000a 001e 07ff 00020000 003c"},
		{&ConnectionOpen{VirtualHost: "/", Insist: true}, "000a 0028 01'/' 00 01"},
		{&ConnectionClose{320, "bye", 0, 0}, "000a 0032 0140 03'bye' 0000 0000"},
		{&ConnectionUpdateSecret{"tok", "r"}, "000a 0046 00000003'tok' 01'r'"},
		{&ConnectionUpdateSecretOk{}, "000a 0047"},
		{&ChannelOpenOk{}, "0014 000b 00000000"},
		{&ChannelClose{406, "no", 50, 10}, "0014 0028 0196 02'no' 0032 000a"},
		{&AccessRequest{Realm: "/data", Exclusive: true, Active: true, Read: true}, "001e 000a 05'/data' 15"},
		{
			&ExchangeDeclare{Ticket: 7, Exchange: "x", Type: "topic", Durable: true, NoWait: true},
			"0028 000a 0007 01'x' 05'topic' 12 00000000",
		},
		{&ExchangeDelete{Exchange: "x", IfUnused: true}, "0028 0014 0000 01'x' 01"},
		{
			&ExchangeBind{Destination: "d", Source: "s", RoutingKey: "k", NoWait: true},
			"0028 001e 0000 01'd' 01's' 01'k' 01 00000000",
		},
		{&ExchangeUnbindOk{}, "0028 0033"},
		{
			&QueueDeclare{Queue: "q", Exclusive: true, Arguments: model.Table{"x-max-length": model.Long(5)}},
			"0032 000a 0000 01'q' 04 00000016 0c'x-max-length' 'l' 0000000000000005",
		},
		{&QueueDeclareOk{"q", 3, 1}, "0032 000b 01'q' 00000003 00000001"},
		{&QueueDelete{Queue: "q", IfEmpty: true, NoWait: true}, "0032 0028 0000 01'q' 06"},
		{&QueueUnbind{Queue: "q", Exchange: "x", RoutingKey: "k"}, "0032 0032 0000 01'q' 01'x' 01'k' 00000000"},
		{&BasicQos{PrefetchSize: 1, PrefetchCount: 250, Global: true}, "003c 000a 00000001 00fa 01"},
		{
			&BasicConsume{Queue: "q", ConsumerTag: "c", NoAck: true, Exclusive: true},
			"003c 0014 0000 01'q' 01'c' 06 00000000",
		},
		{&BasicPublish{Exchange: "x", RoutingKey: "k", Mandatory: true, Immediate: true}, "003c 0028 0000 01'x' 01'k' 03"},
		{&BasicReturn{312, "NO_ROUTE", "x", "k"}, "003c 0032 0138 08'NO_ROUTE' 01'x' 01'k'"},
		{&BasicDeliver{"c", 0x0102030405060708, true, "", "q"}, "003c 003c 01'c' 0102030405060708 01 00 01'q'"},
		{&BasicGetOk{9, true, "x", "k", 41}, "003c 0047 0000000000000009 01 01'x' 01'k' 00000029"},
		{&BasicGetEmpty{}, "003c 0048 00"},
		{&BasicRecoverAsync{Requeue: true}, "003c 0064 01"},
		{&BasicRecover{Requeue: true}, "003c 006e 01"},
		{&BasicNack{DeliveryTag: 1, Multiple: true, Requeue: true}, "003c 0078 0000000000000001 03"},
		{&ConfirmSelect{NoWait: true}, "0055 000a 01"},
		{&TxRollbackOk{}, "005a 001f"},
	}
	for _, c := range cases {
		want := hx(c.wire)
		got, err := c.m.Encode(nil)
		if err != nil {
			t.Fatalf("%s: %v", c.m.ID().Name(), err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got % x\nwant % x", c.m.ID().Name(), got, want)
		}
		back, err := DecodeMethod(want)
		if err != nil || !same(back, c.m) {
			t.Errorf("%s: decoded %+v, %v", c.m.ID().Name(), back, err)
		}
	}
}

// TestValueVectors pins each type letter and layout, RabbitMQ's set.
func TestValueVectors(t *testing.T) {
	cases := []struct {
		v    model.Value
		wire string
	}{
		{model.Bool(true), "'t' 01"},
		{model.Bool(false), "'t' 00"},
		{model.Value{Type: model.TypeByte, Int: -2}, "'b' fe"},
		{model.Value{Type: model.TypeUnsignedByte, Int: 254}, "'B' fe"},
		{model.Value{Type: model.TypeShort, Int: -2}, "'s' fffe"},
		{model.Value{Type: model.TypeUnsignedShort, Int: 65534}, "'u' fffe"},
		{model.Value{Type: model.TypeSignedInt, Int: -2}, "'I' fffffffe"},
		{model.Value{Type: model.TypeUnsignedInt, Int: math.MaxUint32}, "'i' ffffffff"},
		{model.Long(-2), "'l' fffffffffffffffe"},
		{model.Value{Type: model.TypeFloat, Float: 1.5}, "'f' 3fc00000"},
		{model.Double(-2.5), "'d' c004000000000000"},
		{model.Value{Type: model.TypeDecimal, Dec: model.Decimal{Scale: 2, Value: -12345}}, "'D' 02 ffffcfc7"},
		{model.String("hé"), "'S' 00000003 'h' c3a9"},
		{model.Value{Type: model.TypeBinary, Str: "\x00\xff"}, "'x' 00000002 00ff"},
		{model.Value{Type: model.TypeTimestamp, Int: 1700000000}, "'T' 000000006553f100"},
		{model.Value{Type: model.TypeTimestamp, Int: -1}, "'T' ffffffffffffffff"}, // u64 max, kept bit for bit
		{tableValue(model.Table{"b": model.Void(), "a": model.Bool(true)}), "'F' 00000007 01'a' 't' 01 01'b' 'V'"},
		{model.Value{Type: model.TypeArray, Array: []model.Value{model.Void(), model.String("")}}, "'A' 00000006 'V' 'S' 00000000"},
		{model.Void(), "'V'"},
	}
	for _, c := range cases {
		want := hx(c.wire)
		got, err := AppendValue(nil, c.v)
		if err != nil {
			t.Fatalf("%s: %v", c.v, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got % x\nwant % x", c.v, got, want)
		}
		back, rest, err := ReadValue(append(want, 0xEE))
		if err != nil || !back.Equal(c.v) || !bytes.Equal(rest, []byte{0xEE}) {
			t.Errorf("%s: read back %s, rest % x, %v", c.v, back, rest, err)
		}
		if letter, ok := TypeLetter(c.v.Type); !ok || letter != want[0] {
			t.Errorf("TypeLetter(%s) = %q", c.v.Type, letter)
		}
		if typ, ok := FieldTypeOf(want[0]); !ok || typ != c.v.Type {
			t.Errorf("FieldTypeOf(%q) = %s", want[0], typ)
		}
	}
	// RabbitMQ reads 'L' as a signed long too; kaiten writes it back as 'l'.
	v, _, err := ReadValue(hx("'L' fffffffffffffffe"))
	if err != nil || !v.Equal(model.Long(-2)) {
		t.Errorf("'L': %s, %v", v, err)
	}
	for _, letter := range []byte{0, 'Z', 'c', 'U', 'e'} {
		if _, ok := FieldTypeOf(letter); ok {
			t.Errorf("FieldTypeOf(%q) known", letter)
		}
	}
}

func TestPropertiesVector(t *testing.T) {
	p := model.Properties{
		Has:         model.HasContentType | model.HasDeliveryMode | model.HasTimestamp | model.HasClusterID,
		ContentType: "text/plain", DeliveryMode: 2, Timestamp: 1, ClusterID: "",
	}
	h := ContentHeader{ClassID: 60, BodySize: 5, Properties: p}
	want := hx("003c 0000 0000000000000005 9044 0a'text/plain' 02 0000000000000001 00")
	got, err := h.Encode(nil)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got % x, %v\nwant % x", got, err, want)
	}
	// The continuation bit and the unused one are ignored, as by RabbitMQ.
	want[13] |= 3
	back, err := DecodeContentHeader(want)
	if err != nil || !same(back, h) {
		t.Errorf("decoded %+v, %v", back, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name    string
		payload string
		code    uint16
		text    string
	}{
		{"empty", "", FrameError, "too short for class and method ids"},
		{"unknown class", "0046 000a", NotImplemented, "unknown method 70/10"},
		{"unknown method", "003c 0063", NotImplemented, "unknown method 60/99"},
		{"truncated shortstr", "003c 0028 0000 05'ab'", FrameError, "cannot decode basic.publish exchange: needs 5 octets, 2 left"},
		{"missing bits", "003c 0028 0000 01'x' 01'k'", FrameError, "basic.publish mandatory: needs 1 octets, 0 left"},
		{"trailing octets", "003c 0050 0000000000000001 00 ff", FrameError, "basic.ack arguments: 1 octets past the last field"},
		{"table longer than payload", "0032 000a 0000 01'q' 00 00000010 01'a' 'V'", FrameError, "queue.declare arguments: table of 16 octets, 3 left"},
		{"unknown type letter", "0032 000a 0000 01'q' 00 00000003 01'a' 'Z'", SyntaxError, `queue.declare arguments: "a": unknown field type 'Z'`},
		{"bad UTF-8 name", "0032 000a 0000 02 c328 00 00000000", FrameError, "queue.declare queue: malformed UTF-8 in shortstr"},
		{"truncated value", "0032 000a 0000 01'q' 00 00000004 01'a' 'I' 00", FrameError, `"a": signedint needs 4 octets, 1 left`},
		{"truncated key", "0032 000a 0000 01'q' 00 00000002 05'a'", FrameError, "table key of 5 octets, 1 left"},
		{"longstr past end", "000a 0014 ffffffff 'abc'", FrameError, "connection.secure challenge: longstr of 4294967295 octets, 3 left"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := DecodeMethod(hx(c.payload))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, %v; want an *Error", m, err)
			}
			if e.Code != c.code || !strings.Contains(e.Text, c.text) {
				t.Errorf("got %d %q, want %d containing %q", e.Code, e.Text, c.code, c.text)
			}
			if e.IsConnectionError() != true || !strings.HasPrefix(e.Error(), ReplyName(c.code)+" - ") {
				t.Errorf("reply text %q", e.Error())
			}
		})
	}
	// Unknown methods name themselves for connection.close.
	_, err := DecodeMethod(hx("003c 0063"))
	if e := err.(*Error); e.ClassID != 60 || e.MethodID != 99 {
		t.Errorf("class/method %d/%d", e.ClassID, e.MethodID)
	}
	_, err = DecodeMethod(hx("003c 0028 0000 05'ab'"))
	if e := err.(*Error); e.ClassID != 60 || e.MethodID != 40 {
		t.Errorf("class/method %d/%d", e.ClassID, e.MethodID)
	}
	// The hot paths take any octets, as RabbitMQ does.
	m, err := DecodeMethod(hx("003c 0028 0000 01 ff 02 c328 00"))
	if p, ok := m.(*BasicPublish); err != nil || !ok || p.Exchange != "\xff" || p.RoutingKey != "\xc3\x28" {
		t.Errorf("publish with raw names: %+v, %v", m, err)
	}
}

// TestTruncatedEverywhere cuts every sample method short at every length,
// and runs each on by one octet: all must fail cleanly with 501.
func TestTruncatedEverywhere(t *testing.T) {
	for _, m := range sampleMethods {
		b, _ := m.Encode(nil)
		for n := range len(b) {
			if _, err := DecodeMethod(b[:n]); err == nil {
				t.Errorf("%s cut to %d of %d octets decoded", m.ID().Name(), n, len(b))
			} else if e := err.(*Error); e.Code != FrameError {
				t.Errorf("%s cut to %d: code %d", m.ID().Name(), n, e.Code)
			}
		}
		if _, err := DecodeMethod(append(b, 0)); err == nil {
			t.Errorf("%s with an extra octet decoded", m.ID().Name())
		}
	}
	h := ContentHeader{ClassID: 60, Properties: model.Properties{Has: model.HasHeaders | model.HasAppID, Headers: sampleArgs, AppID: "a"}}
	b, _ := h.Encode(nil)
	for n := range len(b) {
		if _, err := DecodeContentHeader(b[:n]); err == nil || err.(*Error).Code != FrameError {
			t.Errorf("header cut to %d of %d: %v", n, len(b), err)
		}
	}
	if _, err := DecodeContentHeader(append(b, 0)); err == nil {
		t.Error("header with an extra octet decoded")
	}
}

func TestNesting(t *testing.T) {
	deep := model.Void()
	for range maxNesting {
		deep = model.Value{Type: model.TypeArray, Array: []model.Value{deep}}
	}
	ok := model.Table{"a": deep}
	b, err := AppendTable(nil, ok)
	if err != nil {
		t.Fatalf("%d levels: %v", maxNesting, err)
	}
	if back, _, err := ReadTable(b); err != nil || !tableValue(back).Equal(tableValue(ok)) {
		t.Fatalf("%d levels read back: %v", maxNesting, err)
	}
	tooDeep := model.Table{"a": {Type: model.TypeArray, Array: []model.Value{deep}}}
	if _, err := AppendTable(nil, tooDeep); err == nil {
		t.Error("encoded a table nested too deep")
	}
	// Hand-build the same on the wire: each level is 'A' and a length.
	inner := hx("'V'")
	for range maxNesting + 1 {
		inner = append(append(hx("'A'"), be32(len(inner))...), inner...)
	}
	wire := append(be32(len(inner)+2), append(hx("01'a'"), inner...)...)
	_, _, err = ReadTable(wire)
	if e, ok := err.(*Error); !ok || e.Code != SyntaxError {
		t.Errorf("decoding a table nested too deep: %v", err)
	}
}

func be32(n int) []byte { return []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)} }

func TestStringHelpers(t *testing.T) {
	b, err := AppendShortstr(nil, "abc")
	if err != nil || !bytes.Equal(b, hx("03'abc'")) {
		t.Fatalf("% x %v", b, err)
	}
	if _, err := AppendShortstr(nil, strings.Repeat("a", 256)); err == nil {
		t.Error("256-octet shortstr")
	}
	s, rest, err := ReadShortstr(hx("02'ab' 'c'"))
	if s != "ab" || string(rest) != "c" || err != nil {
		t.Errorf("ReadShortstr: %q %q %v", s, rest, err)
	}
	if _, _, err := ReadShortstr(hx("05'ab'")); err == nil {
		t.Error("ReadShortstr past the end")
	}
	b, _ = AppendLongstr(nil, strings.Repeat("z", 300))
	s, rest, err = ReadLongstr(b)
	if len(s) != 300 || len(rest) != 0 || err != nil {
		t.Errorf("ReadLongstr: %d %q %v", len(s), rest, err)
	}
	a, rest, err := ReadArray(hx("00000002 'V' 'V' ff"))
	if len(a) != 2 || !bytes.Equal(rest, []byte{0xff}) || err != nil {
		t.Errorf("ReadArray: %v % x %v", a, rest, err)
	}
	b, err = AppendArray(nil, a)
	if err != nil || !bytes.Equal(b, hx("00000002 'V' 'V'")) {
		t.Errorf("AppendArray: % x %v", b, err)
	}
}

func TestReplyCodes(t *testing.T) {
	soft := []uint16{ContentTooLarge, NoRoute, NoConsumers, AccessRefused, NotFound, ResourceLocked, PreconditionFailed}
	for _, c := range soft {
		if IsConnectionError(c) {
			t.Errorf("%d is a channel error", c)
		}
	}
	hard := []uint16{
		ConnectionForced, InvalidPath, FrameError, SyntaxError, CommandInvalid, ChannelError,
		UnexpectedFrame, ResourceError, NotAllowed, NotImplemented, InternalError,
	}
	for _, c := range hard {
		if !IsConnectionError(c) || ReplyName(c) == "" {
			t.Errorf("%d: %v %q", c, IsConnectionError(c), ReplyName(c))
		}
	}
	if e := (&Error{Code: 999, Text: "x"}); e.Error() != "999 - x" {
		t.Errorf("unknown code: %q", e.Error())
	}
}
