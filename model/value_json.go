package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ValueFromJSON converts a decoded JSON value to an AMQP value the way
// RabbitMQ's management API does: integral numbers become long (signed
// 64-bit), other numbers double, strings longstr, true/false bool, null void,
// objects tables and arrays arrays. Numbers must come as json.Number (decode
// with UseNumber) for integers to keep their type; float64 is taken too.
func ValueFromJSON(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Void(), nil
	case bool:
		return Bool(x), nil
	case string:
		return String(x), nil
	case json.Number:
		return numberValue(string(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return Long(int64(x)), nil
		}
		return Double(x), nil
	case int:
		return Long(int64(x)), nil
	case int64:
		return Long(x), nil
	case map[string]any:
		t, err := TableFromJSON(x)
		return Value{Type: TypeTable, Table: t}, err
	case []any:
		arr := make([]Value, len(x))
		for i, e := range x {
			v, err := ValueFromJSON(e)
			if err != nil {
				return Value{}, fmt.Errorf("[%d]: %w", i, err)
			}
			arr[i] = v
		}
		return Value{Type: TypeArray, Array: arr}, nil
	}
	return Value{}, fmt.Errorf("unsupported JSON value %T", x)
}

func numberValue(s string) (Value, error) {
	if !strings.ContainsAny(s, ".eE") {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("integer %s does not fit in a signed 64-bit long", s)
		}
		return Long(i), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Value{}, fmt.Errorf("bad number %s", s)
	}
	return Double(f), nil
}

// TableFromJSON converts a decoded JSON object to a table (see ValueFromJSON).
func TableFromJSON(obj map[string]any) (Table, error) {
	if obj == nil {
		return nil, nil
	}
	t := make(Table, len(obj))
	for k, e := range obj {
		v, err := ValueFromJSON(e)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
		t[k] = v
	}
	return t, nil
}

// ParseTableJSON parses a JSON object into a table, keeping integral numbers
// as long values.
func ParseTableJSON(data []byte) (Table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return TableFromJSON(obj)
}

// MarshalJSON writes the value as RabbitMQ's management API shows it. A
// double that is integral keeps a ".0" so that it reads back as a double.
func (v Value) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	v.appendJSON(&b)
	return b.Bytes(), nil
}

func (v Value) appendJSON(b *bytes.Buffer) {
	switch v.Type {
	case TypeVoid:
		b.WriteString("null")
	case TypeBool:
		b.WriteString(strconv.FormatBool(v.Int != 0))
	case TypeFloat, TypeDouble:
		if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
			b.WriteString("null")
			return
		}
		s := strconv.FormatFloat(v.Float, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		b.WriteString(s)
	case TypeDecimal:
		f := float64(v.Dec.Value) / math.Pow10(int(v.Dec.Scale))
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case TypeLongstr, TypeBinary:
		q, _ := json.Marshal(v.Str)
		b.Write(q)
	case TypeTable:
		v.Table.appendJSON(b)
	case TypeArray:
		b.WriteByte('[')
		for i, e := range v.Array {
			if i > 0 {
				b.WriteByte(',')
			}
			e.appendJSON(b)
		}
		b.WriteByte(']')
	default:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	}
}

// UnmarshalJSON reads a value as ValueFromJSON converts it.
func (v *Value) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return err
	}
	w, err := ValueFromJSON(x)
	if err != nil {
		return err
	}
	*v = w
	return nil
}

// MarshalJSON writes the table as a JSON object with sorted keys.
func (t Table) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	t.appendJSON(&b)
	return b.Bytes(), nil
}

func (t Table) appendJSON(b *bytes.Buffer) {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		q, _ := json.Marshal(k)
		b.Write(q)
		b.WriteByte(':')
		t[k].appendJSON(b)
	}
	b.WriteByte('}')
}

// UnmarshalJSON reads a JSON object (or null) as a table.
func (t *Table) UnmarshalJSON(data []byte) error {
	switch string(bytes.TrimSpace(data)) {
	case "null":
		*t = nil
		return nil
	case "[]": // RabbitMQ writes an empty table as an empty list in places
		*t = Table{}
		return nil
	}
	tab, err := ParseTableJSON(data)
	if err != nil {
		return err
	}
	if tab == nil {
		tab = Table{}
	}
	*t = tab
	return nil
}
