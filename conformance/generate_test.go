package conformance

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// topology is one generated case: what to declare in a fresh vhost and
// the probes to publish there.
type topology struct {
	seed      uint64
	index     int
	exchanges []ExchangeDecl
	queues    []string
	bindings  []BindingDecl
	policies  []PolicyDecl
	probes    []Probe
	// policyOf is the policy each exchange must show before publishing.
	policyOf map[string]string
}

// The exchanges every vhost has, with their types. amq.rabbitmq.trace is
// internal.
var builtinExchanges = map[string]string{
	"amq.direct":         "direct",
	"amq.fanout":         "fanout",
	"amq.headers":        "headers",
	"amq.match":          "headers",
	"amq.topic":          "topic",
	"amq.rabbitmq.trace": "topic",
}

const (
	missingExchange = "nx-missing" // never declared
	missingQueue    = "nosuchq"    // never declared
)

var exchangeKinds = []string{"direct", "fanout", "topic", "headers"}

// gen draws from one topology's own random stream, so a topology can be
// regenerated alone from the run's seed and its index.
type gen struct {
	r    *rand.Rand
	topo *topology
	// declared is every exchange a binding or AE can name: generated and
	// built-in (not the default exchange, which takes no bindings).
	declared []string
	kindOf   map[string]string
	internal map[string]bool
}

func newTopology(seed uint64, index, probes int) *topology {
	g := &gen{
		r:        rand.New(rand.NewPCG(seed, uint64(index))),
		topo:     &topology{seed: seed, index: index},
		kindOf:   map[string]string{},
		internal: map[string]bool{"amq.rabbitmq.trace": true},
	}
	for _, name := range sortedKeys(builtinExchanges) {
		g.declared = append(g.declared, name)
		g.kindOf[name] = builtinExchanges[name]
	}
	g.queues()
	g.exchanges()
	g.bindings()
	g.structures()
	g.policies()
	for i := range probes {
		g.topo.probes = append(g.topo.probes, g.probe(fmt.Sprintf("p%d", i)))
	}
	return g.topo
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool   { return g.r.Float64() < p }

// weighted picks one item; weights need not sum to anything.
func weighted[T any](r *rand.Rand, items []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return items[i]
		}
		n -= w
	}
	panic("unreachable")
}

func (g *gen) queues() {
	n := 4 + g.r.IntN(6)
	for i := range n {
		g.topo.queues = append(g.topo.queues, fmt.Sprintf("q%d", i))
	}
	// Queues named like routing keys, so the default exchange and CC keys
	// reach them by the words the other exchanges route on.
	for _, q := range []string{"a", "a.b"} {
		if g.chance(0.5) {
			g.topo.queues = append(g.topo.queues, q)
		}
	}
}

func (g *gen) exchanges() {
	n := 4 + g.r.IntN(6)
	var names []string
	for i := range n {
		kind := g.pick(exchangeKinds)
		name := fmt.Sprintf("x%d-%s", i, kind)
		names = append(names, name)
		g.kindOf[name] = kind
		g.internal[name] = g.chance(0.2)
	}
	g.declared = append(g.declared, names...)
	for _, name := range names {
		g.topo.exchanges = append(g.topo.exchanges, ExchangeDecl{Name: name, Kind: g.kindOf[name], Internal: g.internal[name]})
	}
	for i := range g.topo.exchanges {
		if x := &g.topo.exchanges[i]; g.chance(0.35) {
			x.Args = amqp.Table{"alternate-exchange": g.aeTarget(x.Name)}
		}
	}
}

// aeTarget names an alternate exchange: usually a generated one (chains
// and loops follow), sometimes a built-in, the exchange itself, or one
// that does not exist.
func (g *gen) aeTarget(self string) string {
	switch weighted(g.r, []int{0, 1, 2, 3}, []int{70, 10, 10, 10}) {
	case 1:
		return g.pick([]string{"amq.direct", "amq.fanout", "amq.topic", "amq.match"})
	case 2:
		return self
	case 3:
		return missingExchange
	}
	return g.pick(g.generated())
}

func (g *gen) generated() []string {
	out := make([]string, 0, len(g.topo.exchanges))
	for _, x := range g.topo.exchanges {
		out = append(out, x.Name)
	}
	return out
}

func (g *gen) bindings() {
	sources := append(g.generated(), "amq.direct", "amq.topic", "amq.fanout", "amq.headers", "amq.match")
	for _, src := range sources {
		n := 1 + g.r.IntN(4)
		for range n {
			b := BindingDecl{Source: src}
			if g.chance(0.3) {
				b.ToExchange = true
				b.Destination = g.pick(g.declared)
				if b.Destination == "amq.rabbitmq.trace" {
					b.Destination = g.pick(g.generated())
				}
			} else {
				b.Destination = g.pick(g.topo.queues)
			}
			g.keyFor(&b)
			g.topo.bindings = append(g.topo.bindings, b)
		}
	}
}

// keyFor fills in the binding key or arguments the source's type reads.
func (g *gen) keyFor(b *BindingDecl) {
	switch g.kindOf[b.Source] {
	case "direct":
		b.Key = g.routingKey(2)
	case "topic":
		b.Key = g.topicPattern()
	case "fanout":
		if g.chance(0.3) {
			b.Key = g.routingKey(2) // ignored
		}
	case "headers":
		b.Args = g.headersBinding()
		if g.chance(0.2) {
			b.Key = g.routingKey(2) // ignored
		}
	}
}

// catchAll fills in a binding that matches every message.
func (g *gen) catchAll(b *BindingDecl) {
	switch g.kindOf[b.Source] {
	case "direct":
		b.Key = g.routingKey(1) // no catch-all: the key must match
	case "topic":
		b.Key = "#"
	case "headers":
		b.Args = amqp.Table{"x-match": "all"}
	}
}

// structures adds what random bindings make too rarely: a cycle, a
// diamond, an internal exchange reached by E2E and as an AE, and an AE
// chain that ends in a loop.
func (g *gen) structures() {
	xs := g.generated()
	perm := g.r.Perm(len(xs))
	at := func(i int) string { return xs[perm[i%len(perm)]] }
	bind := func(src, dst string, toExchange bool) {
		b := BindingDecl{Source: src, Destination: dst, ToExchange: toExchange}
		g.catchAll(&b)
		g.topo.bindings = append(g.topo.bindings, b)
	}
	// Cycle: a → b → a, and a queue on b.
	bind(at(0), at(1), true)
	bind(at(1), at(0), true)
	bind(at(1), g.pick(g.topo.queues), false)
	// Diamond: c → d, c → e, d → f, e → f, f → queue.
	bind(at(2), at(3), true)
	bind(at(2), at(4), true)
	bind(at(3), at(5), true)
	bind(at(4), at(5), true)
	bind(at(5), g.pick(g.topo.queues), false)
	// An internal exchange with a queue, reached by E2E and as an AE.
	internal := fmt.Sprintf("x%d-internal-fanout", len(xs))
	g.kindOf[internal] = "fanout"
	g.internal[internal] = true
	g.declared = append(g.declared, internal)
	g.topo.exchanges = append(g.topo.exchanges, ExchangeDecl{Name: internal, Kind: "fanout", Internal: true})
	bind(internal, g.pick(g.topo.queues), false)
	bind(at(6), internal, true)
	// An AE chain into a loop: an exchange falls back to loopA, whose AE
	// is loopB, whose AE is loopA; each routes only a few keys itself.
	loopA, loopB := fmt.Sprintf("x%d-loop-direct", len(xs)+1), fmt.Sprintf("x%d-loop-topic", len(xs)+2)
	for _, l := range []struct{ name, kind, ae string }{{loopA, "direct", loopB}, {loopB, "topic", loopA}} {
		g.kindOf[l.name] = l.kind
		g.internal[l.name] = g.chance(0.5)
		g.declared = append(g.declared, l.name)
		g.topo.exchanges = append(g.topo.exchanges, ExchangeDecl{
			Name: l.name, Kind: l.kind, Internal: g.internal[l.name],
			Args: amqp.Table{"alternate-exchange": l.ae},
		})
	}
	g.topo.bindings = append(g.topo.bindings,
		BindingDecl{Source: loopA, Destination: g.pick(g.topo.queues), Key: "c.c"},
		BindingDecl{Source: loopB, Destination: g.pick(g.topo.queues), Key: "b.#"})
	g.setAE(at(7), internal)
	g.setAE(at(8), loopA)
}

// setAE gives the exchange an alternate-exchange argument.
func (g *gen) setAE(name, ae string) {
	for i := range g.topo.exchanges {
		if x := &g.topo.exchanges[i]; x.Name == name {
			if x.Args == nil {
				x.Args = amqp.Table{}
			}
			x.Args["alternate-exchange"] = ae
		}
	}
}

func (g *gen) policies() {
	var withArg []string
	for _, x := range g.topo.exchanges {
		if _, ok := x.Args["alternate-exchange"]; ok {
			withArg = append(withArg, x.Name)
		}
	}
	n := g.r.IntN(4)
	if len(withArg) > 0 {
		n++
	}
	priorities := g.r.Perm(10) // distinct: RabbitMQ breaks ties arbitrarily
	for i := range n {
		p := PolicyDecl{
			Name:     fmt.Sprintf("pol%d", i),
			ApplyTo:  weighted(g.r, []string{"exchanges", "all", "queues"}, []int{6, 3, 1}),
			Priority: priorities[i],
			Definition: map[string]any{
				"alternate-exchange": g.aeTarget(""),
			},
		}
		switch {
		case i == 0 && len(withArg) > 0:
			// The exchange's own AE argument must win over this.
			p.Pattern, p.ApplyTo = "^"+regexp.QuoteMeta(g.pick(withArg))+"$", "exchanges"
		case g.chance(0.15):
			p.Pattern = "^amq\\.(direct|topic|match)$"
		case g.chance(0.1):
			p.Pattern = ".*" // everything, but at some priority
		case g.chance(0.5):
			p.Pattern = "^" + regexp.QuoteMeta(g.pick(g.generated())) + "$"
		default:
			p.Pattern = fmt.Sprintf("^x[%d-%d]-", g.r.IntN(3), 3+g.r.IntN(5))
		}
		if p.Definition["alternate-exchange"] == "" {
			p.Definition["alternate-exchange"] = g.pick(g.generated())
		}
		g.topo.policies = append(g.topo.policies, p)
	}
	g.topo.policyOf = expectedPolicies(g.topo.policies, g.declared)
}

// expectedPolicies says which policy RabbitMQ applies to each exchange:
// the highest-priority one whose pattern matches and that applies to
// exchanges. It is worked out here, not by the model, so that waiting for
// policies does not assume what is being tested.
func expectedPolicies(ps []PolicyDecl, exchanges []string) map[string]string {
	out := make(map[string]string, len(exchanges))
	for _, x := range exchanges {
		best := -1
		for _, p := range ps {
			if p.ApplyTo != "exchanges" && p.ApplyTo != "all" {
				continue
			}
			if regexp.MustCompile(p.Pattern).MatchString(x) && p.Priority > best {
				best, out[x] = p.Priority, p.Name
			}
		}
		if best < 0 {
			out[x] = ""
		}
	}
	return out
}

// routingKey draws a key of up to maxWords dot-separated words, empty
// words and literal * and # included; zero words is the empty key.
func (g *gen) routingKey(maxWords int) string {
	n := g.r.IntN(maxWords + 1)
	words := make([]string, n)
	for i := range words {
		words[i] = weighted(g.r, []string{"a", "b", "c", "", "*", "#"}, []int{35, 25, 15, 15, 5, 5})
	}
	return strings.Join(words, ".")
}

// topicPattern draws a binding key heavy in wildcards, # runs included.
func (g *gen) topicPattern() string {
	n := g.r.IntN(5)
	words := make([]string, n)
	for i := range words {
		words[i] = weighted(g.r, []string{"a", "b", "", "*", "#"}, []int{25, 20, 10, 20, 25})
	}
	return strings.Join(words, ".")
}

// headersBinding draws binding arguments: an x-match mode (or none) and
// up to three typed values. Keys are few so that probes hit them; x-k
// counts only in the with-x modes; CC and BCC test which routing headers
// a headers exchange sees.
func (g *gen) headersBinding() amqp.Table {
	if g.chance(0.05) {
		return nil
	}
	args := amqp.Table{}
	if mode := weighted(g.r, []string{"", "all", "any", "all-with-x", "any-with-x"}, []int{2, 3, 3, 2, 2}); mode != "" {
		args["x-match"] = mode
	}
	for range g.r.IntN(4) {
		key := weighted(g.r, []string{"a", "b", "c", "x-k", "CC", "BCC"}, []int{30, 25, 15, 20, 3, 3})
		if g.chance(0.12) {
			args[key] = nil // presence only
		} else {
			args[key] = g.value()
		}
	}
	return args
}

// Integers around the edges that matter: zero, signs, type limits, and
// the doubles' exact range (2^53), where Erlang's == between an integer
// and a float changes method.
var intPool = []int64{0, 1, -1, 2, 255, 1<<31 - 1, 1 << 53, 1<<53 + 1, -(1 << 53) - 1, 1 << 60}

var floatPool = []float64{1, 1.5, 0.5, 1.1, 2, 1 << 53}

// value draws a typed AMQP value. Values come from small pools in many
// encodings, so equal values in different types meet often.
func (g *gen) value() any {
	switch weighted(g.r, []int{0, 1, 2, 3, 4, 5, 6, 7}, []int{40, 12, 15, 6, 3, 4, 6, 6}) {
	case 0:
		return g.intValue(g.pick64(intPool))
	case 1:
		f := floatPool[g.r.IntN(len(floatPool))]
		if g.chance(0.5) {
			return float32(f)
		}
		return f
	case 2:
		s := g.pick([]string{"1", "abc", ""})
		if g.chance(0.4) {
			return []byte(s)
		}
		return s
	case 3:
		return g.chance(0.5)
	case 4:
		return nil
	case 5:
		return g.pickAny(amqp.Decimal{Scale: 0, Value: 1}, amqp.Decimal{Scale: 2, Value: -5}, amqp.Decimal{Scale: 1, Value: 10})
	case 6:
		// Nested tables have at most one key: RabbitMQ compares nested
		// tables in wire order, and amqp091-go writes a map in random order.
		// Empty tables and arrays come often: both decode to [] in Erlang.
		return g.pickAny(amqp.Table{}, amqp.Table{}, amqp.Table{"k": int32(1)}, amqp.Table{"k": int64(1)}, amqp.Table{"k": "1"})
	default:
		return g.pickAny([]any{}, []any{}, []any{int32(1)}, []any{int32(1), "x"}, []any{int64(1)}, []any{"1"}, []any{amqp.Table{}})
	}
}

func (g *gen) pick64(xs []int64) int64 { return xs[g.r.IntN(len(xs))] }
func (g *gen) pickAny(xs ...any) any   { return xs[g.r.IntN(len(xs))] }

// intValue encodes the integer in a random field type that can carry it:
// any integer width, a float, a double, or a timestamp.
func (g *gen) intValue(v int64) any {
	var enc []func() any
	if v >= -128 && v <= 127 {
		enc = append(enc, func() any { return int8(v) })
	}
	if v >= 0 && v <= 255 {
		enc = append(enc, func() any { return uint8(v) })
	}
	if v >= -1<<15 && v < 1<<15 {
		enc = append(enc, func() any { return int16(v) })
	}
	if v >= 0 && v < 1<<16 {
		enc = append(enc, func() any { return uint16(v) })
	}
	if v >= -1<<31 && v < 1<<31 {
		enc = append(enc, func() any { return int32(v) })
	}
	if v >= 0 && v < 1<<32 {
		enc = append(enc, func() any { return uint32(v) })
	}
	if v >= 0 {
		enc = append(enc, func() any { return time.Unix(v, 0) })
	}
	enc = append(enc,
		func() any { return v },
		func() any { return v },
		func() any { return float64(v) },
		func() any { return float32(v) },
	)
	return enc[g.r.IntN(len(enc))]()
}

// probe draws one message: where it goes, its key, its headers. Probes the
// broker must refuse (internal or missing exchange, a CC or BCC header that
// is not an array) are marked so.
func (g *gen) probe(id string) Probe {
	p := Probe{ID: id}
	var publishable, internal []string
	for _, x := range g.declared {
		if g.internal[x] {
			internal = append(internal, x)
		} else {
			publishable = append(publishable, x)
		}
	}
	switch weighted(g.r, []int{0, 1, 2, 3}, []int{80, 14, 3, 2}) {
	case 0:
		p.Exchange = g.pick(publishable)
	case 1:
		p.Exchange = "" // the default exchange
	case 2:
		p.Exchange, p.Refused = g.pick(internal), true
	case 3:
		p.Exchange, p.Refused = missingExchange, true
	}
	switch weighted(g.r, []int{0, 1, 2}, []int{70, 22, 8}) {
	case 0:
		p.Key = g.routingKey(4)
	case 1:
		p.Key = g.pick(g.topo.queues)
	case 2:
		p.Key = missingQueue
	}
	if g.chance(0.25) {
		return p // no headers property at all
	}
	p.Headers = amqp.Table{}
	for range g.r.IntN(4) {
		p.Headers[weighted(g.r, []string{"a", "b", "c", "x-k"}, []int{30, 25, 15, 20})] = g.value()
	}
	for _, h := range []string{"CC", "BCC"} {
		switch weighted(g.r, []int{0, 1, 2}, []int{80, 19, 1}) {
		case 1:
			var keys []any
			for range 1 + g.r.IntN(2) {
				if g.chance(0.5) {
					keys = append(keys, g.pick(g.topo.queues))
				} else {
					keys = append(keys, g.routingKey(3))
				}
			}
			if g.chance(0.15) {
				keys = append(keys, int32(1)) // not a longstr: ignored
			}
			p.Headers[h] = keys
		case 2:
			p.Headers[h], p.Refused = g.routingKey(2), true // must be an array
		}
	}
	return p
}

// describe renders the topology for a failure report.
func (t *topology) describe() string {
	var sb strings.Builder
	for _, x := range t.exchanges {
		fmt.Fprintf(&sb, "  exchange %q %s internal=%v args %s\n", x.Name, x.Kind, x.Internal, typedTable(x.Args))
	}
	fmt.Fprintf(&sb, "  queues %q\n", t.queues)
	for _, b := range t.bindings {
		kind := "queue"
		if b.ToExchange {
			kind = "exchange"
		}
		fmt.Fprintf(&sb, "  bind %q → %s %q key %q args %s\n", b.Source, kind, b.Destination, b.Key, typedTable(b.Args))
	}
	for _, p := range t.policies {
		fmt.Fprintf(&sb, "  policy %q pattern %q apply-to %s priority %d %v\n", p.Name, p.Pattern, p.ApplyTo, p.Priority, p.Definition)
	}
	return sb.String()
}

// Counts of what the generated topologies exercise, for the summary.
type coverage struct {
	exchanges, internal, policies, e2e, headersBindings int
	// alternate-exchange arguments by what they name
	aeArg, aeSelf, aeMissing, aeBuiltin int
	// policies whose AE loses to the exchange's own argument
	argOverPolicy int
	modes         map[string]int
}

func (c *coverage) add(t *topology) {
	if c.modes == nil {
		c.modes = map[string]int{}
	}
	c.exchanges += len(t.exchanges)
	c.policies += len(t.policies)
	for _, x := range t.exchanges {
		if x.Internal {
			c.internal++
		}
		ae, ok := x.Args["alternate-exchange"].(string)
		if !ok {
			continue
		}
		c.aeArg++
		switch {
		case ae == x.Name:
			c.aeSelf++
		case ae == missingExchange:
			c.aeMissing++
		case builtinExchanges[ae] != "":
			c.aeBuiltin++
		}
		if t.policyOf[x.Name] != "" { // every generated policy sets an AE
			c.argOverPolicy++
		}
	}
	kinds := map[string]string{}
	for _, x := range t.exchanges {
		kinds[x.Name] = x.Kind
	}
	for n, k := range builtinExchanges {
		kinds[n] = k
	}
	for _, b := range t.bindings {
		if b.ToExchange {
			c.e2e++
		}
		if kinds[b.Source] == "headers" {
			c.headersBindings++
			mode, _ := b.Args["x-match"].(string)
			if mode == "" {
				mode = "none"
			}
			c.modes[mode]++
		}
	}
}

func (c *coverage) String() string {
	var modes []string
	for _, m := range sortedKeys(c.modes) {
		modes = append(modes, fmt.Sprintf("%s %d", m, c.modes[m]))
	}
	return fmt.Sprintf("%d exchanges (%d internal), %d AE arguments (%d naming the exchange itself, %d a missing one, %d a built-in), "+
		"%d policies (%d exchanges whose own AE argument must win over one), %d E2E bindings, %d headers bindings (x-match: %s)",
		c.exchanges, c.internal, c.aeArg, c.aeSelf, c.aeMissing, c.aeBuiltin,
		c.policies, c.argOverPolicy, c.e2e, c.headersBindings, strings.Join(modes, ", "))
}
