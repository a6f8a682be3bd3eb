package wire

import "github.com/kaiten-bus/kaiten/model"

// ExchangeDeclare creates an exchange, or with Passive checks that it
// exists. Ticket, here and in the other methods, is reserved (0).
type ExchangeDeclare struct {
	Ticket     uint16
	Exchange   string
	Type       string
	Passive    bool
	Durable    bool
	AutoDelete bool
	Internal   bool
	NoWait     bool
	Arguments  model.Table
}

// ID returns exchange.declare's ids.
func (*ExchangeDeclare) ID() MethodID { return MethodID{ClassExchange, 10} }

// Encode appends exchange.declare's payload.
func (m *ExchangeDeclare) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("type", m.Type)
	e.bits(m.Passive, m.Durable, m.AutoDelete, m.Internal, m.NoWait)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *ExchangeDeclare) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Exchange = d.shortstr("exchange")
	m.Type = d.shortstr("type")
	o := d.octet("passive")
	m.Passive, m.Durable, m.AutoDelete, m.Internal, m.NoWait = bit(o, 0), bit(o, 1), bit(o, 2), bit(o, 3), bit(o, 4)
	m.Arguments = d.table("arguments")
}

// ExchangeDeclareOk confirms exchange.declare.
type ExchangeDeclareOk struct{}

// ID returns exchange.declare-ok's ids.
func (*ExchangeDeclareOk) ID() MethodID { return MethodID{ClassExchange, 11} }

// Encode appends exchange.declare-ok's payload.
func (m *ExchangeDeclareOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ExchangeDeclareOk) decode(*decoder) {}

// ExchangeDelete deletes an exchange, with IfUnused only one without
// bindings.
type ExchangeDelete struct {
	Ticket   uint16
	Exchange string
	IfUnused bool
	NoWait   bool
}

// ID returns exchange.delete's ids.
func (*ExchangeDelete) ID() MethodID { return MethodID{ClassExchange, 20} }

// Encode appends exchange.delete's payload.
func (m *ExchangeDelete) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("exchange", m.Exchange)
	e.bits(m.IfUnused, m.NoWait)
	return e.result()
}

func (m *ExchangeDelete) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Exchange = d.shortstr("exchange")
	o := d.octet("if-unused")
	m.IfUnused, m.NoWait = bit(o, 0), bit(o, 1)
}

// ExchangeDeleteOk confirms exchange.delete.
type ExchangeDeleteOk struct{}

// ID returns exchange.delete-ok's ids.
func (*ExchangeDeleteOk) ID() MethodID { return MethodID{ClassExchange, 21} }

// Encode appends exchange.delete-ok's payload.
func (m *ExchangeDeleteOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ExchangeDeleteOk) decode(*decoder) {}

// ExchangeBind binds one exchange to another (RabbitMQ extension):
// messages routed by Source go on to Destination.
type ExchangeBind struct {
	Ticket      uint16
	Destination string
	Source      string
	RoutingKey  string
	NoWait      bool
	Arguments   model.Table
}

// ID returns exchange.bind's ids.
func (*ExchangeBind) ID() MethodID { return MethodID{ClassExchange, 30} }

// Encode appends exchange.bind's payload.
func (m *ExchangeBind) Encode(dst []byte) ([]byte, error) { return m.encode(dst, m.ID()) }

func (m *ExchangeBind) encode(dst []byte, id MethodID) ([]byte, error) {
	e := newEncoder(dst, id)
	e.short(m.Ticket)
	e.shortstr("destination", m.Destination)
	e.shortstr("source", m.Source)
	e.shortstr("routing-key", m.RoutingKey)
	e.bits(m.NoWait)
	e.table("arguments", m.Arguments)
	return e.result()
}

func (m *ExchangeBind) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Destination = d.shortstr("destination")
	m.Source = d.shortstr("source")
	m.RoutingKey = d.shortstr("routing-key")
	m.NoWait = bit(d.octet("no-wait"), 0)
	m.Arguments = d.table("arguments")
}

// ExchangeBindOk confirms exchange.bind.
type ExchangeBindOk struct{}

// ID returns exchange.bind-ok's ids.
func (*ExchangeBindOk) ID() MethodID { return MethodID{ClassExchange, 31} }

// Encode appends exchange.bind-ok's payload.
func (m *ExchangeBindOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ExchangeBindOk) decode(*decoder) {}

// ExchangeUnbind removes an exchange-to-exchange binding. It has
// exchange.bind's arguments.
type ExchangeUnbind ExchangeBind

// ID returns exchange.unbind's ids.
func (*ExchangeUnbind) ID() MethodID { return MethodID{ClassExchange, 40} }

// Encode appends exchange.unbind's payload.
func (m *ExchangeUnbind) Encode(dst []byte) ([]byte, error) {
	return (*ExchangeBind)(m).encode(dst, m.ID())
}

func (m *ExchangeUnbind) decode(d *decoder) { (*ExchangeBind)(m).decode(d) }

// ExchangeUnbindOk confirms exchange.unbind. Its method id is 51, not 41.
type ExchangeUnbindOk struct{}

// ID returns exchange.unbind-ok's ids.
func (*ExchangeUnbindOk) ID() MethodID { return MethodID{ClassExchange, 51} }

// Encode appends exchange.unbind-ok's payload.
func (m *ExchangeUnbindOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ExchangeUnbindOk) decode(*decoder) {}
