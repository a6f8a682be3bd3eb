package broker

import (
	"bytes"
	"time"
	"unicode/utf8"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// Message is a message as kaiten received it: from a tap, a consumer, a
// peek, the firehose or as an RPC reply. Its text fields come from the
// broker untouched; make them model.Printable before they reach a
// terminal.
type Message struct {
	// Exchange and RoutingKey are what the message was published with
	// (for the firehose: the exchange and the first routing key).
	Exchange   string
	RoutingKey string
	// Redelivered is set by the broker when the message was delivered
	// before: after a requeue (a peek), a nack, or a lost connection.
	Redelivered bool
	Properties  model.Properties
	Body        []byte

	// Source is where kaiten received it: the tapped exchange, the
	// consumed or peeked queue, or the reply queue of a call.
	Source string
	// Received is when kaiten received it.
	Received time.Time
	// Remaining is, for a peeked message, how many messages the queue
	// held after it.
	Remaining int
	// Summary is the one-line description of an oslo.messaging message
	// (see model.OsloSummary), "" for any other body.
	Summary string
	// Firehose is what the firehose said about the message, for messages
	// of a firehose tap.
	Firehose *FirehoseInfo

	// tag and epoch identify the delivery for acknowledging it: the
	// delivery tag, and the consumer attachment it arrived on.
	tag   uint64
	epoch uint64
}

// BodyText returns the body as text and true when it is valid UTF-8.
func (m *Message) BodyText() (string, bool) {
	if !utf8.Valid(m.Body) {
		return "", false
	}
	return string(m.Body), true
}

// Oslo decodes the body as an oslo.messaging message; ok is false when it
// is not one.
func (m *Message) Oslo() (om model.OsloMessage, ok bool) {
	if !looksLikeJSONObject(m.Body) {
		return om, false
	}
	om, err := model.DecodeOslo(m.Body)
	return om, err == nil && om.Kind != model.OsloNone
}

// DisplayBody is the body to show people and scripts: for an oslo.messaging
// message, secrets (the caller's Keystone token in `_context_auth_token`,
// passwords, …) are masked; redacted says whether anything was. Body keeps
// the message as it came.
func (m *Message) DisplayBody() (body []byte, redacted bool) {
	om, ok := m.Oslo()
	if !ok {
		return m.Body, false
	}
	enc := om.Redacted().Encode()
	if bytes.Equal(enc, m.Body) {
		return m.Body, false
	}
	return enc, true
}

// summarize fills Summary when the body is an oslo.messaging message.
func (m *Message) summarize() {
	if om, ok := m.Oslo(); ok {
		m.Summary = model.OsloSummary(om, m.Exchange, m.RoutingKey)
	}
}

// looksLikeJSONObject is a cheap test that spares the oslo decoder the
// bodies that cannot be oslo's.
func looksLikeJSONObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 1 && b[0] == '{'
}

// messageFromDelivery converts an AMQP delivery.
func messageFromDelivery(d *amqp.Delivery, source string, epoch uint64) Message {
	m := Message{
		Exchange: d.Exchange, RoutingKey: d.RoutingKey, Redelivered: d.Redelivered,
		Body: d.Body, Source: source, Received: time.Now(), Remaining: int(d.MessageCount),
		tag: d.DeliveryTag, epoch: epoch,
		Properties: propertiesOf(amqpProperties{
			d.ContentType, d.ContentEncoding, d.Headers, d.DeliveryMode, d.Priority, d.CorrelationId,
			d.ReplyTo, d.Expiration, d.MessageId, d.Timestamp, d.Type, d.UserId, d.AppId,
		}),
	}
	m.summarize()
	return m
}

// amqpProperties are the basic properties as amqp091-go carries them, in
// its Delivery, Return and Publishing alike. amqp091-go neither sends nor
// reads cluster-id.
type amqpProperties struct {
	contentType, contentEncoding string
	headers                      amqp.Table
	deliveryMode, priority       uint8
	correlationID, replyTo       string
	expiration, messageID        string
	timestamp                    time.Time
	typ, userID, appID           string
}

// propertiesOf converts properties read by amqp091-go. It cannot tell an
// empty property from an absent one, so only non-zero ones count as set.
func propertiesOf(p amqpProperties) model.Properties {
	var out model.Properties
	set := func(flag model.PropertySet, present bool) {
		if present {
			out.Has |= flag
		}
	}
	out.ContentType, out.ContentEncoding = p.contentType, p.contentEncoding
	set(model.HasContentType, p.contentType != "")
	set(model.HasContentEncoding, p.contentEncoding != "")
	if p.headers != nil {
		out.Headers = TableFromAMQP(p.headers)
		out.Has |= model.HasHeaders
	}
	out.DeliveryMode, out.Priority = p.deliveryMode, p.priority
	set(model.HasDeliveryMode, p.deliveryMode != 0)
	set(model.HasPriority, p.priority != 0)
	out.CorrelationID, out.ReplyTo = p.correlationID, p.replyTo
	set(model.HasCorrelationID, p.correlationID != "")
	set(model.HasReplyTo, p.replyTo != "")
	out.Expiration, out.MessageID = p.expiration, p.messageID
	set(model.HasExpiration, p.expiration != "")
	set(model.HasMessageID, p.messageID != "")
	if !p.timestamp.IsZero() {
		out.Timestamp = p.timestamp.Unix()
		out.Has |= model.HasTimestamp
	}
	out.Type, out.UserID, out.AppID = p.typ, p.userID, p.appID
	set(model.HasType, p.typ != "")
	set(model.HasUserID, p.userID != "")
	set(model.HasAppID, p.appID != "")
	return out
}

// publishingOf converts properties and a body for amqp091-go.
func publishingOf(p model.Properties, body []byte) amqp.Publishing {
	pub := amqp.Publishing{
		ContentType: p.ContentType, ContentEncoding: p.ContentEncoding,
		DeliveryMode: p.DeliveryMode, Priority: p.Priority,
		CorrelationId: p.CorrelationID, ReplyTo: p.ReplyTo, Expiration: p.Expiration,
		MessageId: p.MessageID, Type: p.Type, UserId: p.UserID, AppId: p.AppID,
		Body: body,
	}
	if p.Headers != nil {
		pub.Headers = TableToAMQP(p.Headers)
	}
	if p.Has&model.HasTimestamp != 0 || p.Timestamp != 0 {
		pub.Timestamp = time.Unix(p.Timestamp, 0)
	}
	return pub
}

// TableFromAMQP converts a field table read by amqp091-go, keeping each
// value's AMQP type.
func TableFromAMQP(t amqp.Table) model.Table {
	if t == nil {
		return nil
	}
	out := make(model.Table, len(t))
	for k, v := range t {
		out[k] = valueFromAMQP(v)
	}
	return out
}

func valueFromAMQP(v any) model.Value {
	switch v := v.(type) {
	case nil:
		return model.Void()
	case bool:
		return model.Bool(v)
	case int8:
		return model.Value{Type: model.TypeByte, Int: int64(v)}
	case uint8:
		return model.Value{Type: model.TypeUnsignedByte, Int: int64(v)}
	case int16:
		return model.Value{Type: model.TypeShort, Int: int64(v)}
	case uint16:
		return model.Value{Type: model.TypeUnsignedShort, Int: int64(v)}
	case int32:
		return model.Value{Type: model.TypeSignedInt, Int: int64(v)}
	case uint32:
		return model.Value{Type: model.TypeUnsignedInt, Int: int64(v)}
	case int: // amqp091-go writes an int as a signedint, truncated
		return model.Value{Type: model.TypeSignedInt, Int: int64(int32(v))}
	case int64:
		return model.Value{Type: model.TypeLong, Int: v}
	case float32:
		return model.Value{Type: model.TypeFloat, Float: float64(v)}
	case float64:
		return model.Double(v)
	case amqp.Decimal:
		return model.Value{Type: model.TypeDecimal, Dec: model.Decimal{Scale: v.Scale, Value: v.Value}}
	case string:
		return model.String(v)
	case []byte:
		return model.Value{Type: model.TypeBinary, Str: string(v)}
	case time.Time:
		return model.Value{Type: model.TypeTimestamp, Int: v.Unix()}
	case amqp.Table:
		return model.Value{Type: model.TypeTable, Table: TableFromAMQP(v)}
	case []any:
		arr := make([]model.Value, len(v))
		for i, e := range v {
			arr[i] = valueFromAMQP(e)
		}
		return model.Value{Type: model.TypeArray, Array: arr}
	}
	return model.Void()
}

// TableToAMQP converts a table for amqp091-go so that each value goes on
// the wire with its AMQP type.
func TableToAMQP(t model.Table) amqp.Table {
	if t == nil {
		return nil
	}
	out := make(amqp.Table, len(t))
	for k, v := range t {
		out[k] = valueToAMQP(v)
	}
	return out
}

func valueToAMQP(v model.Value) any {
	switch v.Type {
	case model.TypeVoid:
		return nil
	case model.TypeBool:
		return v.Int != 0
	case model.TypeByte:
		return int8(v.Int)
	case model.TypeUnsignedByte:
		return uint8(v.Int)
	case model.TypeShort:
		return int16(v.Int)
	case model.TypeUnsignedShort:
		return uint16(v.Int)
	case model.TypeSignedInt:
		return int32(v.Int)
	case model.TypeUnsignedInt:
		return uint32(v.Int)
	case model.TypeLong:
		return v.Int
	case model.TypeFloat:
		return float32(v.Float)
	case model.TypeDouble:
		return v.Float
	case model.TypeDecimal:
		return amqp.Decimal{Scale: v.Dec.Scale, Value: v.Dec.Value}
	case model.TypeLongstr:
		return v.Str
	case model.TypeBinary:
		return []byte(v.Str)
	case model.TypeTimestamp:
		return time.Unix(v.Int, 0).UTC()
	case model.TypeTable:
		return TableToAMQP(v.Table)
	case model.TypeArray:
		arr := make([]any, len(v.Array))
		for i, e := range v.Array {
			arr[i] = valueToAMQP(e)
		}
		return arr
	}
	return nil
}
