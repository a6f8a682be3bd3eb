package model_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/kaiten-bus/kaiten/internal/benchtopo"
	"github.com/kaiten-bus/kaiten/model"
)

// benchRoute measures Route over a generated topology; the probes cycle.
func benchRoute(b *testing.B, size benchtopo.Size) {
	r := model.NewRouter(benchtopo.Vhost(size), model.Options{})
	probes := benchtopo.Probes(size, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	queues := 0
	for i := 0; b.Loop(); i++ {
		queues += len(r.Route(probes[i%len(probes)]).Queues)
	}
	if queues == 0 {
		b.Fatal("no probe reached a queue")
	}
}

// BenchmarkRoute is the target: 100k topic + 100k direct bindings.
func BenchmarkRoute(b *testing.B) { benchRoute(b, benchtopo.Full) }

// BenchmarkRouteSmall has 1/100 of the bindings: the cost per route must not
// grow with bindings that do not match.
func BenchmarkRouteSmall(b *testing.B) {
	benchRoute(b, benchtopo.Size{TopicBindings: 1000, DirectBindings: 1000, Queues: 200})
}

// BenchmarkTrace measures the explained walk without near misses, as
// `kaiten trace --batch` runs it.
func BenchmarkTrace(b *testing.B) {
	r := model.NewRouter(benchtopo.Vhost(benchtopo.Full), model.Options{})
	probes := benchtopo.Probes(benchtopo.Full, 4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = r.Trace(probes[i%len(probes)], model.TraceOptions{})
	}
}

// BenchmarkRouterMemory reports the heap a router over the full topology
// holds (topology included), in MB.
func BenchmarkRouterMemory(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := model.NewRouter(benchtopo.Vhost(benchtopo.Full), model.Options{})
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "MB-heap")
		runtime.KeepAlive(r)
	}
}

// BenchmarkRouteNonMatching keeps what matches fixed (three topic bindings
// and one direct binding) and grows the bindings that do not match, from a
// thousand to a million: the cost of a route must stay flat.
func BenchmarkRouteNonMatching(b *testing.B) {
	for _, noise := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("bindings=%d", noise), func(b *testing.B) {
			v := model.Vhost{Name: "/", Exchanges: []model.Exchange{
				{Name: "t", Type: model.ExchangeTopic}, {Name: "d", Type: model.ExchangeDirect},
			}}
			for i := range 4 {
				v.Queues = append(v.Queues, model.Queue{Name: fmt.Sprintf("hit%d", i)})
			}
			v.Queues = append(v.Queues, model.Queue{Name: "noise"})
			v.Bindings = append(v.Bindings,
				model.Binding{Source: "t", Destination: "hit0", RoutingKey: "compute.host1"},
				model.Binding{Source: "t", Destination: "hit1", RoutingKey: "compute.*"},
				model.Binding{Source: "t", Destination: "hit2", RoutingKey: "#.host1"},
				model.Binding{Source: "d", Destination: "hit3", RoutingKey: "compute.host1"},
			)
			for i := range noise / 2 {
				// Noise shares the first word or the wildcards, so the
				// walk passes near it without matching.
				v.Bindings = append(v.Bindings,
					model.Binding{Source: "t", Destination: "noise", RoutingKey: fmt.Sprintf("compute.host%d.x", i+2)},
					model.Binding{Source: "d", Destination: "noise", RoutingKey: fmt.Sprintf("compute.host%d", i+2)},
				)
			}
			r := model.NewRouter(v, model.Options{})
			topic := model.Message{Exchange: "t", RoutingKey: "compute.host1"}
			direct := model.Message{Exchange: "d", RoutingKey: "compute.host1"}
			if got := r.Route(topic).Queues; len(got) != 3 {
				b.Fatalf("topic route %v, want 3 queues", got)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					r.Route(topic)
				} else {
					r.Route(direct)
				}
			}
		})
	}
}
