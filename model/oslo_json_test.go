package model

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
)

// pySpec describes a Python value losslessly; testdata/oslo/gen.py writes
// them beside what Python's json.dumps made of each value.
type pySpec struct {
	T   string          `json:"t"`
	V   json.RawMessage `json:"v"`
	Dec string          `json:"dec"`
	Hex string          `json:"hex"`
	CP  []rune          `json:"cp"`
}

func (s pySpec) build(t *testing.T) PyValue {
	t.Helper()
	switch s.T {
	case "null":
		return PyNone()
	case "bool":
		var b bool
		if err := json.Unmarshal(s.V, &b); err != nil {
			t.Fatal(err)
		}
		return PyBoolean(b)
	case "int":
		n, ok := new(big.Int).SetString(s.Dec, 10)
		if !ok {
			t.Fatalf("bad int %q", s.Dec)
		}
		v, err := PyFrom(n)
		if err != nil {
			t.Fatal(err)
		}
		return v
	case "float":
		f, err := strconv.ParseFloat(s.Hex, 64)
		if err != nil {
			t.Fatalf("float %q: %v", s.Hex, err)
		}
		return PyFloat(f)
	case "str":
		var b []byte
		for _, r := range s.CP {
			b = appendWTF8(b, r)
		}
		return PyStr(string(b))
	case "list":
		var els []pySpec
		if err := json.Unmarshal(s.V, &els); err != nil {
			t.Fatal(err)
		}
		items := make([]PyValue, len(els))
		for i, e := range els {
			items[i] = e.build(t)
		}
		return PyList(items...)
	case "dict":
		var kvs [][2]pySpec
		if err := json.Unmarshal(s.V, &kvs); err != nil {
			t.Fatal(err)
		}
		fields := make([]PyField, len(kvs))
		for i, kv := range kvs {
			fields[i] = PyField{Key: kv[0].build(t).Text, Value: kv[1].build(t)}
		}
		return PyDict(fields...)
	}
	t.Fatalf("unknown spec %q", s.T)
	return PyValue{}
}

func loadPyCases(t *testing.T) []struct {
	Name   string `json:"name"`
	Spec   pySpec `json:"spec"`
	Python string `json:"python"`
} {
	t.Helper()
	data, err := os.ReadFile("testdata/oslo/pyjson_writer.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name   string `json:"name"`
			Spec   pySpec `json:"spec"`
			Python string `json:"python"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 2000 {
		t.Fatalf("only %d cases", len(file.Cases))
	}
	return file.Cases
}

// TestPyWriterMatchesPython writes values built in Go and compares with what
// Python's json.dumps wrote for the same values (strings of every kind,
// 2,000 floats including random bit patterns, big integers, nesting).
func TestPyWriterMatchesPython(t *testing.T) {
	for _, c := range loadPyCases(t) {
		got := c.Spec.build(t).String()
		if got != c.Python {
			t.Errorf("%s: wrote %s, Python wrote %s", c.Name, got, c.Python)
		}
	}
}

// TestPyParseRoundTrip parses what Python wrote and writes it back.
func TestPyParseRoundTrip(t *testing.T) {
	for _, c := range loadPyCases(t) {
		v, err := ParsePyJSON([]byte(c.Python))
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if got := v.String(); got != c.Python {
			t.Errorf("%s: round trip %s, want %s", c.Name, got, c.Python)
		}
		// Two lone surrogates written side by side read back as one
		// character, in Python too.
		pairs := c.Name == "surrogates that pair on reading"
		if c.Spec.T == "str" && !pairs && v.Text != c.Spec.build(t).Text {
			t.Errorf("%s: parsed %q, want %q", c.Name, v.Text, c.Spec.build(t).Text)
		}
	}
}

func TestParsePyJSON(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" means an error
	}{
		{`  {"b": 1, "a": [true, false, null]}  `, `{"b": 1, "a": [true, false, null]}`},
		{`{"a":1,"a":2}`, `{"a": 1, "a": 2}`},
		{`[NaN, Infinity, -Infinity, -0, 1E+5, 0.5e-3]`, `[NaN, Infinity, -Infinity, -0, 1E+5, 0.5e-3]`},
		{`"\/\b\f\u00e9\uD83D\uDE00"`, `"/\b\f\u00e9\ud83d\ude00"`},
		{`"\ud800\u0041"`, `"\ud800A"`},
		{`"é"`, `"\u00e9"`},
		{`"a` + "\t" + `b"`, ""}, // raw control characters are refused, as strict Python does
		{`01`, ""},
		{`1.`, ""},
		{`1e`, ""},
		{`-`, ""},
		{`nan`, ""},
		{`{"a" 1}`, ""},
		{`{"a": 1,}`, ""},
		{`[1 2]`, ""},
		{`"\x"`, ""},
		{`"\u12"`, ""},
		{`"abc`, ""},
		{"\xff", ""},
		{``, ""},
		{`{} {}`, ""},
	} {
		v, err := ParsePyJSON([]byte(c.in))
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%q: parsed as %s, want an error", c.in, v)
		case c.want != "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.want != "" && v.String() != c.want:
			t.Errorf("%q: wrote %s, want %s", c.in, v, c.want)
		}
	}
}

func TestParsePyJSONDepth(t *testing.T) {
	deep := strings.Repeat("[", pyMaxDepth+1) + strings.Repeat("]", pyMaxDepth+1)
	if _, err := ParsePyJSON([]byte(deep)); !errors.Is(err, ErrPyJSONDepth) {
		t.Errorf("depth %d: %v, want ErrPyJSONDepth", pyMaxDepth+1, err)
	}
	ok := strings.Repeat("[", pyMaxDepth) + strings.Repeat("]", pyMaxDepth)
	if _, err := ParsePyJSON([]byte(ok)); err != nil {
		t.Errorf("depth %d: %v", pyMaxDepth, err)
	}
}

func TestPyFrom(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{json.Number("12345678901234567890123"), "12345678901234567890123"},
		{json.Number("-0"), "0"},
		{json.Number("1e400"), "Infinity"},
		{json.Number("1E5"), "100000.0"},
		{float32(0.1), "0.10000000149011612"},
		{uint64(1 << 63), "9223372036854775808"},
		{[]any{1, "x", 2.0, true}, `[1, "x", 2.0, true]`},
		{map[string]any{"b": 1, "a": map[string]string{"d": "", "c": "é"}}, `{"a": {"c": "\u00e9", "d": ""}, "b": 1}`},
		{[]PyField{{Key: "z", Value: PyInt(1)}, {Key: "y", Value: PyNone()}}, `{"z": 1, "y": null}`},
	} {
		v, err := PyFrom(c.in)
		if err != nil {
			t.Errorf("%#v: %v", c.in, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("%#v: %s, want %s", c.in, got, c.want)
		}
	}
	if _, err := PyFrom(struct{}{}); err == nil {
		t.Error("a struct converted without error")
	}
	if _, err := PyFrom(json.Number("1x")); err == nil {
		t.Error("a bad json.Number converted without error")
	}
}

func TestPyTruthy(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{`null`, false},
		{`false`, false},
		{`0`, false},
		{`-0.0`, false},
		{`""`, false},
		{`[]`, false},
		{`{}`, false},
		{`true`, true},
		{`1`, true},
		{`NaN`, true},
		{`"0"`, true},
		{`[0]`, true},
		{`{"a": null}`, true},
	} {
		v, err := ParsePyJSON([]byte(c.in))
		if err != nil {
			t.Fatal(err)
		}
		if v.Truthy() != c.want {
			t.Errorf("%s: truthy %v", c.in, !c.want)
		}
	}
}
