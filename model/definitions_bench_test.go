package model_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"

	"github.com/kaiten-bus/kaiten/internal/benchtopo"
	"github.com/kaiten-bus/kaiten/model"
)

// largeDefinitions is the full benchmark topology (100k topic and 100k
// direct bindings over 20k queues) as a definitions export, about 29 MB.
var largeDefinitions = sync.OnceValue(func() []byte {
	defs := &model.Definitions{RabbitMQVersion: "3.10.8", Vhosts: []model.Vhost{benchtopo.Vhost(benchtopo.Full)}}
	data, err := defs.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return data
})

// BenchmarkParseDefinitionsLarge measures ParseDefinitions on the full
// benchmark topology. Besides time and allocations it reports peak-heap-B:
// the most heap found live at the end of any garbage collection during one
// parse, beyond what was live before it (the input included), with
// collections made frequent so that the figure is close to the true peak.
func BenchmarkParseDefinitionsLarge(b *testing.B) {
	data := largeDefinitions()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.ParseDefinitions("definitions.json", data, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peakLiveHeap(b, data)), "peak-heap-B")
}

// peakLiveHeap parses data once, with the garbage collector running after
// every 5% of heap growth, and returns the largest live heap a collection
// left, less the live heap before the parse.
func peakLiveHeap(b *testing.B, data []byte) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	base := liveHeap()
	var (
		mu   sync.Mutex
		peak = base
		stop bool
	)
	// A finalizer runs after each collection and sets itself up again for
	// the next; it records the live heap the collection left.
	type sentinel struct{ _ [16]byte }
	var watch func(*sentinel)
	watch = func(*sentinel) {
		mu.Lock()
		defer mu.Unlock()
		peak = max(peak, liveHeap())
		if !stop {
			runtime.SetFinalizer(new(sentinel), watch)
		}
	}
	runtime.SetFinalizer(new(sentinel), watch)
	defs, err := model.ParseDefinitions("definitions.json", data, "")
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the finished model counts too
	runtime.KeepAlive(defs)
	mu.Lock()
	stop = true
	mu.Unlock()
	runtime.GC()
	mu.Lock()
	defer mu.Unlock()
	return peak - base
}

// liveHeap is the heap the last collection marked live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
