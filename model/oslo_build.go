package model

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// NewOsloID reads 16 bytes from rand and returns them as a version 4 UUID
// in 32 lower-case hex digits, as uuid.uuid4().hex writes the ids oslo
// puts in _msg_id, _unique_id and reply queue names. Pass crypto/rand's
// Reader, or a fixed one in tests.
func NewOsloID(rand io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(rand, u[:]); err != nil {
		return "", fmt.Errorf("oslo id: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return hex.EncodeToString(u[:]), nil
}

// NewOsloUUID is NewOsloID with dashes, as str(uuid.uuid4()) writes a
// notification's message_id.
func NewOsloUUID(rand io.Reader) (string, error) {
	h, err := NewOsloID(rand)
	if err != nil {
		return "", err
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// NewOsloReplyQueue names a fresh reply queue, reply_<uuid4 hex>.
func NewOsloReplyQueue(rand io.Reader) (string, error) {
	id, err := NewOsloID(rand)
	return "reply_" + id, err
}

// OsloRequest is an RPC request to build: the method, its keyword arguments
// and the context, with the target's namespace and version.
type OsloRequest struct {
	Method    string
	Args      []PyField // keyword arguments, in order
	Namespace string    // "" leaves it out, as a target without one does
	Version   string    // "" leaves it out (the server then assumes 1.0)
	// Context is the request context (user_id, project_id, auth_token, …),
	// sent flattened into _context_* members in this order.
	Context []PyField
}

// NewOsloCall builds a call as amqpdriver does: method, args, [namespace],
// [version], _msg_id, _reply_q, _timeout, _unique_id, _context_*, in the
// 2.0 envelope. monitor is the call-monitor timeout sent as _timeout (0
// sends null, the default); the overall timeout goes in the AMQP expiration
// (see OsloProperties). rand supplies the ids.
func NewOsloCall(req OsloRequest, replyQueue string, monitor time.Duration, rand io.Reader) (OsloMessage, error) {
	msgID, err := NewOsloID(rand)
	if err != nil {
		return OsloMessage{}, err
	}
	timeout := PyNone()
	switch {
	case monitor <= 0:
	case monitor%time.Second == 0:
		timeout = PyInt(int64(monitor / time.Second))
	default:
		timeout = PyFloat(monitor.Seconds())
	}
	return buildOsloRequest(req, rand,
		PyField{Key: "_msg_id", Value: PyStr(msgID)},
		PyField{Key: "_reply_q", Value: PyStr(replyQueue)},
		PyField{Key: "_timeout", Value: timeout},
	)
}

// NewOsloCast builds a cast (and a fanout cast, which differs only in where
// it is sent): no _msg_id, _reply_q or _timeout.
func NewOsloCast(req OsloRequest, rand io.Reader) (OsloMessage, error) {
	return buildOsloRequest(req, rand)
}

func buildOsloRequest(req OsloRequest, rand io.Reader, call ...PyField) (OsloMessage, error) {
	if req.Method == "" {
		return OsloMessage{}, fmt.Errorf("oslo request: no method")
	}
	fields := []PyField{
		{Key: "method", Value: PyStr(req.Method)},
		{Key: "args", Value: PyDict(req.Args...)},
	}
	if req.Namespace != "" {
		fields = append(fields, PyField{Key: "namespace", Value: PyStr(req.Namespace)})
	}
	if req.Version != "" {
		fields = append(fields, PyField{Key: "version", Value: PyStr(req.Version)})
	}
	fields = append(fields, call...)
	return finishOslo(fields, req.Context, OsloEnvelopeVersion, rand)
}

// finishOslo adds _unique_id and the context, as the driver does last.
func finishOslo(fields, context []PyField, envelope string, rand io.Reader) (OsloMessage, error) {
	uid, err := NewOsloID(rand)
	if err != nil {
		return OsloMessage{}, err
	}
	fields = append(fields, PyField{Key: "_unique_id", Value: PyStr(uid)})
	for _, c := range context {
		fields = append(fields, PyField{Key: OsloContextPrefix + c.Key, Value: c.Value})
	}
	m := classifyOslo(PyDict(fields...))
	m.Envelope = envelope
	return m, nil
}

// NewOsloReply builds the final reply to the call msgID carrying result.
func NewOsloReply(msgID string, result PyValue, rand io.Reader) (OsloMessage, error) {
	return buildOsloReply(msgID, result, PyNone(), true, rand)
}

// NewOsloFailure builds the final reply to the call msgID carrying the
// exception e.
func NewOsloFailure(msgID string, e *RemoteError, rand io.Reader) (OsloMessage, error) {
	return buildOsloReply(msgID, PyNone(), PyStr(e.Encode()), true, rand)
}

// NewOsloHeartbeat builds a call-monitor heartbeat for the call msgID.
func NewOsloHeartbeat(msgID string, rand io.Reader) (OsloMessage, error) {
	return buildOsloReply(msgID, PyNone(), PyNone(), false, rand)
}

func buildOsloReply(msgID string, result, failure PyValue, ending bool, rand io.Reader) (OsloMessage, error) {
	return finishOslo([]PyField{
		{Key: "result", Value: result},
		{Key: "failure", Value: failure},
		{Key: "ending", Value: PyBoolean(ending)},
		{Key: "_msg_id", Value: PyStr(msgID)},
	}, nil, OsloEnvelopeVersion, rand)
}

// OsloPriorities are the notification priorities, lower case as in routing
// keys and listener methods; messages carry them upper case.
var OsloPriorities = []string{"audit", "debug", "info", "warn", "error", "critical", "sample"}

// IsOsloPriority reports whether p (any case) is a notification priority.
func IsOsloPriority(p string) bool {
	p = strings.ToLower(p)
	for _, q := range OsloPriorities {
		if p == q {
			return true
		}
	}
	return false
}

// OsloNotificationSpec is a notification to build.
type OsloNotificationSpec struct {
	PublisherID string // e.g. compute.host1
	EventType   string // e.g. compute.instance.create.end
	Priority    string // any case; "warning" is sent as WARN, as Notifier.warning does
	Payload     PyValue
	Time        time.Time // sent as the timestamp, in UTC
	// Context is sent as _context_* members. oslo.messaging 14 sent a dict
	// context as it was; later versions send only a safe subset.
	Context []PyField
	// V1 sends the bare message, as the "messaging" driver does, instead of
	// the 2.0 envelope of "messagingv2".
	V1 bool
}

// NewOsloNotification builds a notification as Notifier._notify and the
// driver do: message_id, publisher_id, event_type, priority, payload,
// timestamp, _unique_id, _context_*.
func NewOsloNotification(n OsloNotificationSpec, rand io.Reader) (OsloMessage, error) {
	prio := strings.ToLower(n.Priority)
	if prio == "warning" {
		prio = "warn"
	}
	if !IsOsloPriority(prio) {
		return OsloMessage{}, fmt.Errorf("oslo notification: unknown priority %q (want one of %s)",
			n.Priority, strings.Join(OsloPriorities, ", "))
	}
	id, err := NewOsloUUID(rand)
	if err != nil {
		return OsloMessage{}, err
	}
	envelope := OsloEnvelopeVersion
	if n.V1 {
		envelope = ""
	}
	return finishOslo([]PyField{
		{Key: "message_id", Value: PyStr(id)},
		{Key: "publisher_id", Value: PyStr(n.PublisherID)},
		{Key: "event_type", Value: PyStr(n.EventType)},
		{Key: "priority", Value: PyStr(strings.ToUpper(prio))},
		{Key: "payload", Value: n.Payload},
		{Key: "timestamp", Value: PyStr(OsloTimestamp(n.Time))},
	}, n.Context, envelope, rand)
}

// OsloTimestamp writes t in UTC as Python's str(datetime) does, which is
// how notifications carry their time: "2026-11-25 08:03:13.946044", with no
// fraction when the microseconds are zero.
func OsloTimestamp(t time.Time) string {
	t = t.UTC().Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// ParseOsloTimestamp reads a notification timestamp (also with a "T"
// between date and time) as UTC.
func ParseOsloTimestamp(s string) (time.Time, error) {
	return time.Parse("2006-01-02 15:04:05.999999999", strings.Replace(s, "T", " ", 1))
}

// OsloDefaultExchange is the control exchange when none is configured.
const OsloDefaultExchange = "openstack"

// OsloTarget says where a request goes, as oslo.messaging's Target does.
type OsloTarget struct {
	Exchange string // the control exchange; "" is "openstack"
	Topic    string
	Server   string // "" sends to any server of the topic
	Fanout   bool   // every server of the topic (casts only)
}

// Route returns the exchange and routing key a request to t is published
// with: the control exchange and <topic> or <topic>.<server>, or for a fanout
// <topic>_fanout and "".
func (t OsloTarget) Route() (exchange, routingKey string) {
	switch {
	case t.Fanout:
		return OsloFanoutExchange(t.Topic), ""
	case t.Server != "":
		return t.exchange(), t.Topic + "." + t.Server
	}
	return t.exchange(), t.Topic
}

func (t OsloTarget) exchange() string {
	if t.Exchange == "" {
		return OsloDefaultExchange
	}
	return t.Exchange
}

// OsloFanoutExchange names the fanout exchange of a topic.
func OsloFanoutExchange(topic string) string { return topic + "_fanout" }

// OsloNotificationKey is the routing key of a notification on topic (e.g.
// "notifications") at a priority: <topic>.<priority in lower case>.
func OsloNotificationKey(topic, priority string) string {
	return topic + "." + strings.ToLower(priority)
}

// OsloProperties returns the AMQP properties kombu gives a message of kind
// k: application/json in utf-8, persistent, priority 0, empty headers, and
// for a call with timeout > 0 the expiration in milliseconds.
func OsloProperties(k OsloKind, timeout time.Duration) Properties {
	p := Properties{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		Headers:         Table{},
		DeliveryMode:    Persistent,
		Has:             HasContentType | HasContentEncoding | HasHeaders | HasDeliveryMode | HasPriority,
	}
	if k == OsloCall && timeout > 0 {
		p.Expiration = strconv.FormatInt(int64(timeout/time.Millisecond), 10)
		p.Has |= HasExpiration
	}
	return p
}

// OsloMandatory reports whether a message of kind k is published with the
// mandatory flag: replies and heartbeats are, so that a missing reply queue
// comes back as basic.return.
func OsloMandatory(k OsloKind) bool { return k == OsloReply || k == OsloHeartbeat }

// OsloCompressionHeader is the header kombu sets to the compression's
// content type when it compresses a body.
const OsloCompressionHeader = "compression"

// osloMaxBody bounds a decompressed body.
const osloMaxBody = 256 << 20

// OsloBody returns the body as kombu hands it to oslo: decompressed when the
// compression header names a method. kombu's application/x-gzip is in fact
// zlib (a real gzip stream is taken too); application/x-bz2 is bzip2. Others
// (brotli, lzma, zstd) are refused.
func OsloBody(props Properties, body []byte) ([]byte, error) {
	v, ok := props.Headers[OsloCompressionHeader]
	if !ok || v.Type != TypeLongstr && v.Type != TypeBinary {
		return body, nil
	}
	name := Printable(v.Str)
	var r io.Reader
	var err error
	switch strings.ToLower(v.Str) {
	case "application/x-gzip", "gzip", "zlib":
		if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			r, err = gzip.NewReader(bytes.NewReader(body))
		} else {
			r, err = zlib.NewReader(bytes.NewReader(body))
		}
	case "application/x-bz2", "bzip2", "bzip":
		r = bzip2.NewReader(bytes.NewReader(body))
	default:
		return nil, fmt.Errorf("compression %q is not supported", name)
	}
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", name, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, osloMaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", name, err)
	}
	if len(out) > osloMaxBody {
		return nil, fmt.Errorf("decompress %s: body larger than %d MiB", name, osloMaxBody>>20)
	}
	return out, nil
}

// DecodeOsloDelivery decodes a delivered message: OsloBody, then DecodeOslo.
func DecodeOsloDelivery(props Properties, body []byte) (OsloMessage, error) {
	plain, err := OsloBody(props, body)
	if err != nil {
		return OsloMessage{}, err
	}
	return DecodeOslo(plain)
}
