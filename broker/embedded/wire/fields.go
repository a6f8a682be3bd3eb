package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/model"
)

// MaxShortstr is the longest shortstr: its length is one octet.
const MaxShortstr = 255

// AppendShortstr appends s as a shortstr: a length octet, then s. It fails
// for a string over 255 octets.
func AppendShortstr(dst []byte, s string) ([]byte, error) {
	if len(s) > MaxShortstr {
		return dst, fmt.Errorf("shortstr of %d octets, over %d", len(s), MaxShortstr)
	}
	return append(append(dst, byte(len(s))), s...), nil
}

// AppendLongstr appends s as a longstr: a 32-bit length, then s.
func AppendLongstr(dst []byte, s string) ([]byte, error) {
	if uint64(len(s)) > math.MaxUint32 {
		return dst, fmt.Errorf("longstr of %d octets, over 2^32-1", len(s))
	}
	return append(binary.BigEndian.AppendUint32(dst, uint32(len(s))), s...), nil
}

// ReadShortstr reads a shortstr from the head of src and returns it with the
// rest of src. The string is a copy; it need not be UTF-8.
func ReadShortstr(src []byte) (string, []byte, error) {
	d := decoder{b: src}
	s := d.shortstrRaw("shortstr")
	return s, d.b, d.error()
}

// ReadLongstr reads a longstr from the head of src and returns it with the
// rest of src. The string is a copy.
func ReadLongstr(src []byte) (string, []byte, error) {
	d := decoder{b: src}
	s := d.longstr("longstr")
	return s, d.b, d.error()
}

// decoder reads method arguments and properties from a payload. The first
// failure sticks: later reads return zero values, and err says what failed.
type decoder struct {
	b   []byte
	err *Error
}

func (d *decoder) fail(code uint16, field, format string, args ...any) {
	if d.err == nil {
		d.err = &Error{Code: code, Text: field + ": " + fmt.Sprintf(format, args...)}
	}
	d.b = nil
}

// error returns the failure as an error, or nil (not a nil *Error).
func (d *decoder) error() error {
	if d.err == nil {
		return nil
	}
	return d.err
}

// take returns the next n octets.
func (d *decoder) take(field string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.fail(FrameError, field, "needs %d octets, %d left", n, len(d.b))
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) octet(field string) uint8 {
	if b := d.take(field, 1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) short(field string) uint16 {
	if b := d.take(field, 2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) long(field string) uint32 {
	if b := d.take(field, 4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) longlong(field string) uint64 {
	if b := d.take(field, 8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// shortstrRaw reads a shortstr without looking inside it.
func (d *decoder) shortstrRaw(field string) string {
	n := int(d.octet(field))
	return string(d.take(field, n))
}

// shortstr reads a shortstr that must be UTF-8. RabbitMQ checks every
// shortstr argument but those of basic.publish, return, deliver and get-ok,
// and so does the codec (501, "Malformed UTF-8 in shortstr").
func (d *decoder) shortstr(field string) string {
	n := int(d.octet(field))
	b := d.take(field, n)
	if !utf8.Valid(b) {
		d.fail(FrameError, field, "malformed UTF-8 in shortstr")
		return ""
	}
	return string(b)
}

// sized reads a 32-bit length and that many octets after it.
func (d *decoder) sized(field, what string) []byte {
	n := d.long(field)
	if d.err == nil && uint64(n) > uint64(len(d.b)) {
		d.fail(FrameError, field, "%s of %d octets, %d left", what, n, len(d.b))
	}
	return d.take(field, int(n))
}

func (d *decoder) longstr(field string) string {
	return string(d.sized(field, "longstr"))
}

func (d *decoder) table(field string) model.Table {
	b := d.sized(field, "table")
	if d.err != nil {
		return nil
	}
	t, err := parseTable(b, 0)
	if err != nil {
		d.fail(err.Code, field, "%s", err.Text)
	}
	return t
}

// finish fails if octets are left over: RabbitMQ matches a method's
// arguments exactly and cannot decode any that run on.
func (d *decoder) finish() {
	if d.err == nil && len(d.b) > 0 {
		d.fail(FrameError, "arguments", "%d octets past the last field", len(d.b))
	}
}

// encoder appends a method's payload. The first failure sticks.
type encoder struct {
	b     []byte
	start int
	id    MethodID
	err   error
}

// newEncoder starts a method payload with its class and method ids.
func newEncoder(dst []byte, id MethodID) encoder {
	b := binary.BigEndian.AppendUint16(dst, id.Class)
	b = binary.BigEndian.AppendUint16(b, id.Method)
	return encoder{b: b, start: len(dst), id: id}
}

// result returns the payload, or dst as it was and the first failure.
func (e *encoder) result() ([]byte, error) {
	if e.err != nil {
		return e.b[:e.start], e.err
	}
	return e.b, nil
}

func (e *encoder) fail(field string, err error) {
	if e.err != nil {
		return
	}
	what := "properties" // AppendProperties has no method id
	if e.id != (MethodID{}) {
		what = e.id.Name()
	}
	e.err = fmt.Errorf("%s %s: %w", what, field, err)
}

func (e *encoder) octet(v uint8)     { e.b = append(e.b, v) }
func (e *encoder) short(v uint16)    { e.b = binary.BigEndian.AppendUint16(e.b, v) }
func (e *encoder) long(v uint32)     { e.b = binary.BigEndian.AppendUint32(e.b, v) }
func (e *encoder) longlong(v uint64) { e.b = binary.BigEndian.AppendUint64(e.b, v) }

// bits packs consecutive bit fields into one octet, the first in the
// lowest bit.
func (e *encoder) bits(bs ...bool) {
	var o uint8
	for i, b := range bs {
		if b {
			o |= 1 << i
		}
	}
	e.b = append(e.b, o)
}

func (e *encoder) shortstr(field, s string) {
	var err error
	if e.b, err = AppendShortstr(e.b, s); err != nil {
		e.fail(field, err)
	}
}

func (e *encoder) longstr(field, s string) {
	var err error
	if e.b, err = AppendLongstr(e.b, s); err != nil {
		e.fail(field, err)
	}
}

func (e *encoder) table(field string, t model.Table) {
	var err error
	if e.b, err = AppendTable(e.b, t); err != nil {
		e.fail(field, err)
	}
}
