package conformance

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// The headers matrix captured on a live RabbitMQ 3.10.8: binding name →
// the probes that reached the binding's queue. The file keeps only names;
// the arguments and headers below are reconstructed from them and checked
// to reproduce the file on a live 3.10.8 (TestHeadersMatrixLive).
const headersMatrixFile = "../model/testdata/headers_live_rabbitmq_3.10.8.json"

var (
	// bigInt needs a long and is not exactly representable as a double,
	// so only an integer of the same value can equal it.
	bigInt = int64(1<<53 + 1)
	// matrixTime is a whole second: AMQP timestamps carry seconds.
	matrixTime = time.Unix(1_700_000_000, 0)
)

// matrixBindings are the bindings of the matrix, one queue each, all on one
// headers exchange. The capture came from pika, which encodes a Python int
// as a signedint, so "int" below is int32.
var matrixBindings = map[string]amqp.Table{
	"all_int1":      {"x-match": "all", "a": int32(1)},
	"all_str1":      {"x-match": "all", "a": "1"},
	"all_float1":    {"x-match": "all", "a": float64(1)},
	"all_bool_true": {"x-match": "all", "a": true},
	"all_bytes_abc": {"x-match": "all", "s": []byte("abc")},
	"all_str_abc":   {"x-match": "all", "s": "abc"},
	"all_void_a":    {"x-match": "all", "a": nil},
	"all_bigint":    {"x-match": "all", "n": bigInt},
	// A value held in a small integer type, matched by a header carrying
	// the same value as a long (probe h_m_big5).
	"all_smallint_for_big": {"x-match": "all", "m": int8(5)},
	// A timestamp binding: RabbitMQ ≤ 3.12 compares timestamps as integer
	// seconds, so the same timestamp header matches.
	"all_ts":      {"x-match": "all", "t": matrixTime},
	"all_a1_b2":   {"x-match": "all", "a": int32(1), "b": int32(2)},
	"any_a1_b2":   {"x-match": "any", "a": int32(1), "b": int32(2)},
	"default_a1":  {"a": int32(1)}, // no x-match: all
	"all_empty":   {"x-match": "all"},
	"noargs":      nil,
	"any_empty":   {"x-match": "any"},
	"all_x_only":  {"x-match": "all", "x-foo": "bar"}, // x-foo is ignored: matches all
	"any_x_only":  {"x-match": "any", "x-foo": "bar"}, // x-foo is ignored: matches nothing
	"allx_x":      {"x-match": "all-with-x", "x-foo": "bar"},
	"anyx_x_or_a": {"x-match": "any-with-x", "x-foo": "bar", "a": int32(9)},
	// Nested values keep their type tags, so both sides use signedint 1.
	"all_table":   {"x-match": "all", "tb": amqp.Table{"k": int32(1)}},
	"all_array":   {"x-match": "all", "ar": []any{int32(1), "x"}},
	"all_long1":   {"x-match": "all", "w": int64(1)},
	"all_short1":  {"x-match": "all", "w": int16(1)},
	"all_f32_1_5": {"x-match": "all", "f": float32(1.5)}, // 1.5 is exact in both widths
}

// matrixProbes are the messages of the matrix; h_none has no headers
// property at all, h_empty an empty table.
var matrixProbes = map[string]amqp.Table{
	"h_a_decimal":   {"a": amqp.Decimal{Scale: 0, Value: 1}}, // decimal 1 equals no integer
	"h_a_float1":    {"a": float64(1)},
	"h_a_int1":      {"a": int32(1)},
	"h_a_int1_b2":   {"a": int32(1), "b": int32(2)},
	"h_a_str1":      {"a": "1"},
	"h_a_true":      {"a": true},
	"h_a_void":      {"a": nil},
	"h_array":       {"ar": []any{int32(1), "x"}},
	"h_b2":          {"b": int32(2)},
	"h_empty":       {},
	"h_f_double1_5": {"f": float64(1.5)},
	"h_m_big5":      {"m": int64(5)},
	"h_n_big":       {"n": bigInt},
	"h_none":        nil,
	"h_s_bytes":     {"s": []byte("abc")},
	"h_s_str":       {"s": "abc"},
	"h_t_ts":        {"t": matrixTime},
	"h_table":       {"tb": amqp.Table{"k": int32(1)}},
	"h_w_byte1":     {"w": int8(1)},
	"h_w_int1":      {"w": int32(1)},
	"h_xfoo":        {"x-foo": "bar"},
}

const matrixExchange = "hx"

func loadHeadersMatrix(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(headersMatrixFile)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for b, ps := range m {
		if _, ok := matrixBindings[b]; !ok {
			t.Errorf("binding %q of %s is not reconstructed", b, headersMatrixFile)
		}
		for _, p := range ps {
			if _, ok := matrixProbes[p]; !ok {
				t.Errorf("probe %q of %s is not reconstructed", p, headersMatrixFile)
			}
		}
	}
	if len(m) != len(matrixBindings) {
		t.Errorf("%s has %d bindings, the test %d", headersMatrixFile, len(m), len(matrixBindings))
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// matrixTopology is the matrix as declarations: one headers exchange and a
// queue named after each binding.
func matrixTopology() ([]ExchangeDecl, []string, []BindingDecl) {
	xs := []ExchangeDecl{{Name: matrixExchange, Kind: "headers"}}
	qs := sortedKeys(matrixBindings)
	bs := make([]BindingDecl, len(qs))
	for i, q := range qs {
		bs[i] = BindingDecl{Source: matrixExchange, Destination: q, Args: matrixBindings[q]}
	}
	return xs, qs, bs
}

// matrixOf turns per-probe queue sets into binding → sorted probes, with
// an entry for every binding.
func matrixOf(reached func(probe string) []string) map[string][]string {
	m := make(map[string][]string, len(matrixBindings))
	for b := range matrixBindings {
		m[b] = []string{}
	}
	for _, p := range sortedKeys(matrixProbes) {
		for _, q := range reached(p) {
			m[q] = append(m[q], p)
		}
	}
	return m
}

func diffMatrix(t *testing.T, who string, got, want map[string][]string) {
	t.Helper()
	for _, b := range sortedKeys(matrixBindings) {
		if !reflect.DeepEqual(got[b], want[b]) {
			t.Errorf("%s: binding %s %v\n got  %v\n want %v", who, b, matrixBindings[b], got[b], want[b])
		}
	}
}

// TestHeadersMatrixModel checks that the model, with RabbitMQ 3.10's
// arithmetic equality, gives exactly the captured matrix.
func TestHeadersMatrixModel(t *testing.T) {
	want := loadHeadersMatrix(t)
	if eq := model.HeadersEqualityFor("3.10.8"); eq != model.HeadersArithmetic {
		t.Fatalf("HeadersEqualityFor(3.10.8) = %v, want arithmetic", eq)
	}
	xs, qs, bs := matrixTopology()
	r := model.NewRouter(modelVhost("matrix", xs, qs, bs, nil), model.Options{HeadersEquality: model.HeadersArithmetic})
	got := matrixOf(func(p string) []string {
		res := r.Route(model.Message{Exchange: matrixExchange, Headers: modelTable(matrixProbes[p])})
		if res.Err != nil {
			t.Fatalf("probe %s: %v", p, res.Err)
		}
		return res.Queues
	})
	diffMatrix(t, "model", got, want)
}

// TestHeadersMatrixLive checks that the reconstructed bindings and probes
// reproduce the captured matrix on each live broker.
func TestHeadersMatrixLive(t *testing.T) {
	for _, tg := range brokerTargets() {
		t.Run(tg.Name, func(t *testing.T) { headersMatrixLive(t, tg) })
	}
}

func headersMatrixLive(t *testing.T, tg Target) {
	want := loadHeadersMatrix(t)
	b, version := requireTarget(t, tg)
	if model.HeadersEqualityFor(version) != model.HeadersArithmetic {
		t.Skipf("the matrix was captured on 3.10.8; RabbitMQ %s compares header values differently", version)
	}
	conn := freshVhost(t, b, "kaiten-conformance-headers-matrix")
	xs, qs, bs := matrixTopology()
	if err := Declare(conn, xs, qs, bs); err != nil {
		t.Fatal(err)
	}
	var probes []Probe
	for _, p := range sortedKeys(matrixProbes) {
		probes = append(probes, Probe{ID: p, Exchange: matrixExchange, Headers: matrixProbes[p]})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := Run(ctx, conn, qs, probes)
	if err != nil {
		t.Fatal(err)
	}
	got := matrixOf(func(p string) []string { return out[p].Queues })
	diffMatrix(t, "RabbitMQ "+version, got, want)
	for _, p := range probes {
		if o := out[p.ID]; o.Returned != (len(o.Queues) == 0) {
			t.Errorf("probe %s: returned=%v but reached %v", p.ID, o.Returned, o.Queues)
		}
	}
}
