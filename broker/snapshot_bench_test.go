package broker

import (
	"strconv"
	"testing"
	"time"
)

// bigSnapshot is a vhost of n queues, each bound once, with counters.
func bigSnapshot(n int, at time.Time, publish int) *Snapshot {
	s := &Snapshot{Kinds: AllKinds, At: at, TotalsTaken: at}
	for i := range n {
		name := "queue." + strconv.Itoa(i)
		s.Queues = append(s.Queues, Queue{Vhost: "v", Name: name, Type: "classic", Messages: int64(i), Stats: counters(StatPublish, publish+i, StatMessages, i)})
		s.Bindings = append(s.Bindings, Binding{Vhost: "v", Source: "x", Destination: name, DestinationType: "queue", RoutingKey: name, PropertiesKey: name})
	}
	for k := range numKinds {
		s.Taken[k] = at
	}
	s.sortAll()
	return s
}

// BenchmarkRefresh10k is the work a poller does per refresh of a
// 10,000-queue vhost once the lists have arrived: diff and rates.
func BenchmarkRefresh10k(b *testing.B) {
	t0 := time.Unix(1000, 0)
	prev := bigSnapshot(10000, t0, 0)
	cur := bigSnapshot(10000, t0.Add(5*time.Second), 100)
	var rt RateTracker
	rt.Observe(prev)
	b.ReportAllocs()
	for b.Loop() {
		d := DiffSnapshots(prev, cur)
		if len(d.Queues.Changed) != 10000 {
			b.Fatal(len(d.Queues.Changed))
		}
		rt.Observe(cur)
	}
}
