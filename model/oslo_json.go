package model

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// PyKind is the kind of a PyValue.
type PyKind uint8

// The kinds of JSON value.
const (
	PyNull PyKind = iota
	PyBool
	PyNumber
	PyString
	PyArray
	PyObject
)

// PyValue is a JSON value as Python's json module reads and writes it, which
// is how oslo.messaging and kombu see a body. Objects keep their members in
// wire order (repeated keys too), numbers keep their text, and strings may
// hold lone UTF-16 surrogates, kept as WTF-8 so that they are written back as
// the \udXXX escapes they came as. The zero value is null.
type PyValue struct {
	Kind PyKind
	Bool bool
	// Text is a string's value or a number's text as written ("1.0",
	// "1e+100", "NaN", "-Infinity", or an integer of any size).
	Text   string
	Items  []PyValue // an array's elements
	Fields []PyField // an object's members, in order
}

// PyField is one member of a JSON object.
type PyField struct {
	Key   string
	Value PyValue
}

// PyNone returns null.
func PyNone() PyValue { return PyValue{} }

// PyBoolean returns true or false.
func PyBoolean(b bool) PyValue { return PyValue{Kind: PyBool, Bool: b} }

// PyStr returns a string value.
func PyStr(s string) PyValue { return PyValue{Kind: PyString, Text: s} }

// PyInt returns an integer value.
func PyInt(i int64) PyValue { return PyValue{Kind: PyNumber, Text: strconv.FormatInt(i, 10)} }

// PyFloat returns a float value, written as Python's repr writes it.
func PyFloat(f float64) PyValue { return PyValue{Kind: PyNumber, Text: PyFloatRepr(f)} }

// PyList returns an array value.
func PyList(items ...PyValue) PyValue {
	if items == nil {
		items = []PyValue{}
	}
	return PyValue{Kind: PyArray, Items: items}
}

// PyDict returns an object value with the members in the given order.
func PyDict(fields ...PyField) PyValue {
	if fields == nil {
		fields = []PyField{}
	}
	return PyValue{Kind: PyObject, Fields: fields}
}

// Get returns the object member named key. Like a Python dict built by
// json.loads, the last of repeated keys wins.
func (v PyValue) Get(key string) (PyValue, bool) {
	for i := len(v.Fields) - 1; i >= 0; i-- {
		if v.Fields[i].Key == key {
			return v.Fields[i].Value, true
		}
	}
	return PyValue{}, false
}

// Has reports whether the object has a member named key.
func (v PyValue) Has(key string) bool {
	_, ok := v.Get(key)
	return ok
}

// Str returns the member's string value, or "" when it is absent or not a
// string.
func (v PyValue) Str(key string) string {
	if f, ok := v.Get(key); ok && f.Kind == PyString {
		return f.Text
	}
	return ""
}

// IsNull reports whether the value is null.
func (v PyValue) IsNull() bool { return v.Kind == PyNull }

// Truthy reports whether Python would take the value as true in an if:
// null, false, zero, and empty strings, arrays and objects are false.
func (v PyValue) Truthy() bool {
	switch v.Kind {
	case PyBool:
		return v.Bool
	case PyNumber:
		f, err := strconv.ParseFloat(v.Text, 64)
		return err != nil || f != 0 // NaN and out-of-range numbers are true
	case PyString:
		return v.Text != ""
	case PyArray:
		return len(v.Items) > 0
	case PyObject:
		return len(v.Fields) > 0
	}
	return false
}

// String returns the value as Python's json.dumps writes it.
func (v PyValue) String() string { return string(v.AppendPython(nil)) }

// pyMaxDepth bounds nesting, as Python's recursion limit does, so that a
// hostile body cannot exhaust the stack.
const pyMaxDepth = 1000

// ErrPyJSONDepth is returned for JSON nested deeper than the parser allows.
var ErrPyJSONDepth = errors.New("JSON nested too deeply")

// ParsePyJSON parses one JSON document the way Python's json.loads does:
// it also accepts NaN, Infinity and -Infinity, rejects raw control
// characters in strings, and keeps lone surrogate escapes. Surrounding
// whitespace is allowed; anything else after the value is an error, and so
// is invalid UTF-8, which Python fails to decode before it parses.
func ParsePyJSON(data []byte) (PyValue, error) {
	if !utf8.Valid(data) {
		return PyValue{}, errors.New("JSON is not valid UTF-8")
	}
	return parsePyJSON(data)
}

// parsePyJSON parses text that may hold WTF-8 (an inner message decoded
// from a string with lone surrogates in it).
func parsePyJSON(data []byte) (PyValue, error) {
	p := pyParser{data: data}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return PyValue{}, err
	}
	p.space()
	if p.pos != len(p.data) {
		return PyValue{}, p.errorf("extra data")
	}
	return v, nil
}

type pyParser struct {
	data []byte
	pos  int
}

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("JSON at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *pyParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *pyParser) literal(word string) bool {
	if len(p.data)-p.pos >= len(word) && string(p.data[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *pyParser) value(depth int) (PyValue, error) {
	if p.pos >= len(p.data) {
		return PyValue{}, p.errorf("expecting value")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return PyValue{Kind: PyString, Text: s}, err
	case p.literal("null"):
		return PyValue{}, nil
	case p.literal("true"):
		return PyBoolean(true), nil
	case p.literal("false"):
		return PyBoolean(false), nil
	case p.literal("NaN"):
		return PyValue{Kind: PyNumber, Text: "NaN"}, nil
	case p.literal("Infinity"):
		return PyValue{Kind: PyNumber, Text: "Infinity"}, nil
	case p.literal("-Infinity"):
		return PyValue{Kind: PyNumber, Text: "-Infinity"}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return PyValue{}, p.errorf("expecting value")
}

func (p *pyParser) object(depth int) (PyValue, error) {
	if depth > pyMaxDepth {
		return PyValue{}, ErrPyJSONDepth
	}
	p.pos++ // {
	v := PyValue{Kind: PyObject, Fields: []PyField{}}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return PyValue{}, p.errorf("expecting property name enclosed in double quotes")
		}
		key, err := p.str()
		if err != nil {
			return PyValue{}, err
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return PyValue{}, p.errorf("expecting ':' delimiter")
		}
		p.pos++
		p.space()
		val, err := p.value(depth)
		if err != nil {
			return PyValue{}, err
		}
		v.Fields = append(v.Fields, PyField{Key: key, Value: val})
		if more, err := p.more('}'); !more {
			return v, err
		}
	}
}

func (p *pyParser) array(depth int) (PyValue, error) {
	if depth > pyMaxDepth {
		return PyValue{}, ErrPyJSONDepth
	}
	p.pos++ // [
	v := PyValue{Kind: PyArray, Items: []PyValue{}}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		item, err := p.value(depth)
		if err != nil {
			return PyValue{}, err
		}
		v.Items = append(v.Items, item)
		if more, err := p.more(']'); !more {
			return v, err
		}
	}
}

// more reads what follows a member or an element: true after a comma,
// false at the closing bracket, and an error otherwise.
func (p *pyParser) more(closing byte) (bool, error) {
	p.space()
	if p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.space()
			return true, nil
		case closing:
			p.pos++
			return false, nil
		}
	}
	return false, p.errorf("expecting ',' delimiter")
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, the grammar of
// Python's scanner, and keeps its text.
func (p *pyParser) number() (PyValue, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case digits() == 0:
		return PyValue{}, p.errorf("expecting value")
	}
	if p.pos+1 < len(p.data) && p.data[p.pos] == '.' && isDigit(p.data[p.pos+1]) {
		p.pos++
		digits()
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		save := p.pos
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.pos = save // Python leaves "1e" as 1 followed by extra data
		}
	}
	return PyValue{Kind: PyNumber, Text: string(p.data[start:p.pos])}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// str reads a string; p.pos is at its opening quote.
func (p *pyParser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("invalid control character")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++ // backslash
		if p.pos >= len(p.data) {
			break
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("invalid \\uXXXX escape")
			}
			if r >= 0xd800 && r < 0xdc00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
				save := p.pos
				p.pos += 2
				if lo, ok := p.hex4(); ok && lo >= 0xdc00 && lo < 0xe000 {
					buf = utf8.AppendRune(buf, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
					continue
				}
				p.pos = save
			}
			buf = appendWTF8(buf, r)
		default:
			return "", p.errorf("invalid \\escape")
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *pyParser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, true
}

// appendWTF8 appends r as UTF-8, encoding a lone surrogate the same way
// (three bytes, ED A0..BF xx), which Go's UTF-8 functions refuse.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xd800 && r < 0xe000 {
		return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return utf8.AppendRune(b, r)
}
