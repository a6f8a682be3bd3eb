package wire

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

var sampleArgs = model.Table{
	"x-message-ttl":  {Type: model.TypeSignedInt, Int: 60000},
	"x-queue-type":   model.String("quorum"),
	"x-dead-letter":  {Type: model.TypeTable, Table: model.Table{"exchange": model.String("dlx")}},
	"x-single":       model.Bool(true),
	"x-max-priority": {Type: model.TypeUnsignedByte, Int: 10},
}

// sampleMethods holds one filled-in value of every method.
var sampleMethods = []Method{
	&ConnectionStart{0, 9, model.Table{"product": model.String("kaiten"), "capabilities": tableValue(model.Table{"publisher_confirms": model.Bool(true)})}, "PLAIN AMQPLAIN", "en_US"},
	&ConnectionStartOk{model.Table{"product": model.String("client")}, "PLAIN", "\x00guest\x00" + strings.Repeat("p", 400), "en_US"},
	&ConnectionSecure{Challenge: strings.Repeat("c", 300)},
	&ConnectionSecureOk{Response: "\x00\x01\xff"},
	&ConnectionTune{ChannelMax: 2047, FrameMax: 131072, Heartbeat: 60},
	&ConnectionTuneOk{ChannelMax: 65535, FrameMax: 0xFFFFFFFF, Heartbeat: 65535},
	&ConnectionOpen{VirtualHost: "/", Capabilities: "", Insist: true},
	&ConnectionOpenOk{KnownHosts: "rabbit@localhost"},
	&ConnectionClose{ReplyCode: 541, ReplyText: "INTERNAL_ERROR", ClassID: 60, MethodID: 40},
	&ConnectionCloseOk{},
	&ConnectionBlocked{Reason: "low on memory"},
	&ConnectionUnblocked{},
	&ConnectionUpdateSecret{NewSecret: strings.Repeat("t", 1000), Reason: "token refresh"},
	&ConnectionUpdateSecretOk{},
	&ChannelOpen{OutOfBand: "oob"},
	&ChannelOpenOk{ChannelID: "chan-1"},
	&ChannelFlow{Active: true},
	&ChannelFlowOk{Active: true},
	&ChannelClose{ReplyCode: 404, ReplyText: "NOT_FOUND - no queue 'q'", ClassID: 50, MethodID: 10},
	&ChannelCloseOk{},
	&AccessRequest{Realm: "/data", Exclusive: true, Passive: false, Active: true, Write: false, Read: true},
	&AccessRequestOk{Ticket: 1},
	&ExchangeDeclare{Ticket: 7, Exchange: "amq.topic", Type: "topic", Passive: true, Durable: false, AutoDelete: true, Internal: false, NoWait: true, Arguments: sampleArgs},
	&ExchangeDeclareOk{},
	&ExchangeDelete{Ticket: 0, Exchange: "x", IfUnused: false, NoWait: true},
	&ExchangeDeleteOk{},
	&ExchangeBind{Destination: "d", Source: "s", RoutingKey: "a.*.b", NoWait: true, Arguments: sampleArgs},
	&ExchangeBindOk{},
	&ExchangeUnbind{Ticket: 3, Destination: "d", Source: "s", RoutingKey: "#", Arguments: nil},
	&ExchangeUnbindOk{},
	&QueueDeclare{Queue: "orders", Passive: false, Durable: true, Exclusive: false, AutoDelete: true, NoWait: false, Arguments: sampleArgs},
	&QueueDeclareOk{Queue: "amq.gen-1", MessageCount: 0xFFFFFFFF, ConsumerCount: 3},
	&QueueBind{Queue: "q", Exchange: "x", RoutingKey: "k", NoWait: true, Arguments: sampleArgs},
	&QueueBindOk{},
	&QueuePurge{Queue: "q", NoWait: true},
	&QueuePurgeOk{MessageCount: 17},
	&QueueDelete{Queue: "q", IfUnused: true, IfEmpty: false, NoWait: true},
	&QueueDeleteOk{MessageCount: 1},
	&QueueUnbind{Queue: "q", Exchange: "x", RoutingKey: "k", Arguments: sampleArgs},
	&QueueUnbindOk{},
	&BasicQos{PrefetchSize: 0, PrefetchCount: 250, Global: true},
	&BasicQosOk{},
	&BasicConsume{Queue: "q", ConsumerTag: "ctag", NoLocal: false, NoAck: true, Exclusive: false, NoWait: true, Arguments: sampleArgs},
	&BasicConsumeOk{ConsumerTag: "amq.ctag-xyz"},
	&BasicCancel{ConsumerTag: "ctag", NoWait: true},
	&BasicCancelOk{ConsumerTag: "ctag"},
	&BasicPublish{Exchange: "amq.direct", RoutingKey: "compute.host1", Mandatory: false, Immediate: true},
	&BasicReturn{ReplyCode: 312, ReplyText: "NO_ROUTE", Exchange: "x", RoutingKey: "nowhere"},
	&BasicDeliver{ConsumerTag: "ctag", DeliveryTag: 1 << 60, Redelivered: true, Exchange: "", RoutingKey: "q"},
	&BasicGet{Queue: "q", NoAck: true},
	&BasicGetOk{DeliveryTag: 9, Redelivered: false, Exchange: "x", RoutingKey: "k", MessageCount: 41},
	&BasicGetEmpty{ClusterID: ""},
	&BasicAck{DeliveryTag: 5, Multiple: true},
	&BasicReject{DeliveryTag: 6, Requeue: true},
	&BasicRecoverAsync{Requeue: true},
	&BasicRecover{Requeue: true},
	&BasicRecoverOk{},
	&BasicNack{DeliveryTag: 7, Multiple: false, Requeue: true},
	&ConfirmSelect{NoWait: true},
	&ConfirmSelectOk{},
	&TxSelect{}, &TxSelectOk{}, &TxCommit{}, &TxCommitOk{}, &TxRollback{}, &TxRollbackOk{},
}

func TestMethodRegistry(t *testing.T) {
	for id, info := range methods {
		m := info.new()
		if m.ID() != id {
			t.Errorf("%s: registered as %d/%d, ID() says %d/%d", info.name, id.Class, id.Method, m.ID().Class, m.ID().Method)
		}
		if id.Name() != info.name || id.String() != info.name || !id.Known() {
			t.Errorf("%d/%d: Name %q, String %q", id.Class, id.Method, id.Name(), id.String())
		}
	}
	if n := len(methods); n != 66 { // 64 asked for, plus access.request and request-ok
		t.Errorf("%d methods registered, want 66", n)
	}
	if id := (MethodID{60, 99}); id.Name() != "method 60/99" || id.Known() || id.HasContent() {
		t.Errorf("unknown method: %q %v %v", id.Name(), id.Known(), id.HasContent())
	}
	content := 0
	for id := range methods {
		if id.HasContent() {
			content++
		}
	}
	if content != 4 {
		t.Errorf("%d methods carry content, want 4", content)
	}
}

func TestMethodRoundTrip(t *testing.T) {
	covered := map[MethodID]bool{}
	for _, m := range sampleMethods {
		t.Run(m.ID().Name(), func(t *testing.T) {
			covered[m.ID()] = true
			roundTrip(t, m)
		})
	}
	for id := range methods {
		if !covered[id] {
			t.Errorf("no sample of %s", id.Name())
		}
	}
}

// roundTrip encodes m, decodes it and checks it comes back equal, and that
// encoding is deterministic.
func roundTrip(t *testing.T, m Method) {
	t.Helper()
	b, err := m.Encode([]byte("prefix"))
	if err != nil {
		t.Fatalf("encode %+v: %v", m, err)
	}
	if string(b[:6]) != "prefix" {
		t.Fatalf("encode did not append: %q", b[:6])
	}
	got, err := DecodeMethod(b[6:])
	if err != nil {
		t.Fatalf("decode %x: %v", b[6:], err)
	}
	if !same(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
	again, _ := got.Encode(nil)
	if !bytes.Equal(again, b[6:]) {
		t.Fatalf("re-encoding differs:\n%x\n%x", again, b[6:])
	}
}

func TestMethodRoundTripRandom(t *testing.T) {
	g := newGen(1)
	for _, zero := range allMethods() {
		typ := reflect.TypeOf(zero).Elem()
		t.Run(zero.ID().Name(), func(t *testing.T) {
			for range 200 {
				m := reflect.New(typ)
				g.fill(m)
				roundTrip(t, m.Interface().(Method))
			}
		})
	}
}

// TestBitPacking checks each bit lands where the spec puts it, the first
// bit field in the lowest bit of a shared octet.
func TestBitPacking(t *testing.T) {
	for _, zero := range allMethods() {
		typ := reflect.TypeOf(zero).Elem()
		var bools []int
		for i := range typ.NumField() {
			if typ.Field(i).Type.Kind() == reflect.Bool {
				bools = append(bools, i)
			}
		}
		for n, field := range bools {
			m := reflect.New(typ)
			m.Elem().Field(field).SetBool(true)
			b, err := m.Interface().(Method).Encode(nil)
			if err != nil {
				t.Fatal(err)
			}
			zeroB, _ := zero.Encode(nil)
			diff := -1
			for i := range b {
				if b[i] != zeroB[i] {
					if diff >= 0 {
						t.Errorf("%s.%s changes more than one octet", zero.ID().Name(), typ.Field(field).Name)
					}
					diff = i
				}
			}
			if diff < 0 || b[diff] != 1<<n {
				t.Errorf("%s.%s: octet %d is %#x, want %#x", zero.ID().Name(), typ.Field(field).Name, diff, b[max(diff, 0)], 1<<n)
			}
		}
	}
}

// TestPropertiesEveryCombination round-trips all 2^14 sets of present
// properties, with empty values too, so unset and empty stay apart.
func TestPropertiesEveryCombination(t *testing.T) {
	full := model.Properties{
		ContentType: "application/json", ContentEncoding: "gzip",
		Headers:      model.Table{"k": model.String("v"), "n": model.Long(-1)},
		DeliveryMode: 2, Priority: 9, CorrelationID: "c-1", ReplyTo: "amq.rabbitmq.reply-to",
		Expiration: "60000", MessageID: "m-1", Timestamp: 1700000000, Type: "t",
		UserID: "guest", AppID: "kaiten", ClusterID: "cl",
	}
	empty := model.Properties{}
	var buf []byte
	for set := range 1 << 14 {
		has := model.PropertySet(set << 2)
		for _, base := range []model.Properties{full, empty} {
			p := masked(base, has)
			var err error
			buf, err = AppendProperties(buf[:0], &p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeProperties(buf)
			if err != nil {
				t.Fatalf("%016b: %v", has, err)
			}
			if !same(got, p) {
				t.Fatalf("%016b:\n got %+v\nwant %+v", has, got, p)
			}
		}
	}
}

// masked keeps the properties in has, zeroing the others.
func masked(p model.Properties, has model.PropertySet) model.Properties {
	var out model.Properties
	pv, ov := reflect.ValueOf(p), reflect.ValueOf(&out).Elem()
	for i := range 14 { // the fields are in flag order
		if has&(1<<(15-i)) != 0 {
			ov.Field(i).Set(pv.Field(i))
		}
	}
	out.Has = has
	return out
}

func TestContentHeaderRoundTrip(t *testing.T) {
	g := newGen(2)
	for i := range 2000 {
		h := ContentHeader{ClassID: ClassBasic, Weight: uint16(i), BodySize: g.r.Uint64(), Properties: g.properties()}
		b, err := h.Encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeContentHeader(b)
		if err != nil {
			t.Fatalf("%x: %v", b, err)
		}
		if !same(got, h) {
			t.Fatalf("\n got %+v\nwant %+v", got, h)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 256)
	cases := []struct {
		m    Method
		want string
	}{
		{&BasicPublish{Exchange: long}, "basic.publish exchange: shortstr of 256 octets, over 255"},
		{&QueueDeclare{Arguments: model.Table{long: model.Void()}}, "queue.declare arguments: key"},
		{&QueueDeclare{Arguments: model.Table{"b": {Type: model.TypeByte, Int: 128}}}, `"b": 128 does not fit in a byte`},
		{&QueueDeclare{Arguments: model.Table{"u": {Type: model.TypeUnsignedInt, Int: -1}}}, "-1 does not fit in a unsignedint"},
		{&QueueDeclare{Arguments: model.Table{"?": {Type: 99}}}, "unknown field type 99"},
	}
	for _, c := range cases {
		dst := []byte("keep")
		b, err := c.m.Encode(dst)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.m.ID().Name(), err, c.want)
		}
		if string(b) != "keep" {
			t.Errorf("%s: failed encode returned %q, want dst unchanged", c.m.ID().Name(), b)
		}
	}
	p := model.Properties{Has: model.HasAppID, AppID: long}
	if _, err := AppendProperties(nil, &p); err == nil || !strings.Contains(err.Error(), "properties app-id: shortstr") {
		t.Errorf("long app-id: %v", err)
	}
	// A table that holds itself must fail, not recurse for ever.
	loop := model.Table{}
	loop["self"] = tableValue(loop)
	if _, err := AppendTable(nil, loop); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("self-holding table: %v", err)
	}
}

func ExampleDecodeMethod() {
	payload, _ := (&QueueDeclare{Queue: "orders", Durable: true}).Encode(nil)
	m, err := DecodeMethod(payload)
	if err != nil {
		panic(err)
	}
	switch m := m.(type) {
	case *QueueDeclare:
		fmt.Println(m.ID().Name(), m.Queue, m.Durable)
	}
	// Output: queue.declare orders true
}
