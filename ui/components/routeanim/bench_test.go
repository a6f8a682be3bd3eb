package routeanim

import (
	"testing"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// BenchmarkFrame is one frame of a route with an exchange-to-exchange
// hop, a consumer and a dead-letter branch, as drawn at each tick.
func BenchmarkFrame(b *testing.B) {
	st := styles.New(themes.Dark(), false)
	r := Layout(trace(b, "logs", "eu.orders", 1), Options{Consumed: map[string]bool{"q.eu": true}})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Frame(st, r, i%(r.Steps()+1), 100)
	}
}

// BenchmarkLayout is laying a trace out, once per message published.
func BenchmarkLayout(b *testing.B) {
	tr := trace(b, "logs", "eu.orders", 1)
	b.ReportAllocs()
	for b.Loop() {
		_ = Layout(tr, Options{})
	}
}
