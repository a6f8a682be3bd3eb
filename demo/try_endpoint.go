package demo

import (
	"strconv"

	"github.com/kaiten-bus/kaiten/model"
)

// tryFile is where the try endpoint's methods would live in Python.
const tryFile = "/usr/lib/python3/dist-packages/kaiten_demo/try_endpoint.py"

// tryEndpoint is a small endpoint on the compute servers for trying calls
// by hand, at oslo's default version 1.0 in the default namespace, so that
//
//	kaiten call --oslo --exchange nova --topic compute --method add --args '{"a": 2, "b": 3}'
//
// works as typed: add(a, b) adds numbers (or joins strings, lists) as
// Python's + does, echo returns its keyword arguments, and echo_context
// the request context (secrets as sent: a tap shows them masked).
func tryEndpoint() endpoint {
	return endpoint{
		version: "1.0", file: tryFile,
		methods: map[string]method{
			"add":  tryAdd,
			"echo": func(r *request) (model.PyValue, *pyError) { return r.msg.Args, nil },
			"echo_context": func(r *request) (model.PyValue, *pyError) {
				return model.PyDict(r.msg.Context...), nil
			},
		},
	}
}

// tryAdd is add(self, ctxt, a, b): return a + b.
func tryAdd(r *request) (model.PyValue, *pyError) {
	a, okA := r.arg("a")
	b, okB := r.arg("b")
	switch {
	case !okA && !okB:
		return model.PyValue{}, typeError("add() missing 2 required positional arguments: 'a' and 'b'", 3, "def add(self, ctxt, a, b):")
	case !okB:
		return model.PyValue{}, typeError("add() missing 1 required positional argument: 'b'", 3, "def add(self, ctxt, a, b):")
	case !okA:
		return model.PyValue{}, typeError("add() missing 1 required positional argument: 'a'", 3, "def add(self, ctxt, a, b):")
	}
	if sum, ok := pyPlus(a, b); ok {
		return sum, nil
	}
	return model.PyValue{}, typeError("unsupported operand type(s) for +: '"+pyTypeName(a)+"' and '"+pyTypeName(b)+"'", 4, "return a + b")
}

// pyPlus is Python's a + b on JSON values: numbers (int stays int),
// strings and lists.
func pyPlus(a, b model.PyValue) (model.PyValue, bool) {
	switch {
	case a.Kind == model.PyNumber && b.Kind == model.PyNumber:
		x, errX := strconv.ParseInt(a.Text, 10, 64)
		y, errY := strconv.ParseInt(b.Text, 10, 64)
		if errX == nil && errY == nil && (y <= 0 || x <= (1<<63-1)-y) && (y >= 0 || x >= -(1<<63)-y) {
			return model.PyInt(x + y), true
		}
		f, errF := strconv.ParseFloat(a.Text, 64)
		g, errG := strconv.ParseFloat(b.Text, 64)
		if errF != nil || errG != nil {
			return model.PyValue{}, false
		}
		return model.PyFloat(f + g), true
	case a.Kind == model.PyString && b.Kind == model.PyString:
		return model.PyStr(a.Text + b.Text), true
	case a.Kind == model.PyArray && b.Kind == model.PyArray:
		return model.PyList(append(append([]model.PyValue{}, a.Items...), b.Items...)...), true
	}
	return model.PyValue{}, false
}

// pyTypeName is the Python type of a JSON value, as TypeError names it.
func pyTypeName(v model.PyValue) string {
	switch v.Kind {
	case model.PyNull:
		return "NoneType"
	case model.PyBool:
		return "bool"
	case model.PyString:
		return "str"
	case model.PyArray:
		return "list"
	case model.PyObject:
		return "dict"
	}
	if _, err := strconv.ParseInt(v.Text, 10, 64); err == nil {
		return "int"
	}
	return "float"
}

func typeError(message string, line int, code string) *pyError {
	return raise("builtins", "TypeError", message, line, code)
}
