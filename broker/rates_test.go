package broker

import (
	"math"
	"testing"
	"time"
)

func TestRatesBetween(t *testing.T) {
	prev := counters(StatPublish, 100, StatAck, 50, StatMessages, 10, StatConfirm, 7)
	cur := counters(StatPublish, 300, StatAck, 40, StatMessages, 4, StatDeliver, 9)
	r := RatesBetween(prev, cur, 2*time.Second)
	if v, ok := r.Get(StatPublish); !ok || v != 100 {
		t.Errorf("publish %v %v", v, ok)
	}
	if _, ok := r.Get(StatAck); ok {
		t.Error("a counter that went backwards has a rate")
	}
	if v, ok := r.Get(StatMessages); !ok || v != -3 {
		t.Errorf("the depth's growth %v %v", v, ok)
	}
	if _, ok := r.Get(StatConfirm); ok {
		t.Error("a counter the new snapshot lacks has a rate")
	}
	if _, ok := r.Get(StatDeliver); ok {
		t.Error("a counter the old snapshot lacks has a rate")
	}
	if !RatesBetween(prev, cur, 0).Empty() {
		t.Error("rates over no time")
	}
	if b, _ := r.MarshalJSON(); string(b) != `{"publish":100,"messages":-3}` {
		t.Errorf("JSON %s", b)
	}
}

func TestComputeRates(t *testing.T) {
	t0 := time.Unix(1000, 0)
	mk := func(at time.Time, publish int) *Snapshot {
		s := &Snapshot{
			Kinds: AllKinds, At: at, TotalsTaken: at, Vhost: "v",
			Vhosts: []VhostInfo{{Name: "v", Stats: counters(StatPublish, publish)}},
			Queues: []Queue{{Vhost: "v", Name: "q", Stats: counters(StatPublish, publish)}},
		}
		s.Taken[KindQueues] = at
		return s
	}
	r := ComputeRates(mk(t0, 10), mk(t0.Add(5*time.Second), 60))
	if r.Queue(ObjectKey{"v", "q"}).Value(StatPublish) != 10 || r.Totals.Value(StatPublish) != 10 || r.Vhosts["v"].Value(StatPublish) != 10 {
		t.Errorf("rates %+v", r)
	}
	if ComputeRates(nil, mk(t0, 1)) != nil {
		t.Error("rates without a previous snapshot")
	}
}

func TestRatesAreAlignedWithTheSnapshot(t *testing.T) {
	t0 := time.Unix(1000, 0)
	mk := func(at time.Time, queues ...string) *Snapshot {
		s := &Snapshot{Kinds: AllKinds, At: at, TotalsTaken: at, Vhost: "v"}
		for i, q := range queues {
			s.Queues = append(s.Queues, Queue{Vhost: "v", Name: q, Stats: counters(StatPublish, (i+1)*int(at.Unix()-1000))})
		}
		s.Taken[KindQueues] = at
		return s
	}
	// b goes, d comes: the rates follow cur's list, index for index.
	prev, cur := mk(t0, "a", "b", "c"), mk(t0.Add(10*time.Second), "a", "c", "d")
	prev.Queues[2].Stats = counters(StatPublish, 0) // c: 0, then 20 in 10 s
	for _, r := range []*RateSheet{ComputeRates(prev, cur), func() *RateSheet {
		var rt RateTracker
		rt.Observe(prev)
		return rt.Observe(cur)
	}()} {
		if len(r.Queues) != 3 {
			t.Fatalf("%d queue rates for 3 queues", len(r.Queues))
		}
		if r.Queue(ObjectKey{"v", "gone"}) != (Rates{}) || !At(r.Queues, 7).Empty() {
			t.Error("rates for a queue that is not there")
		}
		if !r.Queues[2].Empty() || !r.Queue(ObjectKey{"v", "d"}).Empty() {
			t.Error("a new queue has rates")
		}
	}
	r := ComputeRates(prev, cur)
	if got := r.Queues[1].Value(StatPublish); got != 2 {
		t.Errorf("c's rate at index 1 is %v, want 2", got)
	}
	if got := r.Queue(ObjectKey{"v", "a"}).Value(StatPublish); got != 1 {
		t.Errorf("a's rate %v, want 1", got)
	}
}

// stepping simulates RabbitMQ's counters: a flow of rate messages per
// second that the broker publishes in steps every interval.
type stepping struct {
	rate     float64
	interval time.Duration
	start    time.Time
}

func (s stepping) at(now time.Time) int {
	steps := int(now.Sub(s.start) / s.interval)
	return int(s.rate * (time.Duration(steps) * s.interval).Seconds())
}

func TestRateTrackerMeasuresBetweenSteps(t *testing.T) {
	t0 := time.Unix(1000, 0)
	flow := stepping{rate: 200, interval: 5 * time.Second, start: t0.Add(-1300 * time.Millisecond)}
	var rt RateTracker
	key := ObjectKey{"v", "q"}
	var got []float64
	for i := range 40 {
		now := t0.Add(time.Duration(i) * 1100 * time.Millisecond) // polls faster than the steps, out of phase
		s := &Snapshot{Kinds: AllKinds, TotalsTaken: now, Queues: []Queue{{Vhost: "v", Name: "q", Stats: counters(StatPublish, flow.at(now))}}}
		s.Taken[KindQueues] = now
		r := rt.Observe(s)
		v, ok := r.Queue(key).Get(StatPublish)
		if i < 5 && ok {
			t.Errorf("poll %d: a rate before two steps were seen: %v", i, v)
		}
		if ok {
			got = append(got, v)
		}
	}
	if len(got) < 25 {
		t.Fatalf("only %d rates", len(got))
	}
	for _, v := range got {
		// The step times are known to within one poll (1.1 s) of 5 s.
		if math.Abs(v-200) > 200*1.1/5+1 {
			t.Errorf("rate %.1f, want 200 ± 22%%: %v", v, got)
			break
		}
	}
}

func TestRateTrackerStaleResetAndGone(t *testing.T) {
	t0 := time.Unix(1000, 0)
	rt := RateTracker{StaleAfter: 10 * time.Second}
	key := ObjectKey{"v", "q"}
	observe := func(sec int, publish int, present bool) (float64, bool) {
		now := t0.Add(time.Duration(sec) * time.Second)
		s := &Snapshot{Kinds: AllKinds, TotalsTaken: now}
		if present {
			s.Queues = []Queue{{Vhost: "v", Name: "q", Stats: counters(StatPublish, publish)}}
		}
		s.Taken[KindQueues] = now
		return rt.Observe(s).Queue(key).Get(StatPublish)
	}
	steps := []struct {
		sec, publish int
		present      bool
		want         float64
		ok           bool
	}{
		{0, 100, true, 0, false},  // first sight
		{5, 150, true, 0, false},  // first step: fixes the phase
		{10, 200, true, 10, true}, // second step: 50 in 5 s
		{12, 200, true, 10, true}, // no step: the rate holds
		{15, 260, true, 12, true}, // 60 in 5 s
		{26, 260, true, 0, true},  // still for 11 s: stale, 0
		{28, 300, true, 0, true},  // moves again: the phase is unknown, still 0
		{33, 350, true, 10, true}, // 50 in 5 s
		{38, 20, true, 0, false},  // went backwards: recreated, no rate
		{43, 70, true, 0, false},  // first step after the reset
		{48, 120, true, 10, true}, // measured again
		{53, 0, false, 0, false},  // gone
		{58, 170, true, 0, false}, // back: a new object
	}
	for _, s := range steps {
		v, ok := observe(s.sec, s.publish, s.present)
		if ok != s.ok || math.Abs(v-s.want) > 1e-9 {
			t.Errorf("at %ds: rate %v %v, want %v %v", s.sec, v, ok, s.want, s.ok)
		}
	}
	if len(rt.queues) != 1 {
		t.Errorf("%d tracks kept", len(rt.queues))
	}
}

func TestRateTrackerGauge(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var rt RateTracker
	var last Rates
	for i, depth := range []int{100, 100, 80, 80, 50, 50, 20} {
		now := t0.Add(time.Duration(i) * 2500 * time.Millisecond)
		s := &Snapshot{Kinds: AllKinds, TotalsTaken: now, Queues: []Queue{{Vhost: "v", Name: "q", Stats: counters(StatMessages, depth)}}}
		s.Taken[KindQueues] = now
		last = rt.Observe(s).Queue(ObjectKey{"v", "q"})
	}
	if v, ok := last.Get(StatMessages); !ok || v != -6 {
		t.Errorf("a draining queue's growth: %v %v, want -6/s", v, ok)
	}
}

// TestRatesSame: two sheets agree on a statistic when both have the same
// rate or both have none.
func TestRatesSame(t *testing.T) {
	var none Rates
	one := Rates{has: 1 << StatPublish}
	one.v[StatPublish] = 2
	two := one
	two.v[StatPublish] = 3
	zero := Rates{has: 1 << StatPublish}
	for _, c := range []struct {
		a, b Rates
		want bool
	}{{none, none, true}, {one, one, true}, {one, two, false}, {none, zero, false}, {zero, none, false}} {
		if got := c.a.Same(c.b, StatPublish); got != c.want {
			t.Errorf("%+v.Same(%+v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
