package wire

// ChannelOpen opens a channel. OutOfBand is reserved.
type ChannelOpen struct {
	OutOfBand string
}

// ID returns channel.open's ids.
func (*ChannelOpen) ID() MethodID { return MethodID{ClassChannel, 10} }

// Encode appends channel.open's payload.
func (m *ChannelOpen) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("out-of-band", m.OutOfBand)
	return e.result()
}

func (m *ChannelOpen) decode(d *decoder) { m.OutOfBand = d.shortstr("out-of-band") }

// ChannelOpenOk says the channel is open. ChannelID is reserved.
type ChannelOpenOk struct {
	ChannelID string // longstr
}

// ID returns channel.open-ok's ids.
func (*ChannelOpenOk) ID() MethodID { return MethodID{ClassChannel, 11} }

// Encode appends channel.open-ok's payload.
func (m *ChannelOpenOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longstr("channel-id", m.ChannelID)
	return e.result()
}

func (m *ChannelOpenOk) decode(d *decoder) { m.ChannelID = d.longstr("channel-id") }

// ChannelFlow asks the peer to stop (false) or restart (true) sending
// content.
type ChannelFlow struct {
	Active bool
}

// ID returns channel.flow's ids.
func (*ChannelFlow) ID() MethodID { return MethodID{ClassChannel, 20} }

// Encode appends channel.flow's payload.
func (m *ChannelFlow) Encode(dst []byte) ([]byte, error) { return m.encode(dst, m.ID()) }

func (m *ChannelFlow) encode(dst []byte, id MethodID) ([]byte, error) {
	e := newEncoder(dst, id)
	e.bits(m.Active)
	return e.result()
}

func (m *ChannelFlow) decode(d *decoder) { m.Active = bit(d.octet("active"), 0) }

// ChannelFlowOk confirms channel.flow with the state now in force.
type ChannelFlowOk ChannelFlow

// ID returns channel.flow-ok's ids.
func (*ChannelFlowOk) ID() MethodID { return MethodID{ClassChannel, 21} }

// Encode appends channel.flow-ok's payload.
func (m *ChannelFlowOk) Encode(dst []byte) ([]byte, error) {
	return (*ChannelFlow)(m).encode(dst, m.ID())
}

func (m *ChannelFlowOk) decode(d *decoder) { (*ChannelFlow)(m).decode(d) }

// ChannelClose closes a channel, in connection.close's fields.
type ChannelClose ConnectionClose

// ID returns channel.close's ids.
func (*ChannelClose) ID() MethodID { return MethodID{ClassChannel, 40} }

// Encode appends channel.close's payload.
func (m *ChannelClose) Encode(dst []byte) ([]byte, error) {
	return (*ConnectionClose)(m).encode(dst, m.ID())
}

func (m *ChannelClose) decode(d *decoder) { (*ConnectionClose)(m).decode(d) }

// ChannelCloseOk confirms channel.close.
type ChannelCloseOk struct{}

// ID returns channel.close-ok's ids.
func (*ChannelCloseOk) ID() MethodID { return MethodID{ClassChannel, 41} }

// Encode appends channel.close-ok's payload.
func (m *ChannelCloseOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ChannelCloseOk) decode(*decoder) {}

// AccessRequest asks for an access ticket. The spec deprecates the access
// class, but old clients still send it and RabbitMQ answers with ticket 1.
type AccessRequest struct {
	Realm     string
	Exclusive bool
	Passive   bool
	Active    bool
	Write     bool
	Read      bool
}

// ID returns access.request's ids.
func (*AccessRequest) ID() MethodID { return MethodID{ClassAccess, 10} }

// Encode appends access.request's payload.
func (m *AccessRequest) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("realm", m.Realm)
	e.bits(m.Exclusive, m.Passive, m.Active, m.Write, m.Read)
	return e.result()
}

func (m *AccessRequest) decode(d *decoder) {
	m.Realm = d.shortstr("realm")
	o := d.octet("exclusive")
	m.Exclusive, m.Passive, m.Active, m.Write, m.Read = bit(o, 0), bit(o, 1), bit(o, 2), bit(o, 3), bit(o, 4)
}

// AccessRequestOk grants an access ticket.
type AccessRequestOk struct {
	Ticket uint16
}

// ID returns access.request-ok's ids.
func (*AccessRequestOk) ID() MethodID { return MethodID{ClassAccess, 11} }

// Encode appends access.request-ok's payload.
func (m *AccessRequestOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.short(m.Ticket)
	return e.result()
}

func (m *AccessRequestOk) decode(d *decoder) { m.Ticket = d.short("ticket") }
