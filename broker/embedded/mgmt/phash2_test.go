package mgmt

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// The vectors come from RabbitMQ 3.10.8 (Erlang 25): bindings declared
// with these arguments over the management API (JSON: integers long,
// fractions double) and over AMQP with pika (signedint, void, decimal,
// binary), and the properties_key it listed for each.
func TestArgsHashMatchesRabbitMQ(t *testing.T) {
	tbl := func(kv ...any) model.Table {
		out := model.Table{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1].(model.Value)
		}
		return out
	}
	table := func(t model.Table) model.Value { return model.Value{Type: model.TypeTable, Table: t} }
	array := func(vs ...model.Value) model.Value { return model.Value{Type: model.TypeArray, Array: vs} }
	signed := func(n int64) model.Value { return model.Value{Type: model.TypeSignedInt, Int: n} }
	L, S, D := model.Long, model.String, model.Double
	for _, c := range []struct {
		args model.Table
		want string
	}{
		{tbl("a", L(1), "x-match", S("all")), "4tmbCA"},
		{tbl("a", S("b")), "KCO9yA"},
		{tbl("si", signed(5)), "4EXRkA"},
		{tbl("si", signed(-5)), "IlaEog"},
		{tbl("v", model.Void()), "wLtq5A"},
		{tbl("dec", model.Value{Type: model.TypeDecimal, Dec: model.Decimal{Scale: 2, Value: 125}}), "1Rri-w"},
		{tbl("bin", model.Value{Type: model.TypeBinary, Str: "\x00\xffab"}), "fRwBNQ"},
		{tbl("big", L(1<<40)), "PAtzfA"},
		{tbl("b", model.Bool(true)), "_sQtSA"},
		{tbl("b", model.Bool(false)), "QvGL9Q"},
		{tbl("i", L(4294967296)), "cH5JzA"},
		{tbl("i", L(-9007199254740993)), "AGYsoA"},
		{tbl("i", L(9223372036854775807)), "vQF6xQ"},
		{tbl("s", S("")), "-HWwFg"},
		{tbl("", S("x")), "egMXSg"},
		{tbl("s", S("abcdefghijklmnopqrstuvwxyz")), "-8gbLQ"},
		{tbl("s", S("π/ü")), "DQQ_xA"},
		{tbl("t", table(tbl("z", L(1), "a", S("b")))), "LhRXTA"},
		{tbl("t", table(model.Table{})), "nUcNOQ"},
		{tbl("l", array(L(1), S("a"), model.Bool(true), D(2.5), table(tbl("k", S("v"))), array())), "OVa2xg"},
		{tbl("d", D(0.5)), "DeyBdQ"},
		{tbl("l", array()), "IL_SLw"},
		{tbl("many", L(1), "keys", S("2"), "x-match", S("any"), "zz", array(L(1), L(2), L(3))), "aZxvGQ"},
		{tbl("i", L(0)), "UIyg5w"},
		{tbl("i", L(255)), "E-qrIQ"},
		{tbl("i", L(256)), "75QUJQ"},
		{tbl("d", D(-2.25)), "Fb2SVg"},
		{tbl("d", D(1e300)), "UiQM8w"},
		{tbl("i", L(-1)), "6D_fsQ"},
		{tbl("i", L(134217727)), "4cXZAg"},
		{tbl("i", L(134217728)), "wV3viQ"},
		{tbl("i", L(-134217728)), "yyytUw"},
		{tbl("i", L(-134217729)), "O-mgBg"},
	} {
		if got := argsHash(c.args); got != c.want {
			t.Errorf("argsHash(%v) = %s, want %s", c.args, got, c.want)
		}
	}
}

func TestPhash2Basics(t *testing.T) {
	// erlang:phash2([], 1 bsl 32) and the empty list inside a term.
	if got := phash2(erlList(nil)); got != nilHash {
		t.Errorf("phash2([]) = %d, want %d", got, nilHash)
	}
	// A list of bytes takes the string path, four bytes at a time; a
	// list that starts with bytes and goes on with other terms mixes both.
	a := phash2(erlList{int64(1), int64(2), int64(3), int64(4), int64(5)})
	b := phash2(erlList{int64(1), int64(2), int64(3), int64(4), int64(5), erlAtom("x")})
	if a == b {
		t.Errorf("a byte list and the same list with a tail hash alike: %d", a)
	}
}
