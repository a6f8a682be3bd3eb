package wire

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/model"
)

var tableType = reflect.TypeFor[model.Table]()

// same reports whether two decoded things are equal, comparing tables with
// model.Value.Equal (exact types, NaN equal to NaN) and the rest deeply.
func same(a, b any) bool {
	return sameValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

func sameValue(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == tableType {
		ta, _ := reflect.TypeAssert[model.Table](a)
		tb, _ := reflect.TypeAssert[model.Table](b)
		return tableValue(ta).Equal(tableValue(tb))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func tableValue(t model.Table) model.Value { return model.Value{Type: model.TypeTable, Table: t} }

// gen makes random values for round-trip tests.
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) gen { return gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// str returns valid UTF-8 of at most max octets, often empty or short.
func (g gen) str(max int) string {
	n := 0
	switch g.r.IntN(4) {
	case 0:
	case 1:
		n = g.r.IntN(8)
	default:
		n = g.r.IntN(max + 1)
	}
	var sb strings.Builder
	for sb.Len() < n {
		var r rune
		switch g.r.IntN(3) {
		case 0:
			r = rune(g.r.IntN(0x80))
		case 1:
			r = rune(0x80 + g.r.IntN(0x800))
		default:
			r = rune(0x10000 + g.r.IntN(0x1000))
		}
		if sb.Len()+utf8.RuneLen(r) > n {
			break
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func (g gen) table(depth int) model.Table {
	n := g.r.IntN(6)
	if n == 0 {
		return nil // an empty table decodes as nil
	}
	t := make(model.Table, n)
	for range n {
		t[g.str(20)] = g.value(depth)
	}
	return t
}

func (g gen) array(depth int) []model.Value {
	n := g.r.IntN(5)
	if n == 0 {
		return nil
	}
	a := make([]model.Value, n)
	for i := range a {
		a[i] = g.value(depth)
	}
	return a
}

// value returns a value of a random type, in its type's range.
func (g gen) value(depth int) model.Value {
	top := int(model.TypeArray) + 1
	if depth >= 3 {
		top = int(model.TypeTable) // no more nesting
	}
	v := model.Value{Type: model.FieldType(g.r.IntN(top))}
	switch v.Type {
	case model.TypeBool:
		v.Int = int64(g.r.IntN(2))
	case model.TypeByte:
		v.Int = int64(int8(g.r.Uint32()))
	case model.TypeUnsignedByte:
		v.Int = int64(uint8(g.r.Uint32()))
	case model.TypeShort:
		v.Int = int64(int16(g.r.Uint32()))
	case model.TypeUnsignedShort:
		v.Int = int64(uint16(g.r.Uint32()))
	case model.TypeSignedInt:
		v.Int = int64(int32(g.r.Uint32()))
	case model.TypeUnsignedInt:
		v.Int = int64(g.r.Uint32())
	case model.TypeLong, model.TypeTimestamp:
		v.Int = int64(g.r.Uint64())
	case model.TypeFloat:
		v.Float = float64(g.float32())
	case model.TypeDouble:
		v.Float = g.float64()
	case model.TypeDecimal:
		v.Dec = model.Decimal{Scale: uint8(g.r.Uint32()), Value: int32(g.r.Uint32())}
	case model.TypeLongstr:
		v.Str = g.str(300)
	case model.TypeBinary:
		b := make([]byte, g.r.IntN(40))
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		v.Str = string(b)
	case model.TypeTable:
		v.Table = g.table(depth + 1)
	case model.TypeArray:
		v.Array = g.array(depth + 1)
	}
	return v
}

func (g gen) float32() float32 {
	switch g.r.IntN(6) {
	case 0:
		return float32(math.NaN())
	case 1:
		return float32(math.Inf(1 - 2*g.r.IntN(2)))
	default:
		return math.Float32frombits(g.r.Uint32())
	}
}

func (g gen) float64() float64 {
	switch g.r.IntN(6) {
	case 0:
		return math.NaN()
	case 1:
		return math.Copysign(0, -1)
	default:
		return math.Float64frombits(g.r.Uint64())
	}
}

// properties returns random properties: a random set present, and only
// those with values, as decoding leaves the others zero.
func (g gen) properties() model.Properties {
	p := model.Properties{Has: model.PropertySet(g.r.Uint32()) & propertyBits}
	s := func(flag model.PropertySet, dst *string) {
		if p.Has&flag != 0 {
			*dst = g.str(255)
		}
	}
	s(model.HasContentType, &p.ContentType)
	s(model.HasContentEncoding, &p.ContentEncoding)
	if p.Has&model.HasHeaders != 0 {
		p.Headers = g.table(0)
	}
	if p.Has&model.HasDeliveryMode != 0 {
		p.DeliveryMode = uint8(g.r.Uint32())
	}
	if p.Has&model.HasPriority != 0 {
		p.Priority = uint8(g.r.Uint32())
	}
	s(model.HasCorrelationID, &p.CorrelationID)
	s(model.HasReplyTo, &p.ReplyTo)
	s(model.HasExpiration, &p.Expiration)
	s(model.HasMessageID, &p.MessageID)
	if p.Has&model.HasTimestamp != 0 {
		p.Timestamp = int64(g.r.Uint64())
	}
	s(model.HasType, &p.Type)
	s(model.HasUserID, &p.UserID)
	s(model.HasAppID, &p.AppID)
	s(model.HasClusterID, &p.ClusterID)
	return p
}

// fill sets every field of the struct v points to at random.
func (g gen) fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		g.fill(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			g.fill(v.Field(i))
		}
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 1)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(g.r.Uint64()) // truncated to the field's size
	case reflect.String:
		v.SetString(g.str(255))
	case reflect.Map: // model.Table
		v.Set(reflect.ValueOf(g.table(0)))
	default:
		panic("gen.fill: unexpected field kind " + v.Kind().String())
	}
}

// allMethods returns a new zero value of every known method.
func allMethods() []decodable {
	var ms []decodable
	for _, info := range methods {
		ms = append(ms, info.new())
	}
	return ms
}
