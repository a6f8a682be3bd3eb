package wire

import "github.com/kaiten-bus/kaiten/model"

// ConnectionStart opens the handshake: the server's version, properties,
// SASL mechanisms and locales, the last two space-separated.
type ConnectionStart struct {
	VersionMajor     uint8
	VersionMinor     uint8
	ServerProperties model.Table
	Mechanisms       string // longstr, e.g. "PLAIN AMQPLAIN"
	Locales          string // longstr, e.g. "en_US"
}

// ID returns connection.start's ids.
func (*ConnectionStart) ID() MethodID { return MethodID{ClassConnection, 10} }

// Encode appends connection.start's payload.
func (m *ConnectionStart) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.octet(m.VersionMajor)
	e.octet(m.VersionMinor)
	e.table("server-properties", m.ServerProperties)
	e.longstr("mechanisms", m.Mechanisms)
	e.longstr("locales", m.Locales)
	return e.result()
}

func (m *ConnectionStart) decode(d *decoder) {
	m.VersionMajor = d.octet("version-major")
	m.VersionMinor = d.octet("version-minor")
	m.ServerProperties = d.table("server-properties")
	m.Mechanisms = d.longstr("mechanisms")
	m.Locales = d.longstr("locales")
}

// ConnectionStartOk is the client's answer: its properties, the mechanism
// it chose and its response (for PLAIN, "\x00user\x00password").
type ConnectionStartOk struct {
	ClientProperties model.Table
	Mechanism        string
	Response         string // longstr
	Locale           string
}

// ID returns connection.start-ok's ids.
func (*ConnectionStartOk) ID() MethodID { return MethodID{ClassConnection, 11} }

// Encode appends connection.start-ok's payload.
func (m *ConnectionStartOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.table("client-properties", m.ClientProperties)
	e.shortstr("mechanism", m.Mechanism)
	e.longstr("response", m.Response)
	e.shortstr("locale", m.Locale)
	return e.result()
}

func (m *ConnectionStartOk) decode(d *decoder) {
	m.ClientProperties = d.table("client-properties")
	m.Mechanism = d.shortstr("mechanism")
	m.Response = d.longstr("response")
	m.Locale = d.shortstr("locale")
}

// ConnectionSecure is a SASL challenge.
type ConnectionSecure struct {
	Challenge string // longstr
}

// ID returns connection.secure's ids.
func (*ConnectionSecure) ID() MethodID { return MethodID{ClassConnection, 20} }

// Encode appends connection.secure's payload.
func (m *ConnectionSecure) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longstr("challenge", m.Challenge)
	return e.result()
}

func (m *ConnectionSecure) decode(d *decoder) { m.Challenge = d.longstr("challenge") }

// ConnectionSecureOk is the client's response to a SASL challenge.
type ConnectionSecureOk struct {
	Response string // longstr
}

// ID returns connection.secure-ok's ids.
func (*ConnectionSecureOk) ID() MethodID { return MethodID{ClassConnection, 21} }

// Encode appends connection.secure-ok's payload.
func (m *ConnectionSecureOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longstr("response", m.Response)
	return e.result()
}

func (m *ConnectionSecureOk) decode(d *decoder) { m.Response = d.longstr("response") }

// ConnectionTune proposes the server's limits; 0 means no limit, and a
// heartbeat of 0 none.
type ConnectionTune struct {
	ChannelMax uint16
	FrameMax   uint32
	Heartbeat  uint16 // seconds
}

// ID returns connection.tune's ids.
func (*ConnectionTune) ID() MethodID { return MethodID{ClassConnection, 30} }

// Encode appends connection.tune's payload.
func (m *ConnectionTune) Encode(dst []byte) ([]byte, error) { return m.encode(dst, m.ID()) }

func (m *ConnectionTune) encode(dst []byte, id MethodID) ([]byte, error) {
	e := newEncoder(dst, id)
	e.short(m.ChannelMax)
	e.long(m.FrameMax)
	e.short(m.Heartbeat)
	return e.result()
}

func (m *ConnectionTune) decode(d *decoder) {
	m.ChannelMax = d.short("channel-max")
	m.FrameMax = d.long("frame-max")
	m.Heartbeat = d.short("heartbeat")
}

// ConnectionTuneOk holds the limits the client settled on, in
// connection.tune's fields.
type ConnectionTuneOk ConnectionTune

// ID returns connection.tune-ok's ids.
func (*ConnectionTuneOk) ID() MethodID { return MethodID{ClassConnection, 31} }

// Encode appends connection.tune-ok's payload.
func (m *ConnectionTuneOk) Encode(dst []byte) ([]byte, error) {
	return (*ConnectionTune)(m).encode(dst, m.ID())
}

func (m *ConnectionTuneOk) decode(d *decoder) { (*ConnectionTune)(m).decode(d) }

// ConnectionOpen opens a virtual host. Capabilities and Insist are reserved.
type ConnectionOpen struct {
	VirtualHost  string
	Capabilities string
	Insist       bool
}

// ID returns connection.open's ids.
func (*ConnectionOpen) ID() MethodID { return MethodID{ClassConnection, 40} }

// Encode appends connection.open's payload.
func (m *ConnectionOpen) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("virtual-host", m.VirtualHost)
	e.shortstr("capabilities", m.Capabilities)
	e.bits(m.Insist)
	return e.result()
}

func (m *ConnectionOpen) decode(d *decoder) {
	m.VirtualHost = d.shortstr("virtual-host")
	m.Capabilities = d.shortstr("capabilities")
	m.Insist = bit(d.octet("insist"), 0)
}

// ConnectionOpenOk says the virtual host is open. KnownHosts is reserved.
type ConnectionOpenOk struct {
	KnownHosts string
}

// ID returns connection.open-ok's ids.
func (*ConnectionOpenOk) ID() MethodID { return MethodID{ClassConnection, 41} }

// Encode appends connection.open-ok's payload.
func (m *ConnectionOpenOk) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("known-hosts", m.KnownHosts)
	return e.result()
}

func (m *ConnectionOpenOk) decode(d *decoder) { m.KnownHosts = d.shortstr("known-hosts") }

// ConnectionClose closes the connection, with the reason and the method
// that caused it (0, 0 for none).
type ConnectionClose struct {
	ReplyCode uint16
	ReplyText string
	ClassID   uint16
	MethodID  uint16
}

// ID returns connection.close's ids.
func (*ConnectionClose) ID() MethodID { return MethodID{ClassConnection, 50} }

// Encode appends connection.close's payload.
func (m *ConnectionClose) Encode(dst []byte) ([]byte, error) { return m.encode(dst, m.ID()) }

func (m *ConnectionClose) encode(dst []byte, id MethodID) ([]byte, error) {
	e := newEncoder(dst, id)
	e.short(m.ReplyCode)
	e.shortstr("reply-text", m.ReplyText)
	e.short(m.ClassID)
	e.short(m.MethodID)
	return e.result()
}

func (m *ConnectionClose) decode(d *decoder) {
	m.ReplyCode = d.short("reply-code")
	m.ReplyText = d.shortstr("reply-text")
	m.ClassID = d.short("class-id")
	m.MethodID = d.short("method-id")
}

// ConnectionCloseOk confirms connection.close.
type ConnectionCloseOk struct{}

// ID returns connection.close-ok's ids.
func (*ConnectionCloseOk) ID() MethodID { return MethodID{ClassConnection, 51} }

// Encode appends connection.close-ok's payload.
func (m *ConnectionCloseOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ConnectionCloseOk) decode(*decoder) {}

// ConnectionBlocked tells a client the server has stopped reading its
// publishes (RabbitMQ extension: a resource alarm).
type ConnectionBlocked struct {
	Reason string
}

// ID returns connection.blocked's ids.
func (*ConnectionBlocked) ID() MethodID { return MethodID{ClassConnection, 60} }

// Encode appends connection.blocked's payload.
func (m *ConnectionBlocked) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.shortstr("reason", m.Reason)
	return e.result()
}

func (m *ConnectionBlocked) decode(d *decoder) { m.Reason = d.shortstr("reason") }

// ConnectionUnblocked ends connection.blocked (RabbitMQ extension).
type ConnectionUnblocked struct{}

// ID returns connection.unblocked's ids.
func (*ConnectionUnblocked) ID() MethodID { return MethodID{ClassConnection, 61} }

// Encode appends connection.unblocked's payload.
func (m *ConnectionUnblocked) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ConnectionUnblocked) decode(*decoder) {}

// ConnectionUpdateSecret renews the client's credentials, such as an
// expiring OAuth token (RabbitMQ extension).
type ConnectionUpdateSecret struct {
	NewSecret string // longstr
	Reason    string
}

// ID returns connection.update-secret's ids.
func (*ConnectionUpdateSecret) ID() MethodID { return MethodID{ClassConnection, 70} }

// Encode appends connection.update-secret's payload.
func (m *ConnectionUpdateSecret) Encode(dst []byte) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	e.longstr("new-secret", m.NewSecret)
	e.shortstr("reason", m.Reason)
	return e.result()
}

func (m *ConnectionUpdateSecret) decode(d *decoder) {
	m.NewSecret = d.longstr("new-secret")
	m.Reason = d.shortstr("reason")
}

// ConnectionUpdateSecretOk confirms connection.update-secret.
type ConnectionUpdateSecretOk struct{}

// ID returns connection.update-secret-ok's ids.
func (*ConnectionUpdateSecretOk) ID() MethodID { return MethodID{ClassConnection, 71} }

// Encode appends connection.update-secret-ok's payload.
func (m *ConnectionUpdateSecretOk) Encode(dst []byte) ([]byte, error) { return appendEmpty(dst, m) }

func (*ConnectionUpdateSecretOk) decode(*decoder) {}

// appendEmpty appends the payload of a method without arguments.
func appendEmpty(dst []byte, m Method) ([]byte, error) {
	e := newEncoder(dst, m.ID())
	return e.result()
}
