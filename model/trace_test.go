package model

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func novaVhost() Vhost {
	return Vhost{
		Name: "/",
		Exchanges: []Exchange{
			{Name: "nova", Type: ExchangeTopic, Arguments: Table{"alternate-exchange": String("unrouted")}},
			{Name: "unrouted", Type: ExchangeFanout},
			{Name: "audit", Type: ExchangeFanout, Internal: true},
			{Name: "dlx", Type: ExchangeTopic},
		},
		Queues: []Queue{
			{Name: "compute", Arguments: Table{"x-dead-letter-exchange": String("dlx")}},
			{Name: "compute.host1"},
			{Name: "lost"},
			{Name: "audit.log"},
			{Name: "dead", Arguments: Table{"x-dead-letter-exchange": String("dlx")}},
		},
		Bindings: []Binding{
			{Source: "nova", Destination: "compute", RoutingKey: "compute"},
			{Source: "nova", Destination: "compute.host1", RoutingKey: "compute.host1"},
			{Source: "nova", Destination: "compute", RoutingKey: "compute.*"},
			{Source: "nova", Destination: "audit", DestinationType: DestExchange, RoutingKey: "#"},
			{Source: "audit", Destination: "audit.log"},
			{Source: "audit", Destination: "nova", DestinationType: DestExchange}, // a cycle back
			{Source: "unrouted", Destination: "lost"},
			{Source: "dlx", Destination: "dead", RoutingKey: "#"},
		},
	}
}

func TestTraceExplainsRoute(t *testing.T) {
	r := NewRouter(novaVhost(), Options{})
	tr := r.Trace(Message{Exchange: "nova", RoutingKey: "compute.host1.extra"}, TraceOptions{NearMisses: -1})
	if got := strings.Join(tr.Queues, ","); got != "audit.log" {
		t.Fatalf("queues = %s, want audit.log", got)
	}
	var miss string
	for _, b := range tr.Hops[0].Bindings {
		if b.RoutingKey == "compute.*" {
			miss = b.Reason
		}
	}
	if want := "`*` needs exactly one word here; `host1.extra` has two words"; miss != want {
		t.Errorf("reason for compute.* = %q, want %q", miss, want)
	}
	if a := tr.Hops[0].Alternate; a == nil || a.Taken {
		t.Errorf("alternate exchange must show as not taken: %+v", a)
	}
	var seen bool
	for _, h := range tr.Hops {
		for _, b := range h.Bindings {
			if b.Destination == "nova" && b.Outcome == OutcomeSeen {
				seen = true
			}
		}
	}
	if !seen {
		t.Error("the cycle audit → nova must show as already seen")
	}
	text := joinLines(tr.Lines())
	for _, want := range []string{"publish to `nova` (topic)", "`audit` (fanout)", "queues (1): `audit.log`"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestTraceAlternateAndDeadLetter(t *testing.T) {
	v := novaVhost()
	v.Bindings = v.Bindings[:3] // no audit path
	r := NewRouter(v, Options{})
	tr := r.Trace(Message{Exchange: "nova", RoutingKey: "scheduler"}, TraceOptions{})
	if got := strings.Join(tr.Queues, ","); got != "" {
		t.Fatalf("queues = %q before unrouted is bound", got)
	}
	v.Bindings = append(v.Bindings, Binding{Source: "unrouted", Destination: "lost"}, Binding{Source: "dlx", Destination: "dead", RoutingKey: "#"})
	r = NewRouter(v, Options{})
	tr = r.Trace(Message{Exchange: "nova", RoutingKey: "scheduler"}, TraceOptions{})
	if got := strings.Join(tr.Queues, ","); got != "lost" {
		t.Fatalf("queues = %q, want lost via the alternate exchange", got)
	}
	if a := tr.Hops[0].Alternate; a == nil || !a.Taken || a.Source != "argument alternate-exchange" {
		t.Errorf("alternate exchange: %+v", a)
	}
	tr = r.Trace(Message{Exchange: "nova", RoutingKey: "compute"}, TraceOptions{})
	if len(tr.DeadLetters) != 1 || tr.DeadLetters[0].Queue != "compute" {
		t.Fatalf("dead letters: %+v", tr.DeadLetters)
	}
	if o := tr.DeadLetters[0].Outcomes; len(o) != 1 || !slices.Equal(o[0].Queues, []string{"dead"}) || len(o[0].Reasons) != 3 {
		t.Errorf("dead-letter outcomes: %+v", o)
	}
	// A dead letter routed back to its own queue is dropped unless rejected.
	tr = r.Trace(Message{Exchange: "dlx", RoutingKey: "x"}, TraceOptions{})
	o := tr.DeadLetters[0].Outcomes
	if len(o) != 2 || !slices.Equal(o[0].Queues, []string{"dead"}) || o[1].Dropped != "dead" {
		t.Errorf("cycle rule: %+v", o)
	}
}

func TestTraceRefusals(t *testing.T) {
	r := NewRouter(novaVhost(), Options{})
	for _, c := range []struct {
		m    Message
		code int
	}{
		{Message{Exchange: "nope"}, CodeNotFound},
		{Message{Exchange: "audit"}, CodeAccessRefused},
		{Message{Exchange: "amq.rabbitmq.trace"}, CodeAccessRefused},
		{Message{Exchange: "nova", Headers: Table{"CC": String("x")}}, CodePreconditionFailed},
		{Message{Exchange: "nova", RoutingKey: strings.Repeat("k", 256)}, CodePreconditionFailed},
	} {
		tr := r.Trace(c.m, TraceOptions{})
		if tr.Error == nil || tr.Error.Code != c.code || r.Route(c.m).Err.Code != c.code {
			t.Errorf("%+v: error %+v, want code %d", c.m, tr.Error, c.code)
		}
	}
}

func TestDefaultExchangeAndCC(t *testing.T) {
	r := NewRouter(novaVhost(), Options{})
	m := Message{Exchange: "", RoutingKey: "compute", Headers: Table{
		"CC":  {Type: TypeArray, Array: []Value{String("lost"), Long(7), String("nosuch")}},
		"BCC": {Type: TypeArray, Array: []Value{String("compute.host1"), String("compute")}},
	}}
	tr := r.Trace(m, TraceOptions{})
	if got := strings.Join(tr.Queues, ","); got != "compute,compute.host1,lost" {
		t.Errorf("queues = %s", got)
	}
	text := joinLines(tr.Lines())
	if !strings.Contains(text, "no queue is named `nosuch`") {
		t.Errorf("missing queue not explained:\n%s", text)
	}
}

func joinLines(ls []TraceLine) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestTraceAgreesWithRoute checks on random topologies that the explained
// walk reaches exactly the queues of the fast one.
func TestTraceAgreesWithRoute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "c", "", "*", "#"}
	key := func() string {
		n := rng.IntN(4)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(ws, ".")
	}
	types := []string{ExchangeDirect, ExchangeFanout, ExchangeTopic, ExchangeHeaders}
	for round := range 300 {
		v := Vhost{Name: "/"}
		nx, nq := 2+rng.IntN(5), 1+rng.IntN(5)
		for i := range nx {
			x := Exchange{Name: "x" + itoa(i), Type: types[rng.IntN(4)], Internal: rng.IntN(5) == 0}
			if rng.IntN(3) == 0 {
				x.Arguments = Table{"alternate-exchange": String("x" + itoa(rng.IntN(nx+1)))}
			}
			v.Exchanges = append(v.Exchanges, x)
		}
		for i := range nq {
			v.Queues = append(v.Queues, Queue{Name: "q" + itoa(i)})
		}
		for range rng.IntN(12) {
			b := Binding{Source: "x" + itoa(rng.IntN(nx)), RoutingKey: key()}
			if rng.IntN(3) == 0 {
				b.Destination, b.DestinationType = "x"+itoa(rng.IntN(nx)), DestExchange
			} else {
				b.Destination = "q" + itoa(rng.IntN(nq))
			}
			if rng.IntN(2) == 0 {
				b.Arguments = Table{"x-match": String([]string{"all", "any"}[rng.IntN(2)]), "h": Long(int64(rng.IntN(2)))}
			}
			v.Bindings = append(v.Bindings, b)
		}
		r := NewRouter(v, Options{})
		for range 20 {
			m := Message{Exchange: "x" + itoa(rng.IntN(nx)), RoutingKey: key(), Headers: Table{"h": Long(int64(rng.IntN(2)))}}
			if rng.IntN(4) == 0 {
				m.Headers["CC"] = Value{Type: TypeArray, Array: []Value{String(key())}}
			}
			want := r.Route(m)
			got := r.Trace(m, TraceOptions{NearMisses: -1})
			if !slices.Equal(got.Queues, want.Queues) || (got.Error == nil) != (want.Err == nil) || got.Unroutable != want.Unroutable() {
				t.Fatalf("round %d: %+v: trace %v/%v, route %v/%v", round, m, got.Queues, got.Error, want.Queues, want.Err)
			}
			_ = got.Lines()
		}
	}
}

// TestTraceAppendJSON checks the hand-written encoder against encoding/json
// on traces of every shape.
func TestTraceAppendJSON(t *testing.T) {
	type withExplanation struct {
		*Trace
		Explanation []string `json:"explanation"`
	}
	r := NewRouter(novaVhost(), Options{})
	msgs := []Message{
		{Exchange: "nova", RoutingKey: "compute.host1.extra"},
		{Exchange: "nova", RoutingKey: "compute", Headers: Table{"CC": {Type: TypeArray, Array: []Value{String("a<b>&\"\\\n\x01\u2028\xff")}}}},
		{Exchange: "nope"},
		{Exchange: "dlx", RoutingKey: "x"},
		{Exchange: "", RoutingKey: "nosuch"},
	}
	for _, m := range msgs {
		tr := r.Trace(m, TraceOptions{NearMisses: -1})
		lines := tr.Lines()
		text := make([]string, len(lines))
		for i, l := range lines {
			text[i] = l.String()
		}
		got := tr.AppendJSON(nil, lines)
		want, err := json.Marshal(withExplanation{&tr, text})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%+v:\n got %s\nwant %s", m, got, want)
		}
	}
}
