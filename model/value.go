package model

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// FieldType is the type of an AMQP 0-9-1 field-table value, as RabbitMQ
// names them. It matters for headers-exchange matching: RabbitMQ compares
// values by type class (all integers alike, longstr alike byte arrays, …).
type FieldType uint8

// The field types of RabbitMQ's AMQP 0-9-1 tables.
const (
	TypeVoid FieldType = iota
	TypeBool
	TypeByte          // signed 8-bit ('b')
	TypeUnsignedByte  // 'B'
	TypeShort         // signed 16-bit ('s')
	TypeUnsignedShort // 'u'
	TypeSignedInt     // signed 32-bit ('I')
	TypeUnsignedInt   // 'i'
	TypeLong          // signed 64-bit ('l')
	TypeFloat         // 32-bit ('f')
	TypeDouble        // 64-bit ('d')
	TypeDecimal       // 'D'
	TypeLongstr       // 'S'
	TypeBinary        // byte array ('x')
	TypeTimestamp     // seconds since the epoch ('T')
	TypeTable         // 'F'
	TypeArray         // 'A'
)

var fieldTypeNames = [...]string{
	TypeVoid:          "void",
	TypeBool:          "bool",
	TypeByte:          "byte",
	TypeUnsignedByte:  "unsignedbyte",
	TypeShort:         "short",
	TypeUnsignedShort: "unsignedshort",
	TypeSignedInt:     "signedint",
	TypeUnsignedInt:   "unsignedint",
	TypeLong:          "long",
	TypeFloat:         "float",
	TypeDouble:        "double",
	TypeDecimal:       "decimal",
	TypeLongstr:       "longstr",
	TypeBinary:        "binary",
	TypeTimestamp:     "timestamp",
	TypeTable:         "table",
	TypeArray:         "array",
}

// String returns RabbitMQ's name for the type ("longstr", "long", …).
func (t FieldType) String() string {
	if int(t) < len(fieldTypeNames) {
		return fieldTypeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// ParseFieldType returns the type named by RabbitMQ's name for it.
func ParseFieldType(name string) (FieldType, bool) {
	for i, n := range fieldTypeNames {
		if n == name {
			return FieldType(i), true
		}
	}
	return 0, false
}

// isInteger reports whether the type decodes to an Erlang integer.
func (t FieldType) isInteger() bool {
	switch t {
	case TypeByte, TypeUnsignedByte, TypeShort, TypeUnsignedShort,
		TypeSignedInt, TypeUnsignedInt, TypeLong:
		return true
	}
	return false
}

// Decimal is an AMQP decimal: Value × 10^-Scale.
type Decimal struct {
	Scale uint8
	Value int32
}

// Value is one AMQP field value. Only the fields its Type uses are set:
// Int for bool (0 or 1), the integer types and timestamps; Float for float
// and double; Str for longstr and binary; Dec, Table and Array for theirs.
type Value struct {
	Type  FieldType
	Int   int64
	Float float64
	Str   string
	Dec   Decimal
	Table Table
	Array []Value
}

// Table is an AMQP field table. Keys are unique; order does not matter.
type Table map[string]Value

// Constructors for the common value types.

// String returns a longstr value.
func String(s string) Value { return Value{Type: TypeLongstr, Str: s} }

// Long returns a signed 64-bit integer value.
func Long(i int64) Value { return Value{Type: TypeLong, Int: i} }

// Double returns a 64-bit float value.
func Double(f float64) Value { return Value{Type: TypeDouble, Float: f} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	v := Value{Type: TypeBool}
	if b {
		v.Int = 1
	}
	return v
}

// Void returns the no-value value.
func Void() Value { return Value{Type: TypeVoid} }

// Equal reports whether two values are the same to the type and the bit.
func (v Value) Equal(w Value) bool {
	if v.Type != w.Type {
		return false
	}
	switch v.Type {
	case TypeFloat, TypeDouble:
		return v.Float == w.Float || (math.IsNaN(v.Float) && math.IsNaN(w.Float))
	case TypeLongstr, TypeBinary:
		return v.Str == w.Str
	case TypeDecimal:
		return v.Dec == w.Dec
	case TypeTable:
		return tablesEqual(v.Table, w.Table, Value.Equal)
	case TypeArray:
		return arraysEqual(v.Array, w.Array, Value.Equal)
	case TypeVoid:
		return true
	default:
		return v.Int == w.Int
	}
}

func tablesEqual(a, b Table, eq func(Value, Value) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !eq(av, bv) {
			return false
		}
	}
	return true
}

func arraysEqual(a, b []Value, eq func(Value, Value) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !eq(a[i], b[i]) {
			return false
		}
	}
	return true
}

// String renders the value for people: `long 1`, `longstr "abc"`.
func (v Value) String() string {
	return v.Type.String() + " " + v.Literal()
}

// Literal renders the value alone, as JSON would show it where it can.
func (v Value) Literal() string {
	switch v.Type {
	case TypeVoid:
		return "null"
	case TypeBool:
		return strconv.FormatBool(v.Int != 0)
	case TypeFloat, TypeDouble:
		bits := 64
		if v.Type == TypeFloat {
			bits = 32
		}
		s := strconv.FormatFloat(v.Float, 'g', -1, bits)
		if !strings.ContainsAny(s, ".eEnN") { // show 1.0, not 1, so it reads as a float
			s += ".0"
		}
		return s
	case TypeDecimal:
		return fmt.Sprintf("%d×10^-%d", v.Dec.Value, v.Dec.Scale)
	case TypeLongstr, TypeBinary:
		return strconv.Quote(v.Str)
	case TypeTable:
		keys := v.Table.Keys()
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + ": " + v.Table[k].Literal()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case TypeArray:
		parts := make([]string, len(v.Array))
		for i, e := range v.Array {
			parts[i] = e.Literal()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return strconv.FormatInt(v.Int, 10)
	}
}

// Keys returns the table's keys, sorted.
func (t Table) Keys() []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// StringValue returns the table's value for key when it is a longstr.
func (t Table) StringValue(key string) (string, bool) {
	v, ok := t[key]
	if !ok || v.Type != TypeLongstr {
		return "", false
	}
	return v.Str, true
}
