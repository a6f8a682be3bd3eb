package wire

import "github.com/kaiten-bus/kaiten/model"

// QueueDeclare creates a queue, or with Passive checks that it exists. An
// empty Queue asks the server to name it.
type QueueDeclare struct {
	Ticket     uint16
	Queue      string
	Passive    bool
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	NoWait     bool
	Arguments  model.Table
}

// ID returns queue.declare's ids.
func (*QueueDeclare) ID() MethodID { return MethodID{ClassQueue, 10} }

// Encode appends queue.declare's payload.
func (m *QueueDeclare) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.bits(m.Passive, m.Durable, m.Exclusive, m.AutoDelete, m.NoWait)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *QueueDeclare) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	o := d.octet("passive")
	m.Passive, m.Durable, m.Exclusive, m.AutoDelete, m.NoWait = bit(o, 0), bit(o, 1), bit(o, 2), bit(o, 3), bit(o, 4)
	m.Arguments = d.table("arguments")
}

// QueueDeclareOk names the queue and counts its ready messages and
// consumers.
type QueueDeclareOk struct {
	Queue         string
	MessageCount  uint32
	ConsumerCount uint32
}

// ID returns queue.declare-ok's ids.
func (*QueueDeclareOk) ID() MethodID { return MethodID{ClassQueue, 11} }

// Encode appends queue.declare-ok's payload.
func (m *QueueDeclareOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("queue", m.Queue)
	e.long(m.MessageCount)
	e.long(m.ConsumerCount)
	return e.result()
}

func (m *QueueDeclareOk) decode(d *decoder) {
	m.Queue = d.shortstr("queue")
	m.MessageCount = d.long("message-count")
	m.ConsumerCount = d.long("consumer-count")
}

// QueueBind binds a queue to an exchange.
type QueueBind struct {
	Ticket     uint16
	Queue      string
	Exchange   string
	RoutingKey string
	NoWait     bool
	Arguments  model.Table
}

// ID returns queue.bind's ids.
func (*QueueBind) ID() MethodID { return MethodID{ClassQueue, 20} }

// Encode appends queue.bind's payload.
func (m *QueueBind) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	e.bits(m.NoWait)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *QueueBind) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	m.Exchange = d.shortstr("exchange")
	m.RoutingKey = d.shortstr("routing-key")
	m.NoWait = bit(d.octet("no-wait"), 0)
	m.Arguments = d.table("arguments")
}

// QueueBindOk confirms queue.bind.
type QueueBindOk struct{}

// ID returns queue.bind-ok's ids.
func (*QueueBindOk) ID() MethodID { return MethodID{ClassQueue, 21} }

// Encode appends queue.bind-ok's payload.
func (m *QueueBindOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*QueueBindOk) decode(*decoder) {}

// QueuePurge removes a queue's ready messages.
type QueuePurge struct {
	Ticket uint16
	Queue  string
	NoWait bool
}

// ID returns queue.purge's ids.
func (*QueuePurge) ID() MethodID { return MethodID{ClassQueue, 30} }

// Encode appends queue.purge's payload.
func (m *QueuePurge) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.bits(m.NoWait)
	return e.result()
}

func (m *QueuePurge) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	m.NoWait = bit(d.octet("no-wait"), 0)
}

// QueuePurgeOk counts the messages purged.
type QueuePurgeOk struct {
	MessageCount uint32
}

// ID returns queue.purge-ok's ids.
func (*QueuePurgeOk) ID() MethodID { return MethodID{ClassQueue, 31} }

// Encode appends queue.purge-ok's payload.
func (m *QueuePurgeOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.long(m.MessageCount)
	return e.result()
}

func (m *QueuePurgeOk) decode(d *decoder) { m.MessageCount = d.long("message-count") }

// QueueDelete deletes a queue, with IfUnused only one without consumers,
// with IfEmpty only one without messages.
type QueueDelete struct {
	Ticket   uint16
	Queue    string
	IfUnused bool
	IfEmpty  bool
	NoWait   bool
}

// ID returns queue.delete's ids.
func (*QueueDelete) ID() MethodID { return MethodID{ClassQueue, 40} }

// Encode appends queue.delete's payload.
func (m *QueueDelete) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.bits(m.IfUnused, m.IfEmpty, m.NoWait)
	return e.result()
}

func (m *QueueDelete) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	o := d.octet("if-unused")
	m.IfUnused, m.IfEmpty, m.NoWait = bit(o, 0), bit(o, 1), bit(o, 2)
}

// QueueDeleteOk counts the messages deleted with the queue.
type QueueDeleteOk struct {
	MessageCount uint32
}

// ID returns queue.delete-ok's ids.
func (*QueueDeleteOk) ID() MethodID { return MethodID{ClassQueue, 41} }

// Encode appends queue.delete-ok's payload.
func (m *QueueDeleteOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.long(m.MessageCount)
	return e.result()
}

func (m *QueueDeleteOk) decode(d *decoder) { m.MessageCount = d.long("message-count") }

// QueueUnbind removes a queue's binding. Unlike the others it has no
// no-wait bit.
type QueueUnbind struct {
	Ticket     uint16
	Queue      string
	Exchange   string
	RoutingKey string
	Arguments  model.Table
}

// ID returns queue.unbind's ids.
func (*QueueUnbind) ID() MethodID { return MethodID{ClassQueue, 50} }

// Encode appends queue.unbind's payload.
func (m *QueueUnbind) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *QueueUnbind) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	m.Exchange = d.shortstr("exchange")
	m.RoutingKey = d.shortstr("routing-key")
	m.Arguments = d.table("arguments")
}

// QueueUnbindOk confirms queue.unbind.
type QueueUnbindOk struct{}

// ID returns queue.unbind-ok's ids.
func (*QueueUnbindOk) ID() MethodID { return MethodID{ClassQueue, 51} }

// Encode appends queue.unbind-ok's payload.
func (m *QueueUnbindOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*QueueUnbindOk) decode(*decoder) {}
