package wire

import (
	"bytes"
	"context"
	"maps"
	"reflect"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

func TestAMQP091Topology(t *testing.T) {
	s, c := handshake(t)
	ch := openChannel(t, s, c, 1)

	done := async(func() error {
		return ch.ExchangeDeclare("logs", "headers", true, false, false, false, amqpHeaders)
	})
	s.expect(1, &ExchangeDeclare{Exchange: "logs", Type: "headers", Durable: true, Arguments: modelHeaders})
	s.send(1, &ExchangeDeclareOk{})
	ok(t, done)

	declared := make(chan amqp.Queue, 1)
	done = async(func() error {
		q, err := ch.QueueDeclare("orders", true, false, true, false, amqp.Table{"x-max-length": int64(10), "x-queue-type": "classic"})
		declared <- q
		return err
	})
	s.expect(1, &QueueDeclare{Queue: "orders", Durable: true, Exclusive: true, Arguments: model.Table{
		"x-max-length": model.Long(10), "x-queue-type": model.String("classic"),
	}})
	s.send(1, &QueueDeclareOk{Queue: "orders", MessageCount: 3, ConsumerCount: 1})
	ok(t, done)
	if q := <-declared; q.Name != "orders" || q.Messages != 3 || q.Consumers != 1 {
		t.Errorf("queue.declare-ok seen as %+v", q)
	}

	steps := []struct {
		call  func() error
		want  Method
		reply Method
	}{
		{
			func() error {
				return ch.QueueBind("orders", "", "logs", false, amqp.Table{"x-match": "any", "a": int16(1)})
			},
			&QueueBind{Queue: "orders", Exchange: "logs", Arguments: model.Table{"x-match": model.String("any"), "a": {Type: model.TypeShort, Int: 1}}},
			&QueueBindOk{},
		},
		{
			func() error { return ch.ExchangeBind("dst", "k.#", "logs", false, amqp.Table{"w": 1.5}) },
			&ExchangeBind{Destination: "dst", Source: "logs", RoutingKey: "k.#", Arguments: model.Table{"w": model.Double(1.5)}},
			&ExchangeBindOk{},
		},
		{
			func() error { return ch.ExchangeUnbind("dst", "k.#", "logs", false, nil) },
			&ExchangeUnbind{Destination: "dst", Source: "logs", RoutingKey: "k.#"},
			&ExchangeUnbindOk{},
		},
		{
			func() error { return ch.QueueUnbind("orders", "", "logs", amqp.Table{"x-match": "any"}) },
			&QueueUnbind{Queue: "orders", Exchange: "logs", Arguments: model.Table{"x-match": model.String("any")}},
			&QueueUnbindOk{},
		},
		{func() error { return ch.Qos(10, 0, true) }, &BasicQos{PrefetchCount: 10, Global: true}, &BasicQosOk{}},
		{func() error { return ch.Flow(false) }, &ChannelFlow{Active: false}, &ChannelFlowOk{Active: false}},
		{func() error { return ch.Recover(true) }, &BasicRecover{Requeue: true}, &BasicRecoverOk{}},
		{func() error { return ch.ExchangeDelete("dst", true, false) }, &ExchangeDelete{Exchange: "dst", IfUnused: true}, &ExchangeDeleteOk{}},
		{
			func() error { return c.UpdateSecret("new-token", "refresh") },
			&ConnectionUpdateSecret{NewSecret: "new-token", Reason: "refresh"}, &ConnectionUpdateSecretOk{},
		},
	}
	for _, step := range steps {
		done := async(step.call)
		channel := uint16(1)
		if step.want.ID().Class == ClassConnection {
			channel = 0
		}
		s.expect(channel, step.want)
		s.send(channel, step.reply)
		ok(t, done)
	}

	counted := make(chan int, 1)
	done = async(func() error { n, err := ch.QueuePurge("orders", false); counted <- n; return err })
	s.expect(1, &QueuePurge{Queue: "orders"})
	s.send(1, &QueuePurgeOk{MessageCount: 7})
	ok(t, done)
	if n := <-counted; n != 7 {
		t.Errorf("purged %d", n)
	}
	done = async(func() error { n, err := ch.QueueDelete("orders", true, true, false); counted <- n; return err })
	s.expect(1, &QueueDelete{Queue: "orders", IfUnused: true, IfEmpty: true})
	s.send(1, &QueueDeleteOk{MessageCount: 5})
	ok(t, done)
	if n := <-counted; n != 5 {
		t.Errorf("deleted %d", n)
	}

	// Transactions on a second channel, which the server then closes.
	tx := openChannel(t, s, c, 2)
	closed := tx.NotifyClose(make(chan *amqp.Error, 1))
	for _, step := range []struct {
		call        func() error
		want, reply Method
	}{
		{tx.Tx, &TxSelect{}, &TxSelectOk{}},
		{tx.TxCommit, &TxCommit{}, &TxCommitOk{}},
		{tx.TxRollback, &TxRollback{}, &TxRollbackOk{}},
	} {
		done := async(step.call)
		s.expect(2, step.want)
		s.send(2, step.reply)
		ok(t, done)
	}
	s.send(2, &ChannelClose{ReplyCode: NotFound, ReplyText: "NOT_FOUND - no queue 'nope'", ClassID: 50, MethodID: 10})
	s.expect(2, &ChannelCloseOk{})
	if e := await(t, closed); e == nil || e.Code != 404 || e.Reason != "NOT_FOUND - no queue 'nope'" || !e.Server {
		t.Errorf("channel close seen as %+v", e)
	}

	done = async(ch.Close)
	s.expect(1, &ChannelClose{ReplyCode: 200})
	s.send(1, &ChannelCloseOk{})
	ok(t, done)

	done = async(c.Close)
	s.expect(0, &ConnectionClose{ReplyCode: 200, ReplyText: "kthxbai"})
	s.send(0, &ConnectionCloseOk{})
	ok(t, done)
}

func TestAMQP091Messages(t *testing.T) {
	s, c := handshake(t)
	ch := openChannel(t, s, c, 1)
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 4))
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	cancels := ch.NotifyCancel(make(chan string, 1))
	blocks := c.NotifyBlocked(make(chan amqp.Blocking, 2))

	done := async(func() error { return ch.Confirm(false) })
	s.expect(1, &ConfirmSelect{})
	s.send(1, &ConfirmSelectOk{})
	ok(t, done)

	// A publish with every property and a body over frame_max, which the
	// client splits into body frames.
	stamp := time.Unix(1700000000, 0)
	body := bytes.Repeat([]byte("kaiten "), 40000)
	pub := amqp.Publishing{
		Headers: amqpHeaders, ContentType: "application/json", ContentEncoding: "gzip",
		DeliveryMode: amqp.Persistent, Priority: 7, CorrelationId: "corr-1", ReplyTo: "amq.rabbitmq.reply-to",
		Expiration: "60000", MessageId: "msg-1", Timestamp: stamp, Type: "order.created",
		UserId: "guest", AppId: "kaiten-test", Body: body,
	}
	done = async(func() error {
		return ch.PublishWithContext(context.Background(), "logs", "orders.new", true, false, pub)
	})
	r := s.expect(1, &BasicPublish{Exchange: "logs", RoutingKey: "orders.new", Mandatory: true})
	ok(t, done)
	props := model.Properties{
		Has: 0xFFFC &^ model.HasClusterID, Headers: modelHeaders,
		ContentType: "application/json", ContentEncoding: "gzip", DeliveryMode: 2, Priority: 7,
		CorrelationID: "corr-1", ReplyTo: "amq.rabbitmq.reply-to", Expiration: "60000", MessageID: "msg-1",
		Timestamp: 1700000000, Type: "order.created", UserID: "guest", AppID: "kaiten-test",
	}
	want := ContentHeader{ClassID: ClassBasic, BodySize: uint64(len(body)), Properties: props}
	if !same(r.header, want) {
		t.Errorf("content header:\n got %+v\nwant %+v", r.header, want)
	}
	if !bytes.Equal(r.body, body) {
		t.Errorf("body of %d octets, want %d", len(r.body), len(body))
	}

	// The server confirms it, returns it as unroutable, and the client sees
	// both intact.
	s.sendContent(1, &BasicReturn{ReplyCode: NoRoute, ReplyText: "NO_ROUTE", Exchange: "logs", RoutingKey: "orders.new"}, &props, body)
	s.send(1, &BasicAck{DeliveryTag: 1})
	// The client reads back Go's int as int32, the 'I' it wrote.
	readBack := maps.Clone(amqpHeaders)
	readBack["int"] = int32(-1)
	if ret := await(t, returns); ret.ReplyCode != 312 || ret.ReplyText != "NO_ROUTE" || ret.Exchange != "logs" ||
		ret.RoutingKey != "orders.new" || ret.MessageId != "msg-1" || !reflect.DeepEqual(ret.Headers, readBack) ||
		!bytes.Equal(ret.Body, body) {
		n := len(ret.Body)
		ret.Body = nil
		t.Errorf("return with a %d-octet body seen as %+v", n, ret)
	}
	if cf := await(t, confirms); cf.DeliveryTag != 1 || !cf.Ack {
		t.Errorf("confirm seen as %+v", cf)
	}
	done = async(func() error {
		return ch.PublishWithContext(context.Background(), "", "q", false, false, amqp.Publishing{})
	})
	r = s.expect(1, &BasicPublish{RoutingKey: "q"})
	ok(t, done)
	if r.header.BodySize != 0 || r.header.Properties.Has != 0 || len(r.body) != 0 {
		t.Errorf("empty publish: %+v", r.header)
	}
	s.send(1, &BasicNack{DeliveryTag: 2})
	if cf := await(t, confirms); cf.DeliveryTag != 2 || cf.Ack {
		t.Errorf("nack seen as %+v", cf)
	}

	// A consumer gets a delivery with every property and every table type.
	consumed := make(chan (<-chan amqp.Delivery), 1)
	done = async(func() error {
		d, err := ch.Consume("orders", "ctag", false, true, false, false, amqp.Table{"x-priority": int32(3)})
		consumed <- d
		return err
	})
	s.expect(1, &BasicConsume{Queue: "orders", ConsumerTag: "ctag", Exclusive: true, Arguments: model.Table{"x-priority": {Type: model.TypeSignedInt, Int: 3}}})
	s.send(1, &BasicConsumeOk{ConsumerTag: "ctag"})
	ok(t, done)
	deliveries := <-consumed

	every := model.Table{
		"t": model.Bool(true), "b": {Type: model.TypeByte, Int: -8}, "B": {Type: model.TypeUnsignedByte, Int: 200},
		"s": {Type: model.TypeShort, Int: -16}, "u": {Type: model.TypeUnsignedShort, Int: 16},
		"I": {Type: model.TypeSignedInt, Int: -32}, "i": {Type: model.TypeUnsignedInt, Int: 32},
		"l": model.Long(-64), "f": {Type: model.TypeFloat, Float: 1.5}, "d": model.Double(-2.25),
		"D": {Type: model.TypeDecimal, Dec: model.Decimal{Scale: 2, Value: -12345}},
		"S": model.String("héllo"), "x": {Type: model.TypeBinary, Str: "\x00\x01\xff"},
		"T": {Type: model.TypeTimestamp, Int: 1700000000},
		"F": tableValue(model.Table{"n": {Type: model.TypeSignedInt, Int: 1}}),
		"A": {Type: model.TypeArray, Array: []model.Value{model.String("a"), model.Long(2), model.Void()}},
		"V": model.Void(),
	}
	wantHeaders := amqp.Table{
		"t": true, "b": int8(-8), "B": byte(200), "s": int16(-16), "u": uint16(16),
		"I": int32(-32), "i": uint32(32), "l": int64(-64), "f": float32(1.5), "d": -2.25,
		"D": amqp.Decimal{Scale: 2, Value: -12345}, "S": "héllo", "x": []byte{0, 1, 255},
		"T": stamp, "F": amqp.Table{"n": int32(1)}, "A": []any{"a", int64(2), nil}, "V": nil,
	}
	dprops := props
	dprops.Has = 0xFFFC
	dprops.Headers = every
	dprops.ClusterID = "cluster"
	s.sendContent(1, &BasicDeliver{ConsumerTag: "ctag", DeliveryTag: 42, Redelivered: true, Exchange: "logs", RoutingKey: "orders.new"}, &dprops, []byte("hello"))
	d := await(t, deliveries)
	if d.ConsumerTag != "ctag" || d.DeliveryTag != 42 || !d.Redelivered || d.Exchange != "logs" || d.RoutingKey != "orders.new" ||
		d.ContentType != "application/json" || d.ContentEncoding != "gzip" || d.DeliveryMode != 2 || d.Priority != 7 ||
		d.CorrelationId != "corr-1" || d.ReplyTo != "amq.rabbitmq.reply-to" || d.Expiration != "60000" ||
		d.MessageId != "msg-1" || !d.Timestamp.Equal(stamp) || d.Type != "order.created" || d.UserId != "guest" ||
		d.AppId != "kaiten-test" || string(d.Body) != "hello" {
		t.Errorf("delivery seen as %+v", d)
	}
	if !reflect.DeepEqual(d.Headers, wantHeaders) {
		t.Errorf("headers seen as\n %#v\nwant\n %#v", d.Headers, wantHeaders)
	}

	// Acknowledgements go the other way.
	for _, step := range []struct {
		call func() error
		want Method
	}{
		{func() error { return d.Ack(true) }, &BasicAck{DeliveryTag: 42, Multiple: true}},
		{func() error { return d.Nack(false, true) }, &BasicNack{DeliveryTag: 42, Requeue: true}},
		{func() error { return d.Reject(false) }, &BasicReject{DeliveryTag: 42}},
	} {
		done := async(step.call)
		s.expect(1, step.want)
		ok(t, done)
	}

	// basic.get, with a message and then none.
	type got struct {
		d  amqp.Delivery
		ok bool
	}
	gets := make(chan got, 1)
	get := func() error { d, ok, err := ch.Get("orders", false); gets <- got{d, ok}; return err }
	done = async(get)
	s.expect(1, &BasicGet{Queue: "orders"})
	s.sendContent(1, &BasicGetOk{DeliveryTag: 43, Exchange: "logs", RoutingKey: "k", MessageCount: 9},
		&model.Properties{Has: model.HasMessageID | model.HasHeaders, MessageID: "m-43", Headers: every}, []byte("got"))
	ok(t, done)
	if g := <-gets; !g.ok || g.d.DeliveryTag != 43 || g.d.MessageCount != 9 || g.d.MessageId != "m-43" ||
		string(g.d.Body) != "got" || !reflect.DeepEqual(g.d.Headers, wantHeaders) {
		t.Errorf("get-ok seen as %+v", g)
	}
	done = async(get)
	s.expect(1, &BasicGet{Queue: "orders"})
	s.send(1, &BasicGetEmpty{})
	ok(t, done)
	if g := <-gets; g.ok {
		t.Errorf("get-empty seen as a message: %+v", g)
	}

	// The server blocks and unblocks the connection, and cancels the
	// consumer, which the client confirms (accept_consumer_cancel_ok).
	s.send(0, &ConnectionBlocked{Reason: "low on memory"})
	s.send(0, &ConnectionUnblocked{})
	if b := await(t, blocks); !b.Active || b.Reason != "low on memory" {
		t.Errorf("blocked seen as %+v", b)
	}
	if b := await(t, blocks); b.Active {
		t.Errorf("unblocked seen as %+v", b)
	}
	s.send(1, &BasicCancel{ConsumerTag: "ctag", NoWait: true})
	s.expect(1, &BasicCancelOk{ConsumerTag: "ctag"})
	if tag := await(t, cancels); tag != "ctag" {
		t.Errorf("cancel seen as %q", tag)
	}
	// And a server-sent channel.flow is answered.
	s.send(1, &ChannelFlow{Active: false})
	s.expect(1, &ChannelFlowOk{Active: false})

	// A client-side cancel of a second consumer.
	done = async(func() error {
		_, err := ch.Consume("orders", "c2", true, false, false, false, nil)
		return err
	})
	s.expect(1, &BasicConsume{Queue: "orders", ConsumerTag: "c2", NoAck: true})
	s.send(1, &BasicConsumeOk{ConsumerTag: "c2"})
	ok(t, done)
	done = async(func() error { return ch.Cancel("c2", false) })
	s.expect(1, &BasicCancel{ConsumerTag: "c2"})
	s.send(1, &BasicCancelOk{ConsumerTag: "c2"})
	ok(t, done)

	// Finally the server closes the connection.
	closed := c.NotifyClose(make(chan *amqp.Error, 1))
	s.send(0, &ConnectionClose{ReplyCode: ConnectionForced, ReplyText: "CONNECTION_FORCED - shutdown"})
	s.expect(0, &ConnectionCloseOk{})
	if e := await(t, closed); e == nil || e.Code != 320 {
		t.Errorf("close seen as %+v", e)
	}
}
