package core

import (
	"strconv"
	"sync/atomic"

	"github.com/kaiten-bus/kaiten/model"
)

// Message is a published message as the queues hold it: immutable once
// published, and shared by every queue and channel that holds it. The
// server layer reads it to write basic.deliver, basic.get-ok and
// basic.return, and must not change it.
//
// Every queued message costs its body plus this record, so the record is
// small (48 bytes on 64-bit platforms): where the message was published
// and its properties are in an Envelope, which a channel's consecutive
// publishes share when they are alike, and what few messages have (BCC
// keys, a per-message TTL) is behind a pointer of its own.
type Message struct {
	// Envelope has the exchange, routing key and properties; other
	// messages may share it.
	*Envelope
	// Body is the content.
	Body []byte

	extra *messageExtra // nil: no BCC keys, no per-message TTL
	refs  atomic.Int32
}

// Envelope is what a message was published with. Messages published
// alike share one; it never changes once made.
type Envelope struct {
	// Exchange is the exchange the message was published to (for a dead
	// letter, the dead-letter exchange).
	Exchange string
	// RoutingKey is the key it was published with, as deliveries carry it.
	RoutingKey string
	// Properties are the basic properties; a BCC header is already gone.
	Properties model.Properties
}

// messageExtra is what only some messages carry.
type messageExtra struct {
	bcc        []string // BCC keys: routed with, never delivered
	expiration int64    // per-message TTL in ms, -1 for none
}

// newEnvelope makes an envelope with a copy of props.
func newEnvelope(exchange, rk string, props *model.Properties) *Envelope {
	return &Envelope{Exchange: exchange, RoutingKey: rk, Properties: *props}
}

// sameAs reports whether an envelope is the one a publish with these
// arguments would make. Properties with headers never match: comparing
// tables would cost more than sharing saves.
func (e *Envelope) sameAs(exchange, rk string, p *model.Properties) bool {
	a := &e.Properties
	return e.RoutingKey == rk && e.Exchange == exchange &&
		len(a.Headers) == 0 && len(p.Headers) == 0 && (a.Headers == nil) == (p.Headers == nil) &&
		a.Has == p.Has && a.DeliveryMode == p.DeliveryMode && a.Priority == p.Priority &&
		a.Timestamp == p.Timestamp && a.ContentType == p.ContentType &&
		a.ContentEncoding == p.ContentEncoding && a.CorrelationID == p.CorrelationID &&
		a.ReplyTo == p.ReplyTo && a.Expiration == p.Expiration && a.MessageID == p.MessageID &&
		a.Type == p.Type && a.UserID == p.UserID && a.AppID == p.AppID && a.ClusterID == p.ClusterID
}

// newMessage makes a message in env, which must not change afterwards.
func newMessage(env *Envelope, body []byte, bcc []string, expiration int64) *Message {
	m := &Message{Envelope: env, Body: body}
	if len(bcc) > 0 || expiration >= 0 {
		m.extra = &messageExtra{bcc: bcc, expiration: expiration}
	}
	return m
}

// bcc returns the BCC keys.
func (m *Message) bcc() []string {
	if m.extra == nil {
		return nil
	}
	return m.extra.bcc
}

// expiration returns the per-message TTL in ms, or -1.
func (m *Message) expiration() int64 {
	if m.extra == nil {
		return -1
	}
	return m.extra.expiration
}

// RoutingKeys returns every key the message is routed with: the routing
// key, then the CC header's keys, then the BCC keys.
func (m *Message) RoutingKeys() []string {
	keys, err := model.RoutingKeys(m.RoutingKey, m.Properties.Headers)
	if err != nil { // a stored message's CC was checked on publish
		keys = []string{m.RoutingKey}
	}
	return append(keys, m.bcc()...)
}

// size is what the message counts for in max-length-bytes and memory.
func (m *Message) size() int64 { return int64(len(m.Body)) }

// retain counts one more holder (a queue entry or an unacked delivery).
func (m *Message) retain(b *Broker) {
	if m.refs.Add(1) == 1 {
		b.memAdd(m.size())
	}
}

// release drops a holder; the last one gives the memory back.
func (m *Message) release(b *Broker) {
	if m.refs.Add(-1) == 0 {
		b.memAdd(-m.size())
	}
}

// parseExpiration reads the expiration property the way
// rabbit_basic:parse_expiration does (string:to_integer, then
// rabbit_misc:check_expiry) and returns the TTL in ms, or -1 when unset.
func parseExpiration(p *model.Properties, maxExpiry int64) (int64, error) {
	if p.Has&model.HasExpiration == 0 {
		return -1, nil
	}
	s := p.Expiration
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return 0, errorf(CodePreconditionFailed, "invalid expiration '%s': no_integer", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil { // more digits than fit: certainly too big
		return 0, errorf(CodePreconditionFailed, "invalid expiration '%s': {value_too_big,%s}", s, s[:i])
	}
	if i < len(s) {
		return 0, errorf(CodePreconditionFailed, "invalid expiration '%s': {leftover_string,%q}", s, s[i:])
	}
	if err := checkExpiry(n, maxExpiry); err != "" {
		return 0, errorf(CodePreconditionFailed, "invalid expiration '%s': %s", s, err)
	}
	return n, nil
}

// checkExpiry is rabbit_misc:check_expiry; it returns the Erlang error term
// as RabbitMQ prints it, or "".
func checkExpiry(n, maxExpiry int64) string {
	switch {
	case n > maxExpiry:
		return "{value_too_big," + strconv.FormatInt(n, 10) + "}"
	case n < 0:
		return "{value_negative," + strconv.FormatInt(n, 10) + "}"
	}
	return ""
}

// withoutHeader returns a copy of the table without the key, or the table
// itself when it lacks the key.
func withoutHeader(t model.Table, key string) model.Table {
	if _, ok := t[key]; !ok {
		return t
	}
	out := make(model.Table, len(t)-1)
	for k, v := range t {
		if k != key {
			out[k] = v
		}
	}
	return out
}
