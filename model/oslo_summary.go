package model

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on how much of a value a summary line shows, in runes.
const (
	osloSummaryValue = 40  // one argument, or a name
	osloSummaryArgs  = 120 // all the arguments together, or a result
)

// OsloSummary describes a decoded message in one line for people, from the
// exchange and routing key it was published with:
//
//	call compute.add(a=2, b=3) from u-123
//	call compute.echo(value="direct") on host1 from u-123
//	cast compute.fire(n=1) from u-123
//	fanout cast compute.fire(n=2) from u-123
//	reply to c50bb571811a4983ad810906fa9fa87f: {"echo": [1, "two"]}
//	remote error ValueError: boom requested (reply to 075e594c…)
//	heartbeat for 6bc83e41d2224788aa49c33d7fd40aec
//	notification compute.instance.create.end from compute.host1 (INFO)
//
// Secrets are redacted, long values cut, and the line is made Printable.
// A message that is not oslo's gives "". To add a reply's round trip, see
// OsloCallMatcher.
func OsloSummary(m OsloMessage, exchange, routingKey string) string {
	m = m.Redacted()
	m.MsgID = osloCut(m.MsgID, osloSummaryValue)
	var b strings.Builder
	switch m.Kind {
	case OsloCall, OsloCast:
		osloRequestSummary(&b, m, exchange, routingKey)
	case OsloReply:
		switch {
		case m.Failure != nil:
			b.WriteString("remote error " + osloCut(m.Failure.Error(), osloSummaryArgs) + " (reply to " + m.MsgID + ")")
		case m.Ending:
			b.WriteString("reply to " + m.MsgID + ": " + PyShort(m.Result, osloSummaryArgs))
		default: // the first of a pre-Newton server's two replies
			b.WriteString("partial reply to " + m.MsgID + ": " + PyShort(m.Result, osloSummaryArgs))
		}
	case OsloHeartbeat:
		b.WriteString("heartbeat for " + m.MsgID)
	case OsloNotification:
		b.WriteString("notification " + osloCut(m.EventType, osloSummaryArgs))
		if m.PublisherID != "" {
			b.WriteString(" from " + osloCut(m.PublisherID, osloSummaryValue))
		}
		if m.Priority != "" {
			b.WriteString(" (" + osloCut(m.Priority, osloSummaryValue) + ")")
		}
	case OsloUnknown:
		b.WriteString("oslo message " + PyShort(m.Body, osloSummaryArgs))
	default:
		return ""
	}
	return Printable(b.String())
}

func osloRequestSummary(b *strings.Builder, m OsloMessage, exchange, routingKey string) {
	target, server := routingKey, ""
	verb := m.Kind.String()
	if topic, ok := strings.CutSuffix(exchange, "_fanout"); ok && topic != "" {
		verb, target = "fanout cast", topic
	} else if i := strings.IndexByte(routingKey, '.'); i > 0 {
		// <topic>.<server>; hosts hold dots more often than topics do.
		target, server = routingKey[:i], routingKey[i+1:]
	}
	b.WriteString(verb + " ")
	if target != "" {
		b.WriteString(osloCut(target, osloSummaryValue) + ".")
	}
	b.WriteString(osloCut(m.Method, osloSummaryValue) + "(")
	n := 0
	for i, f := range m.Args.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		arg := osloCut(f.Key, osloSummaryValue) + "=" + PyShort(f.Value, osloSummaryValue)
		if n+utf8.RuneCountInString(arg) > osloSummaryArgs {
			b.WriteString("…")
			break
		}
		n += utf8.RuneCountInString(arg) + 2
		b.WriteString(arg)
	}
	b.WriteString(")")
	if m.Namespace != "" {
		b.WriteString(" in " + osloCut(m.Namespace, osloSummaryValue))
	}
	if m.Version != "" && m.Version != "1.0" {
		b.WriteString(" v" + osloCut(m.Version, osloSummaryValue))
	}
	if server != "" {
		b.WriteString(" on " + osloCut(server, osloSummaryValue))
	}
	if user := m.User(); user != "" {
		b.WriteString(" from " + osloCut(user, osloSummaryValue))
	}
}

// User returns who sent a request, from its context: user_name, else
// user_id, else user (oslo.context's key); "" when there is none.
func (m OsloMessage) User() string {
	for _, k := range []string{"user_name", "user_id", "user"} {
		if v, ok := m.ContextValue(k); ok && v.Kind == PyString && v.Text != "" {
			return v.Text
		}
	}
	return ""
}

// PyShort renders a value compactly for people: JSON, but with non-ASCII
// text as it is, cut to at most limit runes with a trailing "…".
func PyShort(v PyValue, limit int) string {
	w := pyShortWriter{limit: limit}
	w.value(v)
	s := w.b.String()
	if w.full {
		return osloCutForce(s, limit)
	}
	return osloCut(s, limit)
}

// osloCut cuts s to at most limit runes, the last being "…" if it was cut.
func osloCut(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return osloCutForce(s, limit)
}

func osloCutForce(s string, limit int) string {
	if limit < 1 {
		return "…"
	}
	n := 0
	for i := range s {
		if n == limit-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

type pyShortWriter struct {
	b     strings.Builder
	limit int
	full  bool
}

func (w *pyShortWriter) value(v PyValue) {
	// Four bytes a rune at most: stop once more than the limit is written.
	if w.b.Len() > 4*w.limit+4 {
		w.full = true
		return
	}
	switch v.Kind {
	case PyString:
		w.str(v.Text)
	case PyArray:
		w.b.WriteByte('[')
		for i, e := range v.Items {
			if i > 0 {
				w.b.WriteString(", ")
			}
			if w.value(e); w.full {
				return
			}
		}
		w.b.WriteByte(']')
	case PyObject:
		w.b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				w.b.WriteString(", ")
			}
			w.str(f.Key)
			w.b.WriteString(": ")
			if w.value(f.Value); w.full {
				return
			}
		}
		w.b.WriteByte('}')
	default:
		w.b.WriteString(v.String())
	}
}

// str quotes s like JSON but keeps printable non-ASCII text readable.
func (w *pyShortWriter) str(s string) {
	if len(s) > 4*w.limit+4 {
		s = s[:4*w.limit+4] // cut later by runes; a broken last rune is cut off too
		w.full = true
	}
	w.b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			size := 3
			if _, ok := wtf8Surrogate(s[i:]); !ok {
				var r rune
				r, size = utf8.DecodeRuneInString(s[i:])
				if r != utf8.RuneError && !unsafeRune(r) {
					w.b.WriteString(s[i : i+size])
					i += size
					continue
				}
			}
			w.escaped(s[i : i+size])
			i += size
			continue
		}
		if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
			w.escaped(s[i : i+1])
		} else {
			w.b.WriteByte(c)
		}
		i++
	}
	w.b.WriteByte('"')
}

// escaped writes s with Python's escapes, without the quotes.
func (w *pyShortWriter) escaped(s string) {
	q := AppendPyString(nil, s)
	w.b.Write(q[1 : len(q)-1])
}

// OsloCallInfo is a call the matcher has seen.
type OsloCallInfo struct {
	MsgID  string
	Method string
	Target string // the routing key it was sent with
	At     time.Time
}

// OsloMatch is a reply or heartbeat paired with the call it answers.
type OsloMatch struct {
	Call  OsloCallInfo
	RTT   time.Duration // from the call to this reply
	Final bool          // the final reply, not a heartbeat or partial one
}

// Annotate appends the round trip to a summary line: "… (12 ms)".
func (mt OsloMatch) Annotate(line string) string {
	return line + " (" + FormatOsloRTT(mt.RTT) + ")"
}

// FormatOsloRTT writes a round trip for people: "0.4 ms", "12 ms", "3.2 s".
func FormatOsloRTT(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
}

// OsloCallMatcher pairs replies with calls by _msg_id and works out round
// trips from the times it is given (it reads no clock). It remembers at
// most limit calls, forgetting the oldest first, and keeps a call after its
// final reply, since a tap on the firehose sees every reply twice.
type OsloCallMatcher struct {
	limit int
	calls map[string]OsloCallInfo
	order []string // msg ids, oldest first, from head on
	head  int
}

// NewOsloCallMatcher returns a matcher remembering up to limit calls (at
// least 1).
func NewOsloCallMatcher(limit int) *OsloCallMatcher {
	return &OsloCallMatcher{limit: max(limit, 1), calls: map[string]OsloCallInfo{}}
}

// Observe takes a message seen at time at, published with routingKey. A
// call is remembered (the first sighting counts); a reply or heartbeat to a
// remembered call comes back matched.
func (c *OsloCallMatcher) Observe(m OsloMessage, routingKey string, at time.Time) (OsloMatch, bool) {
	switch m.Kind {
	case OsloCall:
		if _, ok := c.calls[m.MsgID]; !ok {
			c.calls[m.MsgID] = OsloCallInfo{MsgID: m.MsgID, Method: m.Method, Target: routingKey, At: at}
			c.order = append(c.order, m.MsgID)
			c.evict()
		}
	case OsloReply, OsloHeartbeat:
		call, ok := c.calls[m.MsgID]
		if !ok {
			return OsloMatch{}, false
		}
		return OsloMatch{Call: call, RTT: at.Sub(call.At), Final: m.Kind == OsloReply && m.Ending}, true
	}
	return OsloMatch{}, false
}

// Pending returns how many calls the matcher remembers.
func (c *OsloCallMatcher) Pending() int { return len(c.calls) }

func (c *OsloCallMatcher) evict() {
	for len(c.calls) > c.limit {
		delete(c.calls, c.order[c.head])
		c.order[c.head] = ""
		c.head++
	}
	if c.head > 64 && c.head*2 > len(c.order) {
		c.order = append([]string(nil), c.order[c.head:]...)
		c.head = 0
	}
}
