package broker

import (
	"errors"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// TestLivePublish: properties and typed headers arrive as sent, a
// mandatory message nobody takes comes back with its reply code, every
// publish is confirmed, and a refused publish is an error.
func TestLivePublish(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-publish-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("orders", "topic", false, false, false, false, nil))
		sc.queue(t, "q1", "orders", "a.*", nil)

		props := model.Properties{
			ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: model.Persistent, Priority: 3,
			CorrelationID: "c-1", ReplyTo: "somewhere", Expiration: "60000", MessageID: "m-1", Timestamp: 1700000000,
			Type: "order", UserID: "guest", AppID: "kaiten-test",
			Headers: model.Table{
				"n": model.Long(7), "f": model.Double(1.5), "s": model.String("x"), "b": model.Bool(true),
				"nested": {Type: model.TypeTable, Table: model.Table{"k": model.String("v")}},
				"list":   {Type: model.TypeArray, Array: []model.Value{model.Long(1), model.String("two")}},
			},
		}
		res, err := sc.s.Publish(ctx, Publishing{Exchange: "orders", RoutingKey: "a.b", Properties: props, Body: []byte(`{"id": 1}`)}, DefaultPublishOptions())
		must(t, err)
		if res.Published != 1 || res.Acked != 1 || !res.OK() {
			t.Fatalf("publish: %+v", res)
		}
		d, ok, err := sc.ch.Get("q1", true)
		must(t, err)
		if !ok {
			t.Fatal("q1 got nothing")
		}
		got := messageFromDelivery(&d, "q1", 0)
		p := got.Properties
		if p.ContentType != props.ContentType || p.ContentEncoding != "utf-8" || p.DeliveryMode != 2 || p.Priority != 3 ||
			p.CorrelationID != "c-1" || p.ReplyTo != "somewhere" || p.Expiration != "60000" || p.MessageID != "m-1" ||
			p.Timestamp != 1700000000 || p.Type != "order" || p.UserID != "guest" || p.AppID != "kaiten-test" {
			t.Errorf("properties arrived as %+v", p)
		}
		for k, v := range props.Headers {
			if !p.Headers[k].Equal(v) {
				t.Errorf("header %s arrived as %v, sent %v", k, p.Headers[k], v)
			}
		}
		if string(got.Body) != `{"id": 1}` {
			t.Errorf("body %q", got.Body)
		}

		res, err = sc.s.Publish(ctx, Publishing{Exchange: "orders", RoutingKey: "nobody.here.x"}, DefaultPublishOptions())
		must(t, err)
		if res.Returned != 1 || res.Acked != 1 || res.OK() || len(res.Returns) != 1 ||
			res.Returns[0].Code != 312 || res.Returns[0].Text != "NO_ROUTE" || res.Returns[0].RoutingKey != "nobody.here.x" {
			t.Errorf("unroutable publish: %+v", res)
		}

		start := time.Now()
		res, err = sc.s.Publish(ctx, Publishing{Exchange: "orders", RoutingKey: "a.c", Body: []byte("x")},
			PublishOptions{Mandatory: true, Confirm: true, Count: 6, Rate: 50})
		must(t, err)
		if res.Published != 6 || res.Acked != 6 || !res.OK() {
			t.Errorf("repeat: %+v", res)
		}
		if took := time.Since(start); took < 90*time.Millisecond {
			t.Errorf("6 publishes at 50/s took %s", took)
		}
		res, err = sc.s.Publish(ctx, Publishing{Exchange: "orders", RoutingKey: "a.d"}, PublishOptions{Count: 300, Confirm: true, Window: 16})
		must(t, err)
		if res.Published != 300 || res.Acked != 300 {
			t.Errorf("300 with a window of 16: %+v", res)
		}
		sc.waitDepth(t, "q1", 306)

		_, err = sc.s.Publish(ctx, Publishing{Exchange: "no such exchange"}, DefaultPublishOptions())
		var pe *PublishError
		if !errors.As(err, &pe) || pe.Code != amqp.NotFound {
			t.Errorf("publish to a missing exchange: %v", err)
		}
	})
}

// TestTableConversion: every AMQP field type survives amqp091-go and
// back.
func TestTableConversion(t *testing.T) {
	in := model.Table{
		"void": model.Void(), "bool": model.Bool(true),
		"b": {Type: model.TypeByte, Int: -3}, "B": {Type: model.TypeUnsignedByte, Int: 200},
		"s": {Type: model.TypeShort, Int: -300}, "u": {Type: model.TypeUnsignedShort, Int: 60000},
		"I": {Type: model.TypeSignedInt, Int: -70000}, "i": {Type: model.TypeUnsignedInt, Int: 4000000000},
		"l": model.Long(1 << 40), "f": {Type: model.TypeFloat, Float: 1.5}, "d": model.Double(2.25),
		"D": {Type: model.TypeDecimal, Dec: model.Decimal{Scale: 2, Value: 314}},
		"S": model.String("text"), "x": {Type: model.TypeBinary, Str: "\x00\xff"},
		"T":   {Type: model.TypeTimestamp, Int: 1700000000},
		"F":   {Type: model.TypeTable, Table: model.Table{"k": model.Long(1)}},
		"A":   {Type: model.TypeArray, Array: []model.Value{model.String("a"), model.Long(2)}},
		"nil": {Type: model.TypeTable, Table: model.Table{}},
	}
	out := TableFromAMQP(TableToAMQP(in))
	if err := TableToAMQP(in).Validate(); err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if !out[k].Equal(v) {
			t.Errorf("%s: %#v came back as %#v", k, v, out[k])
		}
	}
}
