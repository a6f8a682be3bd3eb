package conformance

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

var seedFlag = flag.Uint64("conformance.seed", 0,
	"seed of the generated topologies; 0 takes $KAITEN_CONFORMANCE_SEED, else the clock")

// Environment knobs of TestRoutingDifferential.
const (
	envSeed       = "KAITEN_CONFORMANCE_SEED"       // seed, to reproduce a run
	envTopologies = "KAITEN_CONFORMANCE_TOPOLOGIES" // how many topologies (default 48; 8 with -short)
	envProbes     = "KAITEN_CONFORMANCE_PROBES"     // probes per topology (default 200)
	envOnly       = "KAITEN_CONFORMANCE_ONLY"       // run only the topology with this index
)

func envInt(t *testing.T, key string, def int) int {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", key, v, err)
	}
	return n
}

func runSeed(t *testing.T) uint64 {
	t.Helper()
	if *seedFlag != 0 {
		return *seedFlag
	}
	if v := os.Getenv(envSeed); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envSeed, v, err)
		}
		return s
	}
	return uint64(time.Now().UnixNano())
}

// tally counts what the broker did with the probes.
type tally struct {
	topologies, probes, routed, unroutable, refused, disagreements int
	viaCLI                                                         int // probes also run through `kaiten trace --batch`
	cover                                                          coverage
}

// TestRoutingDifferential declares random topologies in fresh vhosts of a
// live RabbitMQ, publishes probes to them, and checks that the model
// routes every probe exactly where the broker did: the same queues, a
// basic.return exactly when the model finds no queue, and the same
// channel error for refused publishes.
//
// It runs on every broker target: on the embedded broker it checks the
// AMQP server around the very router it compares with.
func TestRoutingDifferential(t *testing.T) {
	seed := runSeed(t) // the same topologies on every target
	for _, tg := range brokerTargets() {
		t.Run(tg.Name, func(t *testing.T) { routingDifferential(t, tg, seed) })
	}
}

func routingDifferential(t *testing.T, tg Target, seed uint64) {
	b, version := requireTarget(t, tg)
	t.Logf("seed %d: rerun with %s=%d (or -conformance.seed=%d); %s, RabbitMQ %s", seed, envSeed, seed, seed, tg.Name, version)
	topologies, probes := 48, 200
	if testing.Short() {
		topologies = 8
	}
	topologies = envInt(t, envTopologies, topologies)
	probes = envInt(t, envProbes, probes)
	only := envInt(t, envOnly, -1)
	eq := model.HeadersEqualityFor(version)

	var (
		mu    sync.Mutex
		total tally
		wg    sync.WaitGroup
	)
	jobs := make(chan int)
	for range 4 { // vhost setup is latency, not CPU: overlap a few
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t.Run(fmt.Sprintf("topology%02d", i), func(t *testing.T) {
					topo := newTopology(seed, i, probes)
					got := runTopology(t, b, topo, eq)
					mu.Lock()
					defer mu.Unlock()
					total.topologies += got.topologies
					total.probes += got.probes
					total.routed += got.routed
					total.unroutable += got.unroutable
					total.refused += got.refused
					total.disagreements += got.disagreements
					total.viaCLI += got.viaCLI
					total.cover.add(topo)
				})
			}
		}()
	}
	for i := range topologies {
		if only < 0 || only == i {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	t.Logf("summary: %d topologies, %d probes: %d routed, %d unroutable (returned), %d refused; %d disagreements with the model; %d probes also through kaiten trace --batch on the exported definitions",
		total.topologies, total.probes, total.routed, total.unroutable, total.refused, total.disagreements, total.viaCLI)
	t.Logf("coverage: %s", &total.cover)
}

// runTopology runs one generated topology on the broker and compares.
func runTopology(t *testing.T, b *Broker, topo *topology, eq model.HeadersEquality) tally {
	vhost := fmt.Sprintf("kaiten-conformance-%d-%02d", os.Getpid(), topo.index)
	conn := freshVhost(t, b, vhost)
	if err := Declare(conn, topo.exchanges, topo.queues, topo.bindings); err != nil {
		t.Fatalf("declare: %v\n%s", err, topo.describe())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, p := range topo.policies {
		if err := b.SetPolicy(ctx, vhost, p); err != nil {
			t.Fatalf("policy %s: %v", p.Name, err)
		}
	}
	if len(topo.policies) > 0 {
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
		err := b.WaitExchangePolicies(wctx, vhost, topo.policyOf)
		wcancel()
		if err != nil {
			t.Fatalf("%v\n%s", err, topo.describe())
		}
	}
	out, err := Run(ctx, conn, topo.queues, topo.probes)
	if err != nil {
		t.Fatalf("%v\n%s", err, topo.describe())
	}

	r := model.NewRouter(modelVhost(vhost, topo.exchanges, topo.queues, topo.bindings, topo.policies), model.Options{HeadersEquality: eq})
	got := tally{topologies: 1, probes: len(topo.probes)}
	for _, p := range topo.probes {
		o := out[p.ID]
		switch {
		case o.Code != 0:
			got.refused++
		case o.Returned:
			got.unroutable++
		default:
			got.routed++
		}
		m := model.Message{Exchange: p.Exchange, RoutingKey: p.Key, Headers: modelTable(p.Headers)}
		res := r.Route(m)
		d := disagreement(o, res)
		if d == "" {
			// The explained walk must tell the same story as the fast one.
			tr := r.Trace(m, model.TraceOptions{NearMisses: -1})
			if d = disagreement(o, model.RouteResult{Queues: tr.Queues, Err: tr.Error}); d != "" {
				d = "trace: " + d
			}
		}
		if d != "" {
			got.disagreements++
			if got.disagreements == 1 {
				t.Logf("rerun this topology alone with %s=%d %s=%d; it is:\n%s",
					envSeed, topo.seed, envOnly, topo.index, topo.describe())
			}
			if got.disagreements <= 10 {
				t.Errorf("probe %s: exchange %q key %q headers %s:\n  %s", p.ID, p.Exchange, p.Key, typedTable(p.Headers), d)
			}
		}
	}
	if got.disagreements > 10 {
		t.Errorf("… %d disagreements in all", got.disagreements)
	}
	got.viaCLI = checkTraceCLI(t, b, vhost, topo.bindings, topo.probes, out)
	return got
}

// disagreement compares the broker's outcome with the model's route and
// says how they differ, or returns "".
func disagreement(o *Outcome, res model.RouteResult) string {
	broker := fmt.Sprintf("broker: queues %q returned=%v", o.Queues, o.Returned)
	if o.Code != 0 {
		broker = fmt.Sprintf("broker: channel error %d %s", o.Code, o.Text)
	}
	mdl := fmt.Sprintf("model: queues %q unroutable=%v", res.Queues, res.Unroutable())
	if res.Err != nil {
		mdl = fmt.Sprintf("model: error %d %s", res.Err.Code, res.Err.Text)
	}
	switch {
	case o.Code != 0 || res.Err != nil:
		if res.Err == nil || o.Code != res.Err.Code {
			return broker + "; " + mdl
		}
	case o.Returned != (len(o.Queues) == 0):
		return "broker inconsistent: " + broker
	case len(slices.Compact(slices.Clone(o.Queues))) != len(o.Queues):
		return "broker delivered a copy twice: " + broker
	case !slices.Equal(o.Queues, res.Queues) || o.Returned != res.Unroutable():
		return broker + "; " + mdl
	}
	return ""
}

// typedTable renders a table with every value's AMQP type, nested ones
// included, for failure reports.
func typedTable(t amqp.Table) string {
	if t == nil {
		return "none"
	}
	return typedValue(model.Value{Type: model.TypeTable, Table: modelTable(t)})
}

func typedValue(v model.Value) string {
	switch v.Type {
	case model.TypeTable:
		parts := make([]string, 0, len(v.Table))
		for _, k := range v.Table.Keys() {
			parts = append(parts, strconv.Quote(k)+": "+typedValue(v.Table[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case model.TypeArray:
		parts := make([]string, len(v.Array))
		for i, e := range v.Array {
			parts[i] = typedValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.String()
}
