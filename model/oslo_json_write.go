package model

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AppendPython appends the value as Python's json.dumps writes it with its
// defaults, which oslo.messaging and kombu use: ", " and ": " separators,
// ensure_ascii (every other character as a \uXXXX escape, a surrogate pair
// beyond the BMP), object members in order, numbers as their text.
func (v PyValue) AppendPython(b []byte) []byte {
	switch v.Kind {
	case PyBool:
		if v.Bool {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case PyNumber:
		if v.Text == "" {
			return append(b, '0')
		}
		return append(b, v.Text...)
	case PyString:
		return AppendPyString(b, v.Text)
	case PyArray:
		b = append(b, '[')
		for i, e := range v.Items {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = e.AppendPython(b)
		}
		return append(b, ']')
	case PyObject:
		b = append(b, '{')
		for i, f := range v.Fields {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = AppendPyString(b, f.Key)
			b = append(b, ": "...)
			b = f.Value.AppendPython(b)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

const pyHex = "0123456789abcdef"

// AppendPyString appends s as a JSON string the way Python writes it with
// ensure_ascii. Lone surrogates held as WTF-8 come out as \udXXX; other
// invalid UTF-8 (which a Python string cannot hold) comes out as \ufffd.
func AppendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c <= 0x7e {
			if c == '"' || c == '\\' {
				b = append(b, '\\')
			}
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default: // other control characters and DEL
				b = appendPyEscape(b, rune(c))
			}
			i++
			continue
		}
		if r, ok := wtf8Surrogate(s[i:]); ok {
			b = appendPyEscape(b, r)
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xffff {
			r -= 0x10000
			b = appendPyEscape(b, 0xd800+r>>10)
			b = appendPyEscape(b, 0xdc00+r&0x3ff)
		} else {
			b = appendPyEscape(b, r) // U+FFFD for invalid bytes
		}
		i += size
	}
	return append(b, '"')
}

func appendPyEscape(b []byte, r rune) []byte {
	return append(b, '\\', 'u', pyHex[r>>12&0xf], pyHex[r>>8&0xf], pyHex[r>>4&0xf], pyHex[r&0xf])
}

// wtf8Surrogate decodes a surrogate encoded as three UTF-8-like bytes.
func wtf8Surrogate(s string) (rune, bool) {
	if len(s) < 3 || s[0] != 0xed || s[1] < 0xa0 || s[1] > 0xbf || s[2] < 0x80 || s[2] > 0xbf {
		return 0, false
	}
	return 0xd000 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f), true
}

// PyFloatRepr formats f as Python's repr (and so json.dumps) does: the
// shortest digits that read back to f, positional for exponents from -5 to
// 16 with at least one digit after the point ("1.0", "0.0001",
// "1e+16", "1e-05"), and NaN, Infinity, -Infinity for the special values.
func PyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±dd
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, exp, _ := strings.Cut(s, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	decpt := e + 1 // the value is 0.<digits> × 10^decpt
	switch {
	case decpt <= -4 || decpt > 16:
		es := strconv.Itoa(pyAbs(e))
		if len(es) < 2 {
			es = "0" + es
		}
		esign := "+"
		if e < 0 {
			esign = "-"
		}
		return sign + mant + "e" + esign + es
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

func pyAbs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// PyFrom converts a Go value to a PyValue as Python would hold it after
// json.loads: nil, bool, string, the integer types, *big.Int, float32 and
// float64, json.Number (an integer if it has no fraction or exponent, else
// a float), []any, []string, map[string]any and map[string]string (whose
// keys are sorted, since Go maps have no order: parse with ParsePyJSON
// to keep the order of a user's JSON), []PyField (an object) and PyValue.
func PyFrom(x any) (PyValue, error) {
	switch x := x.(type) {
	case nil:
		return PyNone(), nil
	case PyValue:
		return x, nil
	case []PyField:
		return PyDict(x...), nil
	case bool:
		return PyBoolean(x), nil
	case string:
		return PyStr(x), nil
	case int:
		return PyInt(int64(x)), nil
	case int8, int16, int32, int64:
		return PyValue{Kind: PyNumber, Text: fmt.Sprint(x)}, nil
	case uint, uint8, uint16, uint32, uint64, uintptr:
		return PyValue{Kind: PyNumber, Text: fmt.Sprint(x)}, nil
	case *big.Int:
		if x == nil {
			return PyNone(), nil
		}
		return PyValue{Kind: PyNumber, Text: x.String()}, nil
	case float32:
		return PyFloat(float64(x)), nil
	case float64:
		return PyFloat(x), nil
	case json.Number:
		return pyNumber(string(x))
	case []string:
		items := make([]PyValue, len(x))
		for i, s := range x {
			items[i] = PyStr(s)
		}
		return PyList(items...), nil
	case []any:
		items := make([]PyValue, len(x))
		for i, e := range x {
			v, err := PyFrom(e)
			if err != nil {
				return PyValue{}, fmt.Errorf("[%d]: %w", i, err)
			}
			items[i] = v
		}
		return PyList(items...), nil
	case map[string]string:
		fields := make([]PyField, 0, len(x))
		for k, s := range x {
			fields = append(fields, PyField{Key: k, Value: PyStr(s)})
		}
		sort.Slice(fields, func(i, j int) bool { return fields[i].Key < fields[j].Key })
		return PyDict(fields...), nil
	case map[string]any:
		fields := make([]PyField, 0, len(x))
		for k, e := range x {
			v, err := PyFrom(e)
			if err != nil {
				return PyValue{}, fmt.Errorf("%q: %w", k, err)
			}
			fields = append(fields, PyField{Key: k, Value: v})
		}
		sort.Slice(fields, func(i, j int) bool { return fields[i].Key < fields[j].Key })
		return PyDict(fields...), nil
	}
	return PyValue{}, fmt.Errorf("cannot send a %T as JSON", x)
}

// pyNumber reads a JSON number as json.loads would: integers of any size,
// everything else a float (which overflows to infinity).
func pyNumber(s string) (PyValue, error) {
	if !strings.ContainsAny(s, ".eE") {
		var n big.Int
		if _, ok := n.SetString(s, 10); !ok {
			return PyValue{}, fmt.Errorf("bad number %q", s)
		}
		return PyValue{Kind: PyNumber, Text: n.String()}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return PyValue{}, fmt.Errorf("bad number %q", s)
	}
	return PyFloat(f), nil
}
