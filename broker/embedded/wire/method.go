package wire

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Class ids.
const (
	ClassConnection uint16 = 10
	ClassChannel    uint16 = 20
	ClassAccess     uint16 = 30
	ClassExchange   uint16 = 40
	ClassQueue      uint16 = 50
	ClassBasic      uint16 = 60
	ClassConfirm    uint16 = 85
	ClassTx         uint16 = 90
)

// MethodID is a method's class id and method id, which open every method
// frame's payload.
type MethodID struct {
	Class  uint16
	Method uint16
}

// Method is one AMQP 0-9-1 method and its arguments. Each is a pointer to
// one of this package's structs (*BasicPublish, *QueueDeclare, …); a broker
// tells them apart with a type switch.
type Method interface {
	// ID is the method's class and method id; its Name and HasContent say
	// what it is called and whether a content header and body follow it.
	ID() MethodID
	// Encode appends the method frame's payload: class id, method id and
	// the arguments. It fails on a shortstr over 255 octets or a table
	// value that does not fit its type, and then returns dst unchanged.
	Encode(dst []byte) ([]byte, error)
}

// decodable is a Method that can read its arguments.
type decodable interface {
	Method
	decode(d *decoder)
}

type methodInfo struct {
	name    string
	content bool
	new     func() decodable
}

// Name returns the method's name as the spec writes it: "basic.publish",
// "queue.declare-ok". An unknown method is "method 60/99".
func (id MethodID) Name() string {
	if info, ok := methods[id]; ok {
		return info.name
	}
	return "method " + strconv.Itoa(int(id.Class)) + "/" + strconv.Itoa(int(id.Method))
}

// String returns the method's name.
func (id MethodID) String() string { return id.Name() }

// HasContent reports whether the method carries content: basic.publish,
// basic.return, basic.deliver and basic.get-ok.
func (id MethodID) HasContent() bool { return methods[id].content }

// Known reports whether the method is one of AMQP 0-9-1 (with RabbitMQ's
// extensions) that this package decodes.
func (id MethodID) Known() bool {
	_, ok := methods[id]
	return ok
}

// DecodeMethod decodes a method frame's payload. The method's strings and
// tables are copies: the payload may be reused once it returns. Failures are
// an *Error: 501 FRAME_ERROR for arguments cut short, running on past the
// last field, or holding malformed UTF-8 in a shortstr RabbitMQ checks; 502
// SYNTAX_ERROR for an unknown type letter in a table; 540 NOT_IMPLEMENTED
// for an unknown class or method id (see Error).
func DecodeMethod(payload []byte) (Method, error) {
	if len(payload) < 4 {
		return nil, frameError(fmt.Sprintf("method frame payload of %d octets, too short for class and method ids", len(payload)))
	}
	id := MethodID{binary.BigEndian.Uint16(payload), binary.BigEndian.Uint16(payload[2:])}
	info, ok := methods[id]
	if !ok {
		return nil, &Error{
			Code: NotImplemented, Text: "unknown " + id.Name(),
			ClassID: id.Class, MethodID: id.Method,
		}
	}
	m := info.new()
	d := decoder{b: payload[4:]}
	m.decode(&d)
	d.finish()
	if d.err != nil {
		d.err.Text = "cannot decode " + info.name + " " + d.err.Text
		d.err.ClassID, d.err.MethodID = id.Class, id.Method
		return nil, d.err
	}
	return m, nil
}

// bit returns bit i of an octet of packed bit fields.
func bit(o uint8, i uint) bool { return o&(1<<i) != 0 }

func newOf[T any, P interface {
	*T
	decodable
}]() decodable {
	return P(new(T))
}

// methods lists every method this package knows.
var methods = map[MethodID]methodInfo{
	{10, 10}: {"connection.start", false, newOf[ConnectionStart]},
	{10, 11}: {"connection.start-ok", false, newOf[ConnectionStartOk]},
	{10, 20}: {"connection.secure", false, newOf[ConnectionSecure]},
	{10, 21}: {"connection.secure-ok", false, newOf[ConnectionSecureOk]},
	{10, 30}: {"connection.tune", false, newOf[ConnectionTune]},
	{10, 31}: {"connection.tune-ok", false, newOf[ConnectionTuneOk]},
	{10, 40}: {"connection.open", false, newOf[ConnectionOpen]},
	{10, 41}: {"connection.open-ok", false, newOf[ConnectionOpenOk]},
	{10, 50}: {"connection.close", false, newOf[ConnectionClose]},
	{10, 51}: {"connection.close-ok", false, newOf[ConnectionCloseOk]},
	{10, 60}: {"connection.blocked", false, newOf[ConnectionBlocked]},
	{10, 61}: {"connection.unblocked", false, newOf[ConnectionUnblocked]},
	{10, 70}: {"connection.update-secret", false, newOf[ConnectionUpdateSecret]},
	{10, 71}: {"connection.update-secret-ok", false, newOf[ConnectionUpdateSecretOk]},

	{20, 10}: {"channel.open", false, newOf[ChannelOpen]},
	{20, 11}: {"channel.open-ok", false, newOf[ChannelOpenOk]},
	{20, 20}: {"channel.flow", false, newOf[ChannelFlow]},
	{20, 21}: {"channel.flow-ok", false, newOf[ChannelFlowOk]},
	{20, 40}: {"channel.close", false, newOf[ChannelClose]},
	{20, 41}: {"channel.close-ok", false, newOf[ChannelCloseOk]},

	{30, 10}: {"access.request", false, newOf[AccessRequest]},
	{30, 11}: {"access.request-ok", false, newOf[AccessRequestOk]},

	{40, 10}: {"exchange.declare", false, newOf[ExchangeDeclare]},
	{40, 11}: {"exchange.declare-ok", false, newOf[ExchangeDeclareOk]},
	{40, 20}: {"exchange.delete", false, newOf[ExchangeDelete]},
	{40, 21}: {"exchange.delete-ok", false, newOf[ExchangeDeleteOk]},
	{40, 30}: {"exchange.bind", false, newOf[ExchangeBind]},
	{40, 31}: {"exchange.bind-ok", false, newOf[ExchangeBindOk]},
	{40, 40}: {"exchange.unbind", false, newOf[ExchangeUnbind]},
	{40, 51}: {"exchange.unbind-ok", false, newOf[ExchangeUnbindOk]}, // 51, not 41

	{50, 10}: {"queue.declare", false, newOf[QueueDeclare]},
	{50, 11}: {"queue.declare-ok", false, newOf[QueueDeclareOk]},
	{50, 20}: {"queue.bind", false, newOf[QueueBind]},
	{50, 21}: {"queue.bind-ok", false, newOf[QueueBindOk]},
	{50, 30}: {"queue.purge", false, newOf[QueuePurge]},
	{50, 31}: {"queue.purge-ok", false, newOf[QueuePurgeOk]},
	{50, 40}: {"queue.delete", false, newOf[QueueDelete]},
	{50, 41}: {"queue.delete-ok", false, newOf[QueueDeleteOk]},
	{50, 50}: {"queue.unbind", false, newOf[QueueUnbind]},
	{50, 51}: {"queue.unbind-ok", false, newOf[QueueUnbindOk]},

	{60, 10}:  {"basic.qos", false, newOf[BasicQos]},
	{60, 11}:  {"basic.qos-ok", false, newOf[BasicQosOk]},
	{60, 20}:  {"basic.consume", false, newOf[BasicConsume]},
	{60, 21}:  {"basic.consume-ok", false, newOf[BasicConsumeOk]},
	{60, 30}:  {"basic.cancel", false, newOf[BasicCancel]},
	{60, 31}:  {"basic.cancel-ok", false, newOf[BasicCancelOk]},
	{60, 40}:  {"basic.publish", true, newOf[BasicPublish]},
	{60, 50}:  {"basic.return", true, newOf[BasicReturn]},
	{60, 60}:  {"basic.deliver", true, newOf[BasicDeliver]},
	{60, 70}:  {"basic.get", false, newOf[BasicGet]},
	{60, 71}:  {"basic.get-ok", true, newOf[BasicGetOk]},
	{60, 72}:  {"basic.get-empty", false, newOf[BasicGetEmpty]},
	{60, 80}:  {"basic.ack", false, newOf[BasicAck]},
	{60, 90}:  {"basic.reject", false, newOf[BasicReject]},
	{60, 100}: {"basic.recover-async", false, newOf[BasicRecoverAsync]},
	{60, 110}: {"basic.recover", false, newOf[BasicRecover]},
	{60, 111}: {"basic.recover-ok", false, newOf[BasicRecoverOk]},
	{60, 120}: {"basic.nack", false, newOf[BasicNack]},

	{85, 10}: {"confirm.select", false, newOf[ConfirmSelect]},
	{85, 11}: {"confirm.select-ok", false, newOf[ConfirmSelectOk]},

	{90, 10}: {"tx.select", false, newOf[TxSelect]},
	{90, 11}: {"tx.select-ok", false, newOf[TxSelectOk]},
	{90, 20}: {"tx.commit", false, newOf[TxCommit]},
	{90, 21}: {"tx.commit-ok", false, newOf[TxCommitOk]},
	{90, 30}: {"tx.rollback", false, newOf[TxRollback]},
	{90, 31}: {"tx.rollback-ok", false, newOf[TxRollbackOk]},
}
