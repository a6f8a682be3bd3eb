package mgmt

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"sort"

	"github.com/kaiten-bus/kaiten/model"
)

// RabbitMQ names a binding with arguments by a hash of them:
// rabbit_mgmt_format:args_hash is base64url(<<erlang:phash2(Args, 1 bsl 32):32>>)
// with the padding dropped, where Args is the binding's argument table as
// RabbitMQ stores it: a list of {Key, Type, Value} tuples sorted by key.
// erlang:phash2 is documented as stable across machines and releases, so
// the hash below (ERTS's make_hash2, for the terms a table can hold) gives
// the very properties_key a RabbitMQ node gives.

// erlAtom, erlTuple and erlList are the Erlang terms a table decodes to;
// binaries are []byte, integers int64 and floats float64.
type (
	erlAtom  string
	erlTuple []any
	erlList  []any
)

// argsHash is rabbit_mgmt_format:args_hash of a binding's arguments.
func argsHash(args model.Table) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], phash2(tableTerm(args)))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tableTerm is the table as rabbit_binary_parser decodes it, keys sorted
// (rabbit_misc:sort_field_table; tables that come as JSON are sorted too).
func tableTerm(t model.Table) erlList {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(erlList, len(keys))
	for i, k := range keys {
		v := t[k]
		out[i] = erlTuple{[]byte(k), erlAtom(v.Type.String()), valueTerm(v)}
	}
	return out
}

func valueTerm(v model.Value) any {
	switch v.Type {
	case model.TypeVoid:
		return erlAtom("undefined")
	case model.TypeBool:
		if v.Int != 0 {
			return erlAtom("true")
		}
		return erlAtom("false")
	case model.TypeFloat, model.TypeDouble:
		return v.Float
	case model.TypeDecimal:
		return erlTuple{int64(v.Dec.Scale), int64(uint32(v.Dec.Value))}
	case model.TypeLongstr, model.TypeBinary:
		return []byte(v.Str)
	case model.TypeTable:
		return tableTerm(v.Table)
	case model.TypeArray:
		out := make(erlList, len(v.Array))
		for i, e := range v.Array {
			out[i] = erlTuple{erlAtom(e.Type.String()), valueTerm(e)}
		}
		return out
	}
	return v.Int
}

// The constants of ERTS's make_hash2: HCONST is the golden ratio, and
// HCONST_n is HCONST * n mod 2^32.
const (
	hconst   uint32 = 0x9e3779b9
	hconst2  uint32 = 0x3c6ef372
	hconst3  uint32 = 0xdaa66d2b
	hconst4  uint32 = 0x78dde6e4
	hconst9  uint32 = 0x8ff34781
	hconst10 uint32 = 0x2e2ac13a
	hconst11 uint32 = 0xcc623af3
	hconst12 uint32 = 0x6a99b4ac
	hconst13 uint32 = 0x08d12e65
	nilDef   uint32 = 2          // NIL_DEF
	nilHash  uint32 = 3468870702 // the hash of [] alone
)

// mix is Bob Jenkins' mix, as ERTS's MIX macro.
func mix(a, b, c uint32) (uint32, uint32, uint32) {
	a -= b
	a -= c
	a ^= c >> 13
	b -= c
	b -= a
	b ^= a << 8
	c -= a
	c -= b
	c ^= b >> 13
	a -= b
	a -= c
	a ^= c >> 12
	b -= c
	b -= a
	b ^= a << 16
	c -= a
	c -= b
	c ^= b >> 5
	a -= b
	a -= c
	a ^= c >> 3
	b -= c
	b -= a
	b ^= a << 10
	c -= a
	c -= b
	c ^= b >> 15
	return a, b, c
}

// hash2 is make_hash2's running state.
type hash2 struct{ h uint32 }

func (s *hash2) u32x2(e1, e2, k uint32) { _, _, s.h = mix(k+e1, k+e2, s.h) }

func (s *hash2) u32(e, k uint32) { s.u32x2(e, 0, k) }

func (s *hash2) integer(n int64) {
	if n >= -(1<<27) && n < 1<<27 { // a 28-bit small
		y := int32(n)
		if y < 0 {
			s.u32(uint32(-y), hconst)
		}
		s.u32(uint32(y), hconst)
		return
	}
	k, t := hconst11, uint64(n)
	if n < 0 {
		k, t = hconst10, uint64(-n)
	}
	s.u32x2(uint32(t), uint32(t>>32), k)
}

// phash2 is erlang:phash2(T, 1 bsl 32) for the terms above.
func phash2(t any) uint32 {
	var s hash2
	var stack []any
	for {
		switch x := t.(type) {
		case erlList:
			if len(x) == 0 {
				if s.h == 0 {
					s.h = nilHash
				} else {
					s.u32(nilDef, hconst2)
				}
				break
			}
			// Leading bytes (small integers 0..255) hash four at a time,
			// the optimisation for strings.
			i, c, sh := 0, 0, uint32(0)
			for ; i < len(x); i++ {
				n, ok := x[i].(int64)
				if !ok || n < 0 || n > 255 {
					break
				}
				sh = sh<<8 + uint32(n)
				if c == 3 {
					s.u32(sh, hconst4)
					c, sh = 0, 0
				} else {
					c++
				}
			}
			if c > 0 {
				s.u32(sh, hconst4)
			}
			if i == len(x) {
				t = erlList(nil)
			} else {
				stack = append(stack, x[i+1:])
				t = x[i]
			}
			continue
		case erlTuple:
			s.u32(uint32(len(x)), hconst9)
			if len(x) > 0 {
				for j := len(x) - 1; j >= 1; j-- {
					stack = append(stack, x[j])
				}
				t = x[0]
				continue
			}
		case []byte:
			if len(x) == 0 {
				s.h += hconst13
			} else {
				s.h = blockHash(x, hconst13+s.h)
			}
		case erlAtom:
			if s.h == 0 {
				s.h = atomHash(string(x))
			} else {
				s.u32(atomHash(string(x)), hconst3)
			}
		case int64:
			s.integer(x)
		case float64:
			if x == 0 {
				x = 0 // no negative zero
			}
			bits := math.Float64bits(x)
			s.u32x2(uint32(bits>>32), uint32(bits), hconst12)
		}
		if len(stack) == 0 {
			return s.h
		}
		t = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	}
}

// blockHash is ERTS's block_hash (Bob Jenkins' lookup2 over bytes).
func blockHash(k []byte, initval uint32) uint32 {
	a, b, c := hconst, hconst, initval
	n := len(k)
	for len(k) >= 12 {
		a += binary.LittleEndian.Uint32(k)
		b += binary.LittleEndian.Uint32(k[4:])
		c += binary.LittleEndian.Uint32(k[8:])
		a, b, c = mix(a, b, c)
		k = k[12:]
	}
	c += uint32(n)
	var tail [12]byte
	copy(tail[:], k)
	// The first byte of c is the length; the tail fills c from its second.
	a += binary.LittleEndian.Uint32(tail[0:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:]) << 8
	_, _, c = mix(a, b, c)
	return c
}

// atomHash is ERTS's atom hash (hashpjw), which phash2 uses for atoms.
func atomHash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		v := name[i]
		if i+1 < len(name) && v&0xFE == 0xC2 && name[i+1]&0xC0 == 0x80 {
			v = v<<6 | name[i+1]&0x3F
			i++
		}
		h = h<<4 + uint32(v)
		if g := h & 0xf0000000; g != 0 {
			h ^= g >> 24
			h ^= g
		}
	}
	return h
}
