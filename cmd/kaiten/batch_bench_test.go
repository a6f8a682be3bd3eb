package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/kaiten-bus/kaiten/internal/benchtopo"
	"github.com/kaiten-bus/kaiten/model"
)

// BenchmarkBatch measures --batch past loading: parsing probe lines,
// tracing them on every core and writing JSON Lines. One op is one probe.
func BenchmarkBatch(b *testing.B) {
	r := model.NewRouter(benchtopo.Vhost(benchtopo.Full), model.Options{})
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, m := range benchtopo.Probes(benchtopo.Full, 100_000) {
		_ = enc.Encode(map[string]string{"exchange": m.Exchange, "routing_key": m.RoutingKey})
	}
	f := &traceFlags{set: map[string]bool{}}
	b.ResetTimer()
	for b.Loop() {
		if code := runBatch(r, f, bytes.NewReader(in.Bytes()), io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100_000), "ns/probe")
}
