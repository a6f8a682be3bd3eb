package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OsloKind is what an oslo.messaging message is.
type OsloKind uint8

// The kinds of message on an oslo.messaging bus. A fanout cast is a cast;
// only its exchange (<topic>_fanout) tells it apart.
const (
	// OsloNone is a body that is not oslo.messaging's: not JSON, or JSON of
	// another shape. It is not an error.
	OsloNone OsloKind = iota
	OsloCall
	OsloCast
	OsloReply
	OsloHeartbeat
	OsloNotification
	// OsloUnknown is a valid 2.0 envelope holding a message of no known
	// shape.
	OsloUnknown
)

var osloKindNames = [...]string{
	OsloNone:         "not oslo",
	OsloCall:         "call",
	OsloCast:         "cast",
	OsloReply:        "reply",
	OsloHeartbeat:    "heartbeat",
	OsloNotification: "notification",
	OsloUnknown:      "unknown",
}

// String names the kind: "call", "reply", "not oslo", ….
func (k OsloKind) String() string {
	if int(k) < len(osloKindNames) {
		return osloKindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// The envelope's keys and the version oslo.messaging writes.
const (
	OsloVersionKey      = "oslo.version"
	OsloMessageKey      = "oslo.message"
	OsloEnvelopeVersion = "2.0"
	// OsloContextPrefix starts each member a request context is flattened
	// into.
	OsloContextPrefix = "_context_"
)

// OsloTimeoutState says whether and how a request carries _timeout.
type OsloTimeoutState uint8

// A call always carries _timeout, null unless the caller set a call-monitor
// timeout; a cast never does.
const (
	OsloTimeoutAbsent OsloTimeoutState = iota
	OsloTimeoutNull
	OsloTimeoutSet
)

// OsloTimeout is a request's _timeout, the call-monitor timeout in seconds:
// when set (≥ 2), the server sends a heartbeat every half of it.
type OsloTimeout struct {
	State   OsloTimeoutState
	Seconds PyValue // the number as sent, when State is OsloTimeoutSet
}

// OsloMessage is a decoded oslo.messaging message. Body is the message in
// wire order and is what Encode writes; the other fields are a typed view of
// it, filled by kind.
type OsloMessage struct {
	Kind OsloKind
	// Envelope is the envelope version ("2.0"), or "" for the bare 1.0 form
	// (a message not wrapped in an envelope, such as a v1 notification).
	Envelope string
	// Outer is the envelope as it came, for round trips; zero when built.
	Outer PyValue
	// Body is the application message: the envelope's inner one, or the
	// bare body.
	Body PyValue

	UniqueID string    // _unique_id, on every kind
	Context  []PyField // the _context_* members, prefix stripped, in order

	// Requests (call and cast).
	Method     string
	Args       PyValue // keyword arguments, an object
	Namespace  string  // "" when absent
	Version    string  // the requested API version; "" when absent
	MsgID      string  // _msg_id, also on replies and heartbeats
	ReplyQueue string  // _reply_q
	Timeout    OsloTimeout

	// Replies and heartbeats.
	Result  PyValue
	Failure *RemoteError
	Ending  bool // true on the final reply

	// Notifications.
	MessageID   string // a uuid4 with dashes
	PublisherID string
	EventType   string
	Priority    string // as sent: upper case, "INFO"
	Payload     PyValue
	Timestamp   string // "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC
}

// OsloEnvelopeError is a body that is an oslo envelope but cannot be opened:
// oslo.messaging raises UnsupportedRpcEnvelopeVersion for a version it does
// not support, and fails the same way on an oslo.message that is not JSON.
type OsloEnvelopeError struct {
	Version string // the envelope's version, as JSON when not a string
	Reason  string // why the inner message could not be read, if that was the problem
}

// Error reads as oslo.messaging's UnsupportedRpcEnvelopeVersion does.
func (e *OsloEnvelopeError) Error() string {
	if e.Reason != "" {
		return "oslo envelope " + e.Version + ": " + e.Reason
	}
	return "specified RPC envelope version, " + e.Version + ", not supported by this endpoint"
}

// OsloVersionCompatible reports whether an implementation of version imp
// accepts a message of version v, by oslo.messaging's version_is_compatible:
// same major, v's minor no higher, and at equal minors v's revision no
// higher. Versions that do not parse are incompatible.
func OsloVersionCompatible(imp, v string) bool {
	iv, ok1 := parseOsloVersion(imp)
	vv, ok2 := parseOsloVersion(v)
	if !ok1 || !ok2 {
		return false
	}
	switch {
	case vv[0] != iv[0], vv[1] > iv[1]:
		return false
	case vv[1] == iv[1] && vv[2] > iv[2]:
		return false
	}
	return true
}

// parseOsloVersion reads "M.m" or "M.m.r"; like Python's int(), each part
// may have surrounding spaces and a sign.
func parseOsloVersion(s string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return out, false
	}
	for i := 0; i < 3 && i < len(parts); i++ {
		n, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

// DecodeOslo decodes a (decompressed) body as oslo.messaging does. A body
// that is not oslo's is not an error: it comes back with Kind OsloNone. The
// error is an *OsloEnvelopeError for an envelope oslo would refuse.
func DecodeOslo(body []byte) (OsloMessage, error) {
	if !utf8.Valid(body) {
		return OsloMessage{}, nil
	}
	v, err := parsePyJSON(body)
	if err != nil || v.Kind != PyObject {
		return OsloMessage{}, nil
	}
	ver, hasVer := v.Get(OsloVersionKey)
	inner, hasMsg := v.Get(OsloMessageKey)
	if !hasVer || !hasMsg {
		m := classifyOslo(v)
		if m.Kind == OsloUnknown || !bareOslo(m, v) {
			return OsloMessage{}, nil
		}
		return m, nil
	}
	if ver.Kind != PyString {
		return OsloMessage{}, &OsloEnvelopeError{Version: ver.String()}
	}
	if !OsloVersionCompatible(OsloEnvelopeVersion, ver.Text) {
		return OsloMessage{}, &OsloEnvelopeError{Version: ver.Text}
	}
	if inner.Kind != PyString {
		return OsloMessage{}, &OsloEnvelopeError{Version: ver.Text, Reason: "oslo.message is not a string"}
	}
	body2, err := parsePyJSON([]byte(inner.Text))
	if err != nil {
		return OsloMessage{}, &OsloEnvelopeError{Version: ver.Text, Reason: "oslo.message: " + err.Error()}
	}
	m := classifyOslo(body2)
	m.Envelope = ver.Text
	m.Outer = v
	return m, nil
}

// bareOslo reports whether a body without the 2.0 envelope has the whole
// shape oslo's 1.0 form gives each kind, so that any JSON with a
// "result" or a "method" key is not taken for oslo's: a request has its
// method and args, a reply both result and failure, a notification its
// publisher_id, event_type and payload.
func bareOslo(m OsloMessage, body PyValue) bool {
	switch m.Kind {
	case OsloCall, OsloCast:
		args, ok := body.Get("args")
		return ok && args.Kind == PyObject
	case OsloReply, OsloHeartbeat:
		return body.Has("result") && body.Has("failure")
	case OsloNotification:
		return body.Has("publisher_id") && body.Has("payload")
	}
	return false
}

// classifyOslo fills the typed view of a message body.
func classifyOslo(body PyValue) OsloMessage {
	m := OsloMessage{Kind: OsloUnknown, Body: body}
	if body.Kind != PyObject {
		return m
	}
	m.UniqueID = body.Str("_unique_id")
	for _, f := range body.Fields {
		if key, ok := strings.CutPrefix(f.Key, OsloContextPrefix); ok {
			m.Context = append(m.Context, PyField{Key: key, Value: f.Value})
		}
	}
	m.MsgID = body.Str("_msg_id")
	method, hasMethod := body.Get("method")
	switch {
	case hasMethod && method.Kind == PyString:
		m.fillRequest(body, method.Text)
	case hasMethod:
		// A request whose method is not a string: oslo cannot dispatch it.
	case body.Has("failure") || body.Has("result") || body.Has("ending"):
		m.fillReply(body)
	case body.Has("event_type"):
		m.fillNotification(body)
	}
	return m
}

func (m *OsloMessage) fillRequest(body PyValue, method string) {
	m.Method = method
	m.Args, _ = body.Get("args")
	m.Namespace = body.Str("namespace")
	m.Version = body.Str("version")
	m.ReplyQueue = body.Str("_reply_q")
	if t, ok := body.Get("_timeout"); ok {
		m.Timeout = OsloTimeout{State: OsloTimeoutNull}
		if !t.IsNull() {
			m.Timeout = OsloTimeout{State: OsloTimeoutSet, Seconds: t}
		}
	}
	// The server replies only when _msg_id is truthy.
	if id, _ := body.Get("_msg_id"); id.Truthy() {
		m.Kind = OsloCall
	} else {
		m.Kind = OsloCast
	}
}

// fillReply follows ReplyWaiter: a truthy failure is the result; a null
// result with ending false (or absent) is a call-monitor heartbeat.
func (m *OsloMessage) fillReply(body PyValue) {
	m.Kind = OsloReply
	m.Result, _ = body.Get("result")
	if f, _ := body.Get("failure"); f.Truthy() {
		m.Failure = DecodeRemoteError(f)
	}
	ending, _ := body.Get("ending")
	m.Ending = ending.Truthy()
	if m.Failure == nil && m.Result.IsNull() && !m.Ending {
		m.Kind = OsloHeartbeat
	}
}

func (m *OsloMessage) fillNotification(body PyValue) {
	m.Kind = OsloNotification
	m.MessageID = body.Str("message_id")
	m.PublisherID = body.Str("publisher_id")
	m.EventType = body.Str("event_type")
	m.Priority = body.Str("priority")
	m.Payload, _ = body.Get("payload")
	m.Timestamp = body.Str("timestamp")
}

// Encode writes the message as it goes on the wire: the envelope (keeping
// the members and order of the one decoded, if any) around Body, or the bare
// Body. Python's json.dumps is reproduced, so a body that oslo.messaging
// wrote comes back byte for byte.
func (m OsloMessage) Encode() []byte {
	inner := m.Body.AppendPython(nil)
	if m.Envelope == "" {
		return inner
	}
	return withOsloMessage(m.Outer, m.Envelope, string(inner)).AppendPython(make([]byte, 0, len(inner)*5/4+64))
}

// withOsloMessage returns the envelope outer (or a new one of version, if
// outer is none) holding inner as its message.
func withOsloMessage(outer PyValue, version, inner string) PyValue {
	if outer.Kind != PyObject || !outer.Has(OsloMessageKey) {
		return PyDict(
			PyField{Key: OsloVersionKey, Value: PyStr(version)},
			PyField{Key: OsloMessageKey, Value: PyStr(inner)},
		)
	}
	fields := make([]PyField, len(outer.Fields))
	copy(fields, outer.Fields)
	for i := range fields {
		if fields[i].Key == OsloMessageKey {
			fields[i].Value = PyStr(inner)
		}
	}
	return PyDict(fields...)
}

// RemoteError is the exception an RPC server sent back, as
// serialize_remote_exception writes it: a JSON string of class, module,
// message, the formatted traceback, args and kwargs.
type RemoteError struct {
	Class     string
	Module    string
	Message   string
	Traceback []string // traceback.format_exception's lines, each ending in \n
	Args      PyValue
	Kwargs    PyValue
	// Raw is the failure as sent, when it was not the JSON object expected.
	Raw string
}

// Error reads as the last line of a Python traceback: "ValueError: boom".
func (e *RemoteError) Error() string {
	switch {
	case e.Class == "":
		return "remote error: " + e.Message
	case e.Message == "":
		return e.Class
	}
	return e.Class + ": " + e.Message
}

// DecodeRemoteError reads a reply's failure: normally a JSON string of an
// object; an object is taken as well, and anything else is kept as the raw
// message.
func DecodeRemoteError(f PyValue) *RemoteError {
	obj := f
	if f.Kind == PyString {
		v, err := parsePyJSON([]byte(f.Text))
		if err != nil || v.Kind != PyObject {
			return &RemoteError{Message: f.Text, Raw: f.Text}
		}
		obj = v
	}
	if obj.Kind != PyObject {
		s := obj.String()
		return &RemoteError{Message: s, Raw: s}
	}
	e := &RemoteError{
		Class:   obj.Str("class"),
		Module:  obj.Str("module"),
		Message: obj.Str("message"),
	}
	e.Args, _ = obj.Get("args")
	e.Kwargs, _ = obj.Get("kwargs")
	if tb, ok := obj.Get("tb"); ok {
		for _, line := range tb.Items {
			if line.Kind == PyString {
				e.Traceback = append(e.Traceback, line.Text)
			}
		}
	}
	return e
}

// Encode writes the failure string as serialize_remote_exception does. A
// nil Args sends [Message] (an exception's args), a nil Kwargs {}.
func (e *RemoteError) Encode() string {
	tb := make([]PyValue, len(e.Traceback))
	for i, line := range e.Traceback {
		tb[i] = PyStr(line)
	}
	args, kwargs := e.Args, e.Kwargs
	if args.Kind == PyNull {
		args = PyList(PyStr(e.Message))
	}
	if kwargs.Kind == PyNull {
		kwargs = PyDict()
	}
	return PyDict(
		PyField{Key: "class", Value: PyStr(e.Class)},
		PyField{Key: "module", Value: PyStr(e.Module)},
		PyField{Key: "message", Value: PyStr(e.Message)},
		PyField{Key: "tb", Value: PyList(tb...)},
		PyField{Key: "args", Value: args},
		PyField{Key: "kwargs", Value: kwargs},
	).String()
}

// ContextValue returns the request context's value for key (without the
// _context_ prefix); the last wins if the key repeats.
func (m OsloMessage) ContextValue(key string) (PyValue, bool) {
	for i := len(m.Context) - 1; i >= 0; i-- {
		if m.Context[i].Key == key {
			return m.Context[i].Value, true
		}
	}
	return PyValue{}, false
}

// String is a description for debugging, with secrets redacted; for
// people, see OsloSummary.
func (m OsloMessage) String() string {
	return fmt.Sprintf("oslo %s %s", m.Kind, m.Redacted().Body)
}
