package wire

import "github.com/kaiten-bus/kaiten/model"

// BasicQos sets how many unacknowledged messages (and octets) a consumer
// may hold: per consumer, or with Global (in RabbitMQ) per channel.
type BasicQos struct {
	PrefetchSize  uint32
	PrefetchCount uint16
	Global        bool
}

// ID returns basic.qos's ids.
func (*BasicQos) ID() MethodID { return MethodID{ClassBasic, 10} }

// Encode appends basic.qos's payload.
func (m *BasicQos) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.long(m.PrefetchSize)
	e.short(m.PrefetchCount)
	e.bits(m.Global)
	return e.result()
}

func (m *BasicQos) decode(d *decoder) {
	m.PrefetchSize = d.long("prefetch-size")
	m.PrefetchCount = d.short("prefetch-count")
	m.Global = bit(d.octet("global"), 0)
}

// BasicQosOk confirms basic.qos.
type BasicQosOk struct{}

// ID returns basic.qos-ok's ids.
func (*BasicQosOk) ID() MethodID { return MethodID{ClassBasic, 11} }

// Encode appends basic.qos-ok's payload.
func (m *BasicQosOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*BasicQosOk) decode(*decoder) {}

// BasicConsume starts a consumer on a queue. An empty ConsumerTag asks the
// server to make one up.
type BasicConsume struct {
	Ticket      uint16
	Queue       string
	ConsumerTag string
	NoLocal     bool
	NoAck       bool
	Exclusive   bool
	NoWait      bool
	Arguments   model.Table
}

// ID returns basic.consume's ids.
func (*BasicConsume) ID() MethodID { return MethodID{ClassBasic, 20} }

// Encode appends basic.consume's payload.
func (m *BasicConsume) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.shortstr("consumer-tag", m.ConsumerTag)
	e.bits(m.NoLocal, m.NoAck, m.Exclusive, m.NoWait)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *BasicConsume) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	m.ConsumerTag = d.shortstr("consumer-tag")
	o := d.octet("no-local")
	m.NoLocal, m.NoAck, m.Exclusive, m.NoWait = bit(o, 0), bit(o, 1), bit(o, 2), bit(o, 3)
	m.Arguments = d.table("arguments")
}

// BasicConsumeOk confirms basic.consume with the consumer's tag.
type BasicConsumeOk struct {
	ConsumerTag string
}

// ID returns basic.consume-ok's ids.
func (*BasicConsumeOk) ID() MethodID { return MethodID{ClassBasic, 21} }

// Encode appends basic.consume-ok's payload.
func (m *BasicConsumeOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("consumer-tag", m.ConsumerTag)
	return e.result()
}

func (m *BasicConsumeOk) decode(d *decoder) { m.ConsumerTag = d.shortstr("consumer-tag") }

// BasicCancel ends a consumer. RabbitMQ sends it to a client too, when the
// consumer's queue goes away (consumer cancel notification).
type BasicCancel struct {
	ConsumerTag string
	NoWait      bool
}

// ID returns basic.cancel's ids.
func (*BasicCancel) ID() MethodID { return MethodID{ClassBasic, 30} }

// Encode appends basic.cancel's payload.
func (m *BasicCancel) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("consumer-tag", m.ConsumerTag)
	e.bits(m.NoWait)
	return e.result()
}

func (m *BasicCancel) decode(d *decoder) {
	m.ConsumerTag = d.shortstr("consumer-tag")
	m.NoWait = bit(d.octet("no-wait"), 0)
}

// BasicCancelOk confirms basic.cancel.
type BasicCancelOk struct {
	ConsumerTag string
}

// ID returns basic.cancel-ok's ids.
func (*BasicCancelOk) ID() MethodID { return MethodID{ClassBasic, 31} }

// Encode appends basic.cancel-ok's payload.
func (m *BasicCancelOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("consumer-tag", m.ConsumerTag)
	return e.result()
}

func (m *BasicCancelOk) decode(d *decoder) { m.ConsumerTag = d.shortstr("consumer-tag") }

// BasicPublish publishes a message, whose content header and body follow.
type BasicPublish struct {
	Ticket     uint16
	Exchange   string
	RoutingKey string
	Mandatory  bool
	Immediate  bool
}

// ID returns basic.publish's ids.
func (*BasicPublish) ID() MethodID { return MethodID{ClassBasic, 40} }

// Encode appends basic.publish's payload.
func (m *BasicPublish) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	e.bits(m.Mandatory, m.Immediate)
	return e.result()
}

// decode leaves the strings unchecked for UTF-8, as RabbitMQ does on its
// hot paths (publish, return, deliver, get-ok).
func (m *BasicPublish) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Exchange = d.shortstrRaw("exchange")
	m.RoutingKey = d.shortstrRaw("routing-key")
	o := d.octet("mandatory")
	m.Mandatory, m.Immediate = bit(o, 0), bit(o, 1)
}

// BasicReturn hands back an unroutable mandatory message, with its content.
type BasicReturn struct {
	ReplyCode  uint16
	ReplyText  string
	Exchange   string
	RoutingKey string
}

// ID returns basic.return's ids.
func (*BasicReturn) ID() MethodID { return MethodID{ClassBasic, 50} }

// Encode appends basic.return's payload.
func (m *BasicReturn) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.ReplyCode)
	e.shortstr("reply-text", m.ReplyText)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	return e.result()
}

func (m *BasicReturn) decode(d *decoder) {
	m.ReplyCode = d.short("reply-code")
	m.ReplyText = d.shortstrRaw("reply-text")
	m.Exchange = d.shortstrRaw("exchange")
	m.RoutingKey = d.shortstrRaw("routing-key")
}

// BasicDeliver delivers a message to a consumer, with its content.
type BasicDeliver struct {
	ConsumerTag string
	DeliveryTag uint64
	Redelivered bool
	Exchange    string
	RoutingKey  string
}

// ID returns basic.deliver's ids.
func (*BasicDeliver) ID() MethodID { return MethodID{ClassBasic, 60} }

// Encode appends basic.deliver's payload.
func (m *BasicDeliver) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("consumer-tag", m.ConsumerTag)
	e.longlong(m.DeliveryTag)
	e.bits(m.Redelivered)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	return e.result()
}

func (m *BasicDeliver) decode(d *decoder) {
	m.ConsumerTag = d.shortstrRaw("consumer-tag")
	m.DeliveryTag = d.longlong("delivery-tag")
	m.Redelivered = bit(d.octet("redelivered"), 0)
	m.Exchange = d.shortstrRaw("exchange")
	m.RoutingKey = d.shortstrRaw("routing-key")
}
