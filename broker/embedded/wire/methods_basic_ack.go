package wire

// BasicGet fetches one message from a queue, if it has one.
type BasicGet struct {
	Ticket uint16
	Queue  string
	NoAck  bool
}

// ID returns basic.get's ids.
func (*BasicGet) ID() MethodID { return MethodID{ClassBasic, 70} }

// Encode appends basic.get's payload.
func (m *BasicGet) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	e.shortstr("queue", m.Queue)
	e.bits(m.NoAck)
	return e.result()
}

func (m *BasicGet) decode(d *decoder) {
	m.Ticket = d.short("ticket")
	m.Queue = d.shortstr("queue")
	m.NoAck = bit(d.octet("no-ack"), 0)
}

// BasicGetOk answers basic.get with a message, whose content follows, and
// the number of messages left.
type BasicGetOk struct {
	DeliveryTag  uint64
	Redelivered  bool
	Exchange     string
	RoutingKey   string
	MessageCount uint32
}

// ID returns basic.get-ok's ids.
func (*BasicGetOk) ID() MethodID { return MethodID{ClassBasic, 71} }

// Encode appends basic.get-ok's payload.
func (m *BasicGetOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longlong(m.DeliveryTag)
	e.bits(m.Redelivered)
	e.shortstr("exchange", m.Exchange)
	e.shortstr("routing-key", m.RoutingKey)
	e.long(m.MessageCount)
	return e.result()
}

func (m *BasicGetOk) decode(d *decoder) {
	m.DeliveryTag = d.longlong("delivery-tag")
	m.Redelivered = bit(d.octet("redelivered"), 0)
	m.Exchange = d.shortstrRaw("exchange")
	m.RoutingKey = d.shortstrRaw("routing-key")
	m.MessageCount = d.long("message-count")
}

// BasicGetEmpty answers basic.get on an empty queue. ClusterID is reserved.
type BasicGetEmpty struct {
	ClusterID string
}

// ID returns basic.get-empty's ids.
func (*BasicGetEmpty) ID() MethodID { return MethodID{ClassBasic, 72} }

// Encode appends basic.get-empty's payload.
func (m *BasicGetEmpty) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("cluster-id", m.ClusterID)
	return e.result()
}

func (m *BasicGetEmpty) decode(d *decoder) { m.ClusterID = d.shortstr("cluster-id") }

// BasicAck acknowledges a delivery, or with Multiple all up to it. A server
// in confirm mode sends it to confirm publishes.
type BasicAck struct {
	DeliveryTag uint64
	Multiple    bool
}

// ID returns basic.ack's ids.
func (*BasicAck) ID() MethodID { return MethodID{ClassBasic, 80} }

// Encode appends basic.ack's payload.
func (m *BasicAck) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longlong(m.DeliveryTag)
	e.bits(m.Multiple)
	return e.result()
}

func (m *BasicAck) decode(d *decoder) {
	m.DeliveryTag = d.longlong("delivery-tag")
	m.Multiple = bit(d.octet("multiple"), 0)
}

// BasicReject rejects one delivery, to be requeued or dropped
// (dead-lettered).
type BasicReject struct {
	DeliveryTag uint64
	Requeue     bool
}

// ID returns basic.reject's ids.
func (*BasicReject) ID() MethodID { return MethodID{ClassBasic, 90} }

// Encode appends basic.reject's payload.
func (m *BasicReject) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longlong(m.DeliveryTag)
	e.bits(m.Requeue)
	return e.result()
}

func (m *BasicReject) decode(d *decoder) {
	m.DeliveryTag = d.longlong("delivery-tag")
	m.Requeue = bit(d.octet("requeue"), 0)
}

// BasicRecoverAsync redelivers the channel's unacknowledged messages,
// without an answer. The spec deprecates it for basic.recover.
type BasicRecoverAsync struct {
	Requeue bool
}

// ID returns basic.recover-async's ids.
func (*BasicRecoverAsync) ID() MethodID { return MethodID{ClassBasic, 100} }

// Encode appends basic.recover-async's payload.
func (m *BasicRecoverAsync) Encode(dst []byte) ([]byte, error) { return m.encode(dst, m.ID()) }

func (m *BasicRecoverAsync) encode(dst []byte, id MethodID) ([]byte, error) {
	e := newEncoder(dst, id)
	e.bits(m.Requeue)
	return e.result()
}

func (m *BasicRecoverAsync) decode(d *decoder) { m.Requeue = bit(d.octet("requeue"), 0) }

// BasicRecover redelivers the channel's unacknowledged messages; its field
// is basic.recover-async's.
type BasicRecover BasicRecoverAsync

// ID returns basic.recover's ids.
func (*BasicRecover) ID() MethodID { return MethodID{ClassBasic, 110} }

// Encode appends basic.recover's payload.
func (m *BasicRecover) Encode(dst []byte) ([]byte, error) {
	return (*BasicRecoverAsync)(m).encode(dst, m.ID())
}

func (m *BasicRecover) decode(d *decoder) { (*BasicRecoverAsync)(m).decode(d) }

// BasicRecoverOk confirms basic.recover.
type BasicRecoverOk struct{}

// ID returns basic.recover-ok's ids.
func (*BasicRecoverOk) ID() MethodID { return MethodID{ClassBasic, 111} }

// Encode appends basic.recover-ok's payload.
func (m *BasicRecoverOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*BasicRecoverOk) decode(*decoder) {}

// BasicNack rejects one delivery or, with Multiple, all up to it
// (RabbitMQ extension). A server in confirm mode sends it for publishes it
// could not take.
type BasicNack struct {
	DeliveryTag uint64
	Multiple    bool
	Requeue     bool
}

// ID returns basic.nack's ids.
func (*BasicNack) ID() MethodID { return MethodID{ClassBasic, 120} }

// Encode appends basic.nack's payload.
func (m *BasicNack) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longlong(m.DeliveryTag)
	e.bits(m.Multiple, m.Requeue)
	return e.result()
}

func (m *BasicNack) decode(d *decoder) {
	m.DeliveryTag = d.longlong("delivery-tag")
	o := d.octet("multiple")
	m.Multiple, m.Requeue = bit(o, 0), bit(o, 1)
}
