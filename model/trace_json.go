package model

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the trace as one JSON object, the same document
// encoding/json makes of it with the lines added as "explanation" strings (a
// test checks this), without reflection: `kaiten trace --batch` writes one
// per probe.
func (t *Trace) AppendJSON(b []byte, explanation []TraceLine) []byte {
	b = append(b, `{"exchange":`...)
	b = appendString(b, t.Exchange)
	b = append(b, `,"routing_key":`...)
	b = appendString(b, t.RoutingKey)
	b = append(b, `,"routing_keys":`...)
	b = appendStrings(b, t.RoutingKeys)
	b = append(b, `,"queues":`...)
	b = appendStrings(b, t.Queues)
	b = append(b, `,"unroutable":`...)
	b = strconv.AppendBool(b, t.Unroutable)
	if t.Error != nil {
		b = append(b, `,"error":{"code":`...)
		b = strconv.AppendInt(b, int64(t.Error.Code), 10)
		b = append(b, `,"text":`...)
		b = appendString(b, t.Error.Text)
		b = append(b, '}')
	}
	if t.Why != "" {
		b = append(b, `,"why":`...)
		b = appendString(b, t.Why)
	}
	b = append(b, `,"hops":[`...)
	for i := range t.Hops {
		if i > 0 {
			b = append(b, ',')
		}
		b = t.Hops[i].appendJSON(b)
	}
	b = append(b, ']')
	if len(t.DeadLetters) > 0 {
		b = append(b, `,"dead_letters":[`...)
		for i := range t.DeadLetters {
			if i > 0 {
				b = append(b, ',')
			}
			b = t.DeadLetters[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"explanation":[`...)
	for i, l := range explanation {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendEscaped(b, l.Prefix)
		b = appendEscaped(b, l.Text)
		b = append(b, '"')
	}
	return append(b, "]}"...)
}

func (h *Hop) appendJSON(b []byte) []byte {
	b = append(b, `{"exchange":`...)
	b = appendString(b, h.Exchange)
	b = append(b, `,"type":`...)
	b = appendString(b, h.Type)
	b = append(b, `,"parent":`...)
	b = strconv.AppendInt(b, int64(h.Parent), 10)
	b = append(b, `,"via":`...)
	b = appendString(b, h.Via)
	if h.ViaBinding != nil {
		b = append(b, `,"via_binding":{`...)
		b = h.ViaBinding.appendFields(b)
		b = append(b, '}')
	}
	if h.Policy != "" {
		b = append(b, `,"policy":`...)
		b = appendString(b, h.Policy)
	}
	b = append(b, `,"bindings":[`...)
	for i := range h.Bindings {
		if i > 0 {
			b = append(b, ',')
		}
		b = h.Bindings[i].appendJSON(b)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(h.Total), 10)
	if a := h.Alternate; a != nil {
		b = append(b, `,"alternate_exchange":{"name":`...)
		b = appendString(b, a.Name)
		b = append(b, `,"source":`...)
		b = appendString(b, a.Source)
		b = append(b, `,"taken":`...)
		b = strconv.AppendBool(b, a.Taken)
		b = append(b, `,"why":`...)
		b = appendString(b, a.Why)
		b = append(b, '}')
	}
	return append(b, '}')
}

func (r *BindingRef) appendFields(b []byte) []byte {
	b = append(b, `"source":`...)
	b = appendString(b, r.Source)
	b = append(b, `,"destination":`...)
	b = appendString(b, r.Destination)
	b = append(b, `,"destination_type":`...)
	b = appendString(b, r.DestinationType)
	b = append(b, `,"routing_key":`...)
	b = appendString(b, r.RoutingKey)
	if len(r.Arguments) > 0 {
		var buf bytes.Buffer
		r.Arguments.appendJSON(&buf)
		b = append(b, `,"arguments":`...)
		b = append(b, buf.Bytes()...)
	}
	return b
}

func (c *BindingCheck) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = c.BindingRef.appendFields(b)
	b = append(b, `,"matched":`...)
	b = strconv.AppendBool(b, c.Matched)
	if c.Key != "" {
		b = append(b, `,"key":`...)
		b = appendString(b, c.Key)
	}
	b = append(b, `,"reason":`...)
	b = appendString(b, c.Reason)
	if c.Outcome != "" {
		b = append(b, `,"outcome":`...)
		b = appendString(b, c.Outcome)
	}
	return append(b, '}')
}

func (d *DeadLetterBranch) appendJSON(b []byte) []byte {
	b = append(b, `{"queue":`...)
	b = appendString(b, d.Queue)
	b = append(b, `,"exchange":`...)
	b = appendString(b, d.Exchange)
	b = append(b, `,"source":`...)
	b = appendString(b, d.Source)
	if len(d.RoutingKeys) > 0 {
		b = append(b, `,"routing_keys":`...)
		b = appendStrings(b, d.RoutingKeys)
	}
	if d.KeySource != "" {
		b = append(b, `,"key_source":`...)
		b = appendString(b, d.KeySource)
	}
	if len(d.Outcomes) > 0 {
		b = append(b, `,"outcomes":[`...)
		for i, o := range d.Outcomes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"reasons":`...)
			b = appendStrings(b, o.Reasons)
			b = append(b, `,"queues":`...)
			b = appendStrings(b, o.Queues)
			if o.Dropped != "" {
				b = append(b, `,"dropped_cycle":`...)
				b = appendString(b, o.Dropped)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"why":`...)
	b = appendString(b, d.Why)
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json writes it:
// <, > and & escaped for HTML, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends the inside of a JSON string.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
