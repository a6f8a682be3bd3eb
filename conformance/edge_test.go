package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// headersEdgeCases are single headers bindings with one probe each, at the
// edges where the differential test found the model and RabbitMQ apart,
// and their neighbours. match is what RabbitMQ 3.10.8 does (live).
var headersEdgeCases = []struct {
	name    string
	binding amqp.Table
	headers amqp.Table
	match   bool
}{
	// The broker drops BCC from the message before routing it, so a
	// headers exchange never sees it; CC stays.
	{"bcc-not-seen", amqp.Table{"BCC": nil}, amqp.Table{"BCC": []any{"k"}}, false},
	{"bcc-not-seen-any", amqp.Table{"x-match": "any", "BCC": nil, "a": int32(9)}, amqp.Table{"BCC": []any{"k"}}, false},
	{"cc-seen", amqp.Table{"CC": nil}, amqp.Table{"CC": []any{"k"}}, true},
	// Erlang's == compares an integer with a float exactly once the float
	// is at least 2^53 - 2; below, it converts the integer to a float.
	// float64(2^53+1) rounds to 2^53, but the two are not ==.
	{"long-2^53+1-vs-double-2^53", amqp.Table{"n": int64(1<<53 + 1)}, amqp.Table{"n": float64(1 << 53)}, false},
	{"double-2^53-vs-long-2^53+1", amqp.Table{"n": float64(1 << 53)}, amqp.Table{"n": int64(1<<53 + 1)}, false},
	{"long-neg-2^53-1-vs-double", amqp.Table{"n": int64(-(1 << 53) - 1)}, amqp.Table{"n": float64(-(1 << 53))}, false},
	{"float32-2^53-vs-long-2^53+1", amqp.Table{"n": float32(1 << 53)}, amqp.Table{"n": int64(1<<53 + 1)}, false},
	{"long-2^53-vs-double-2^53", amqp.Table{"n": int64(1 << 53)}, amqp.Table{"n": float64(1 << 53)}, true},
	{"long-2^60-vs-double-2^60", amqp.Table{"n": int64(1 << 60)}, amqp.Table{"n": float64(1 << 60)}, true},
	{"long-2^60+1-vs-double-2^60", amqp.Table{"n": int64(1<<60 + 1)}, amqp.Table{"n": float64(1 << 60)}, false},
	// An empty table and an empty array both decode to [].
	{"empty-table-vs-empty-array", amqp.Table{"k": amqp.Table{}}, amqp.Table{"k": []any{}}, true},
	{"empty-array-vs-empty-table", amqp.Table{"k": []any{}}, amqp.Table{"k": amqp.Table{}}, true},
	// Nested, the type tags stay and tell them apart.
	{"nested-empty-table-vs-array", amqp.Table{"k": []any{amqp.Table{}}}, amqp.Table{"k": []any{[]any{}}}, false},
	// Neighbours that already agreed, kept as guards.
	{"float32-1.1-vs-double-1.1", amqp.Table{"f": float32(1.1)}, amqp.Table{"f": 1.1}, false},
	{"timestamp-vs-long", amqp.Table{"t": int64(5)}, amqp.Table{"t": time.Unix(5, 0)}, true},
	{"false-vs-zero", amqp.Table{"z": false}, amqp.Table{"z": int32(0)}, false},
	{"unsignedbyte-255-vs-byte-minus-1", amqp.Table{"u": uint8(255)}, amqp.Table{"u": int8(-1)}, false},
	{"unsignedbyte-255-vs-signedint-255", amqp.Table{"u": uint8(255)}, amqp.Table{"u": int32(255)}, true},
	{"decimal-negative", amqp.Table{"d": amqp.Decimal{Scale: 2, Value: -5}}, amqp.Table{"d": amqp.Decimal{Scale: 2, Value: -5}}, true},
	{"longstr-vs-binary", amqp.Table{"s": ""}, amqp.Table{"s": []byte{}}, true},
}

// TestHeadersEdgeCasesLive checks each edge case on each broker (one
// headers exchange and queue per case) and asks the model the same.
func TestHeadersEdgeCasesLive(t *testing.T) {
	for _, tg := range brokerTargets() {
		t.Run(tg.Name, func(t *testing.T) { headersEdgeCasesLive(t, tg) })
	}
}

func headersEdgeCasesLive(t *testing.T, tg Target) {
	b, version := requireTarget(t, tg)
	conn := freshVhost(t, b, "kaiten-conformance-headers-edges")
	var (
		xs     []ExchangeDecl
		qs     []string
		bs     []BindingDecl
		probes []Probe
	)
	for i, c := range headersEdgeCases {
		x, q := fmt.Sprintf("hx%02d", i), fmt.Sprintf("q%02d", i)
		xs = append(xs, ExchangeDecl{Name: x, Kind: "headers"})
		qs = append(qs, q)
		bs = append(bs, BindingDecl{Source: x, Destination: q, Args: c.binding})
		probes = append(probes, Probe{ID: c.name, Exchange: x, Headers: c.headers})
	}
	if err := Declare(conn, xs, qs, bs); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := Run(ctx, conn, qs, probes)
	if err != nil {
		t.Fatal(err)
	}
	eq := model.HeadersEqualityFor(version)
	r := model.NewRouter(modelVhost("edges", xs, qs, bs, nil), model.Options{HeadersEquality: eq})
	for i, c := range headersEdgeCases {
		broker := len(out[c.name].Queues) == 1
		if eq == model.HeadersArithmetic && broker != c.match {
			t.Errorf("%s: RabbitMQ %s matched=%v, 3.10.8 did %v", c.name, version, broker, c.match)
		}
		res := r.Route(model.Message{Exchange: xs[i].Name, Headers: modelTable(c.headers)})
		if mdl := len(res.Queues) == 1; mdl != broker {
			t.Errorf("%s: binding %s, headers %s: RabbitMQ matched=%v, model %v",
				c.name, typedTable(c.binding), typedTable(c.headers), broker, mdl)
		}
	}
}
