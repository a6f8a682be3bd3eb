package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/kaiten-bus/kaiten/model"
)

// maxNesting is how deep tables and arrays may nest, so that neither a
// hostile peer nor a table that holds itself can exhaust the stack.
// (amqp091-go allows 32; RabbitMQ has no limit.)
const maxNesting = 64

// TypeLetter returns the octet that marks a field value's type on the wire,
// as RabbitMQ writes it, and false for a type it does not know.
func TypeLetter(t model.FieldType) (byte, bool) {
	if int(t) < len(typeLetters) {
		return typeLetters[t], true
	}
	return 0, false
}

var typeLetters = [...]byte{
	model.TypeVoid:          'V',
	model.TypeBool:          't',
	model.TypeByte:          'b',
	model.TypeUnsignedByte:  'B',
	model.TypeShort:         's',
	model.TypeUnsignedShort: 'u',
	model.TypeSignedInt:     'I',
	model.TypeUnsignedInt:   'i',
	model.TypeLong:          'l',
	model.TypeFloat:         'f',
	model.TypeDouble:        'd',
	model.TypeDecimal:       'D',
	model.TypeLongstr:       'S',
	model.TypeBinary:        'x',
	model.TypeTimestamp:     'T',
	model.TypeTable:         'F',
	model.TypeArray:         'A',
}

// FieldTypeOf returns the type a type letter stands for. Like RabbitMQ it
// reads 'L' as a signed 64-bit long, the same as 'l'.
func FieldTypeOf(letter byte) (model.FieldType, bool) {
	if letter == 'L' {
		return model.TypeLong, true
	}
	i := slices.Index(typeLetters[:], letter)
	if i < 0 || letter == 0 {
		return 0, false
	}
	return model.FieldType(i), true
}

// AppendTable appends t as a field table: a 32-bit length, then each entry
// as a shortstr key, a type letter and a value. Keys go in sorted order, so
// equal tables encode alike.
func AppendTable(dst []byte, t model.Table) ([]byte, error) {
	return appendTable(dst, t, 0)
}

// ReadTable reads a field table from the head of src and returns it with the
// rest of src. An empty table reads as nil. Strings are copies. Errors are
// *Error, as for DecodeMethod; so for ReadArray and ReadValue.
func ReadTable(src []byte) (model.Table, []byte, error) {
	d := decoder{b: src}
	t := d.table("table")
	return t, d.b, d.error()
}

// AppendArray appends a as a field array: a 32-bit length, then each value
// as a type letter and the value.
func AppendArray(dst []byte, a []model.Value) ([]byte, error) {
	return appendArray(dst, a, 0)
}

// ReadArray reads a field array from the head of src and returns it with the
// rest of src. An empty array reads as nil.
func ReadArray(src []byte) ([]model.Value, []byte, error) {
	d := decoder{b: src}
	b := d.sized("array", "array")
	if d.err != nil {
		return nil, nil, d.err
	}
	a, err := parseArray(b, 0)
	if err != nil {
		return nil, nil, err
	}
	return a, d.b, nil
}

// AppendValue appends v as its type letter and the value. An integer out of
// its type's range, or an unknown type, is an error.
func AppendValue(dst []byte, v model.Value) ([]byte, error) {
	return appendValue(dst, v, 0)
}

// ReadValue reads one type letter and value from the head of src and
// returns it with the rest of src.
func ReadValue(src []byte) (model.Value, []byte, error) {
	v, rest, err := parseValue(src, 0)
	if err != nil {
		return model.Value{}, nil, err
	}
	return v, rest, nil
}

func appendTable(dst []byte, t model.Table, depth int) ([]byte, error) {
	if depth > maxNesting {
		return dst, fmt.Errorf("tables and arrays nested deeper than %d", maxNesting)
	}
	var stack [16]string
	keys := stack[:0]
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	at := len(dst)
	b := append(dst, 0, 0, 0, 0)
	for _, k := range keys {
		var err error
		if b, err = AppendShortstr(b, k); err != nil {
			return dst, fmt.Errorf("key %.40q: %w", k, err)
		}
		if b, err = appendValue(b, t[k], depth); err != nil {
			return dst, fmt.Errorf("%q: %w", k, err)
		}
	}
	return patchLength(dst, b, at)
}

func appendArray(dst []byte, a []model.Value, depth int) ([]byte, error) {
	if depth > maxNesting {
		return dst, fmt.Errorf("tables and arrays nested deeper than %d", maxNesting)
	}
	at := len(dst)
	b := append(dst, 0, 0, 0, 0)
	for i, v := range a {
		var err error
		if b, err = appendValue(b, v, depth); err != nil {
			return dst, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return patchLength(dst, b, at)
}

// patchLength writes the length of what follows b[at:at+4] into it.
func patchLength(dst, b []byte, at int) ([]byte, error) {
	n := len(b) - at - 4
	if uint64(n) > math.MaxUint32 {
		return dst, fmt.Errorf("%d octets, over 2^32-1", n)
	}
	binary.BigEndian.PutUint32(b[at:], uint32(n))
	return b, nil
}

// intRanges are the values each integer type can hold.
var intRanges = [...]struct{ lo, hi int64 }{
	model.TypeByte:          {math.MinInt8, math.MaxInt8},
	model.TypeUnsignedByte:  {0, math.MaxUint8},
	model.TypeShort:         {math.MinInt16, math.MaxInt16},
	model.TypeUnsignedShort: {0, math.MaxUint16},
	model.TypeSignedInt:     {math.MinInt32, math.MaxInt32},
	model.TypeUnsignedInt:   {0, math.MaxUint32},
}

func appendValue(b []byte, v model.Value, depth int) ([]byte, error) {
	letter, ok := TypeLetter(v.Type)
	if !ok {
		return b, fmt.Errorf("unknown field type %d", v.Type)
	}
	if v.Type >= model.TypeByte && v.Type <= model.TypeUnsignedInt {
		if r := intRanges[v.Type]; v.Int < r.lo || v.Int > r.hi {
			return b, fmt.Errorf("%d does not fit in a %s", v.Int, v.Type)
		}
	}
	b = append(b, letter)
	switch v.Type {
	case model.TypeVoid:
		return b, nil
	case model.TypeBool:
		if v.Int != 0 {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case model.TypeByte, model.TypeUnsignedByte:
		return append(b, byte(v.Int)), nil
	case model.TypeShort, model.TypeUnsignedShort:
		return binary.BigEndian.AppendUint16(b, uint16(v.Int)), nil
	case model.TypeSignedInt, model.TypeUnsignedInt:
		return binary.BigEndian.AppendUint32(b, uint32(v.Int)), nil
	case model.TypeLong, model.TypeTimestamp:
		return binary.BigEndian.AppendUint64(b, uint64(v.Int)), nil
	case model.TypeFloat:
		return binary.BigEndian.AppendUint32(b, math.Float32bits(float32(v.Float))), nil
	case model.TypeDouble:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v.Float)), nil
	case model.TypeDecimal:
		return binary.BigEndian.AppendUint32(append(b, v.Dec.Scale), uint32(v.Dec.Value)), nil
	case model.TypeLongstr, model.TypeBinary:
		return AppendLongstr(b, v.Str)
	case model.TypeTable:
		return appendTable(b, v.Table, depth+1)
	default: // model.TypeArray
		return appendArray(b, v.Array, depth+1)
	}
}

// parseTable parses a table's entries, without the length in front.
func parseTable(b []byte, depth int) (model.Table, *Error) {
	if depth > maxNesting { // checked first, to agree with appendValue
		return nil, &Error{Code: SyntaxError, Text: fmt.Sprintf("tables and arrays nested deeper than %d", maxNesting)}
	}
	if len(b) == 0 {
		return nil, nil
	}
	t := make(model.Table)
	for len(b) > 0 {
		n := int(b[0])
		if 1+n > len(b) {
			return nil, frameError(fmt.Sprintf("table key of %d octets, %d left", n, len(b)-1))
		}
		key := string(b[1 : 1+n])
		v, rest, err := parseValue(b[1+n:], depth)
		if err != nil {
			err.Text = fmt.Sprintf("%.40q: %s", key, err.Text)
			return nil, err
		}
		t[key] = v
		b = rest
	}
	return t, nil
}

// parseArray parses an array's values, without the length in front.
func parseArray(b []byte, depth int) ([]model.Value, *Error) {
	if depth > maxNesting { // checked first, to agree with appendValue
		return nil, &Error{Code: SyntaxError, Text: fmt.Sprintf("tables and arrays nested deeper than %d", maxNesting)}
	}
	if len(b) == 0 {
		return nil, nil
	}
	var a []model.Value
	for len(b) > 0 {
		v, rest, err := parseValue(b, depth)
		if err != nil {
			err.Text = fmt.Sprintf("[%d]: %s", len(a), err.Text)
			return nil, err
		}
		a = append(a, v)
		b = rest
	}
	return a, nil
}

// valueSizes are the octets each fixed-size type takes after its letter.
var valueSizes = [...]int{
	model.TypeBool: 1, model.TypeByte: 1, model.TypeUnsignedByte: 1,
	model.TypeShort: 2, model.TypeUnsignedShort: 2,
	model.TypeSignedInt: 4, model.TypeUnsignedInt: 4, model.TypeFloat: 4,
	model.TypeLong: 8, model.TypeDouble: 8, model.TypeTimestamp: 8,
	model.TypeDecimal: 5,
	model.TypeLongstr: 4, model.TypeBinary: 4, model.TypeTable: 4, model.TypeArray: 4,
}

// parseValue parses one type letter and value from the head of b.
func parseValue(b []byte, depth int) (model.Value, []byte, *Error) {
	if len(b) == 0 {
		return model.Value{}, nil, frameError("field value missing its type letter")
	}
	typ, ok := FieldTypeOf(b[0])
	if !ok {
		return model.Value{}, nil, &Error{Code: SyntaxError, Text: fmt.Sprintf("unknown field type %q", b[0])}
	}
	b = b[1:]
	n := valueSizes[typ]
	if n > len(b) {
		return model.Value{}, nil, frameError(fmt.Sprintf("%s needs %d octets, %d left", typ, n, len(b)))
	}
	v := model.Value{Type: typ}
	switch typ {
	case model.TypeBool:
		if b[0] != 0 {
			v.Int = 1
		}
	case model.TypeByte:
		v.Int = int64(int8(b[0]))
	case model.TypeUnsignedByte:
		v.Int = int64(b[0])
	case model.TypeShort:
		v.Int = int64(int16(binary.BigEndian.Uint16(b)))
	case model.TypeUnsignedShort:
		v.Int = int64(binary.BigEndian.Uint16(b))
	case model.TypeSignedInt:
		v.Int = int64(int32(binary.BigEndian.Uint32(b)))
	case model.TypeUnsignedInt:
		v.Int = int64(binary.BigEndian.Uint32(b))
	case model.TypeLong, model.TypeTimestamp:
		v.Int = int64(binary.BigEndian.Uint64(b))
	case model.TypeFloat:
		v.Float = float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	case model.TypeDouble:
		v.Float = math.Float64frombits(binary.BigEndian.Uint64(b))
	case model.TypeDecimal:
		v.Dec = model.Decimal{Scale: b[0], Value: int32(binary.BigEndian.Uint32(b[1:]))}
	case model.TypeLongstr, model.TypeBinary, model.TypeTable, model.TypeArray:
		size := binary.BigEndian.Uint32(b)
		if uint64(size) > uint64(len(b)-4) {
			return model.Value{}, nil, frameError(fmt.Sprintf("%s of %d octets, %d left", typ, size, len(b)-4))
		}
		body := b[4 : 4+int(size)]
		var err *Error
		switch typ {
		case model.TypeTable:
			v.Table, err = parseTable(body, depth+1)
		case model.TypeArray:
			v.Array, err = parseArray(body, depth+1)
		default:
			v.Str = string(body)
		}
		if err != nil {
			return model.Value{}, nil, err
		}
		n += int(size)
	}
	return v, b[n:], nil
}
