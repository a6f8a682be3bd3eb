package model_test

import (
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
