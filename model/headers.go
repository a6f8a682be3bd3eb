package model

import (
	"math"
	"strings"
)

// HeadersEquality says how a headers exchange compares a binding's value
// with a message header's value. RabbitMQ changed it in 3.13.
type HeadersEquality uint8

const (
	// HeadersStrict is RabbitMQ 3.13 and later: Erlang =:= on decoded values.
	// All integer types are alike, as are longstr and binary, and float and
	// double; but int 1 is not float 1.0, and a timestamp header is turned
	// into milliseconds while the binding keeps seconds.
	HeadersStrict HeadersEquality = iota
	// HeadersArithmetic is RabbitMQ 3.12 and earlier: Erlang ==, so int 1
	// equals float 1.0 and timestamps compare as integers of seconds.
	HeadersArithmetic
)

// String names the rule for people.
func (e HeadersEquality) String() string {
	if e == HeadersArithmetic {
		return "RabbitMQ ≤ 3.12 (== : 1 equals 1.0)"
	}
	return "RabbitMQ ≥ 3.13 (=:= : 1 differs from 1.0)"
}

// HeadersEqualityFor returns the rule the given RabbitMQ version uses
// ("3.10.8", "4.1.0"). An empty or unreadable version gets the current rule.
func HeadersEqualityFor(version string) HeadersEquality {
	var major, minor int
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 || !atoiInto(parts[0], &major) || !atoiInto(parts[1], &minor) {
		return HeadersStrict
	}
	if major < 3 || (major == 3 && minor <= 12) {
		return HeadersArithmetic
	}
	return HeadersStrict
}

func atoiInto(s string, out *int) bool {
	n := 0
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	*out = n
	return true
}

// MatchMode is a headers binding's x-match.
type MatchMode uint8

// The four x-match modes.
const (
	MatchAll MatchMode = iota
	MatchAny
	MatchAllWithX
	MatchAnyWithX
)

var matchModeNames = [...]string{"all", "any", "all-with-x", "any-with-x"}

// String returns the x-match value.
func (m MatchMode) String() string { return matchModeNames[m] }

func (m MatchMode) any() bool   { return m == MatchAny || m == MatchAnyWithX }
func (m MatchMode) withX() bool { return m == MatchAllWithX || m == MatchAnyWithX }

// parseMatchMode reads x-match. RabbitMQ 3.x treats an absent, mistyped or
// unknown value as all (newer versions refuse such bindings).
func parseMatchMode(args Table) (MatchMode, bool) {
	v, ok := args["x-match"]
	if !ok {
		return MatchAll, true
	}
	if v.Type == TypeLongstr {
		for i, n := range matchModeNames {
			if v.Str == n {
				return MatchMode(i), true
			}
		}
	}
	return MatchAll, false
}

// headerArg is one binding argument that takes part in matching.
type headerArg struct {
	key   string
	value Value
}

// headersSpec is a headers binding compiled for matching.
type headersSpec struct {
	mode MatchMode
	args []headerArg
}

func compileHeaders(args Table) headersSpec {
	mode, _ := parseMatchMode(args)
	spec := headersSpec{mode: mode}
	for _, k := range args.Keys() {
		if k == "x-match" || (!mode.withX() && strings.HasPrefix(k, "x-")) {
			continue
		}
		spec.args = append(spec.args, headerArg{k, args[k]})
	}
	return spec
}

// argMatches reports whether one binding argument holds for the headers.
func argMatches(a headerArg, headers Table, eq HeadersEquality) bool {
	hv, ok := headers[a.key]
	if !ok {
		return false
	}
	if a.value.Type == TypeVoid {
		return true // a void argument asks only that the header be present
	}
	return HeaderValuesEqual(a.value, hv, eq)
}

func (s *headersSpec) match(headers Table, eq HeadersEquality) bool {
	if s.mode.any() {
		for _, a := range s.args {
			if argMatches(a, headers, eq) {
				return true
			}
		}
		return false
	}
	for _, a := range s.args {
		if !argMatches(a, headers, eq) {
			return false
		}
	}
	return true
}

// HeaderValuesEqual compares a binding value with a message header value as
// a headers exchange does under the given rule.
func HeaderValuesEqual(binding, header Value, eq HeadersEquality) bool {
	if eq == HeadersStrict {
		return strictEqual(binding, header, true)
	}
	return arithmeticEqual(binding, header)
}

// valueClass groups field types by the Erlang term they decode to.
type valueClass uint8

const (
	classVoid valueClass = iota
	classBool
	classInt
	classFloat
	classBinary
	classDecimal
	classTable
	classArray
)

func classOf(t FieldType) valueClass {
	switch {
	case t.isInteger() || t == TypeTimestamp:
		return classInt
	case t == TypeFloat || t == TypeDouble:
		return classFloat
	case t == TypeLongstr || t == TypeBinary:
		return classBinary
	}
	switch t {
	case TypeBool:
		return classBool
	case TypeDecimal:
		return classDecimal
	case TypeTable:
		return classTable
	case TypeArray:
		return classArray
	}
	return classVoid
}

// strictEqual is Erlang =:= on the decoded top-level value. Nested tables
// and arrays keep their type tags, so they must agree exactly. topLevel
// marks the message header itself, whose timestamp RabbitMQ 3.13+ turns
// into milliseconds before comparing.
func strictEqual(b, h Value, topLevel bool) bool {
	if bothEmptyLists(b, h) {
		return true
	}
	cb, ch := classOf(b.Type), classOf(h.Type)
	if cb != ch {
		return false
	}
	switch cb {
	case classInt:
		hv := h.Int
		if topLevel && h.Type == TypeTimestamp {
			hv *= 1000
		}
		return b.Int == hv
	case classFloat:
		return b.Float == h.Float
	case classBinary:
		return b.Str == h.Str
	case classTable:
		return tablesEqual(b.Table, h.Table, Value.Equal)
	case classArray:
		return arraysEqual(b.Array, h.Array, Value.Equal)
	case classDecimal:
		return b.Dec == h.Dec
	default: // bool, void
		return b.Int == h.Int
	}
}

// arithmeticEqual is Erlang == on decoded values: integers and floats
// compare as numbers; nested tables and arrays keep their type tags.
func arithmeticEqual(b, h Value) bool {
	if bothEmptyLists(b, h) {
		return true
	}
	cb, ch := classOf(b.Type), classOf(h.Type)
	numeric := func(c valueClass) bool { return c == classInt || c == classFloat }
	if numeric(cb) && numeric(ch) {
		return numbersEqual(b, h)
	}
	if cb != ch {
		return false
	}
	switch cb {
	case classBinary:
		return b.Str == h.Str
	case classTable:
		return tablesEqual(b.Table, h.Table, nestedArithmeticEqual)
	case classArray:
		return arraysEqual(b.Array, h.Array, nestedArithmeticEqual)
	case classDecimal:
		return b.Dec == h.Dec
	default:
		return b.Int == h.Int
	}
}

// nestedArithmeticEqual compares {Type, Value} pairs inside tables and
// arrays: the type atoms must be the same and the values ==.
func nestedArithmeticEqual(b, h Value) bool {
	return b.Type == h.Type && arithmeticEqual(b, h)
}

// numbersEqual follows Erlang: an integer and a float compare by turning
// the less precise into the other's type; a float beyond ±2^53 is the
// less precise one.
func numbersEqual(a, b Value) bool {
	ai, bi := classOf(a.Type) == classInt, classOf(b.Type) == classInt
	switch {
	case ai && bi:
		return a.Int == b.Int
	case !ai && !bi:
		return a.Float == b.Float
	case ai:
		return intEqualsFloat(a.Int, b.Float)
	default:
		return intEqualsFloat(b.Int, a.Float)
	}
}

func intEqualsFloat(i int64, f float64) bool {
	if math.Abs(f) >= 1<<53 { // Erlang compares exactly from 2^53 on
		if f >= math.MaxInt64 || f < math.MinInt64 {
			return false
		}
		return int64(f) == i
	}
	return float64(i) == f
}

// bothEmptyLists reports whether both values are an empty table or an empty
// array: RabbitMQ decodes either to the empty list [], so at the top level
// they are equal. Nested, the type tags still tell them apart.
func bothEmptyLists(b, h Value) bool {
	empty := func(v Value) bool {
		return (v.Type == TypeTable && len(v.Table) == 0) || (v.Type == TypeArray && len(v.Array) == 0)
	}
	return empty(b) && empty(h)
}
