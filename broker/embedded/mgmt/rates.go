package mgmt

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rates: core keeps cumulative counters only. The API samples an object's
// counters when a request reads them, at most once per interval, and
// reports per-second rates between its last two samples, as RabbitMQ
// reports the rate over its last collection interval. An object nobody
// reads for long is forgotten.

// rate is a per-second rate; it is written with a decimal point (0.0),
// as RabbitMQ writes its rates.
type rate float64

// MarshalJSON writes the rate as a JSON float.
func (r rate) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(r), 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return []byte(s), nil
}

// details is the {"rate": r} object a counter's *_details holds.
func details(r float64) obj { return obj{"rate": rate(r)} }

type sample struct {
	at time.Time
	v  []int64
}

type series struct {
	prev, last sample
	hasPrev    bool
	seen       time.Time
}

// rateTable holds the samples of every object read lately.
type rateTable struct {
	clock    Clock
	interval time.Duration

	mu        sync.Mutex
	series    map[string]*series
	lastPrune time.Time
}

func newRateTable(c Clock, interval time.Duration) *rateTable {
	return &rateTable{clock: c, interval: interval, series: map[string]*series{}}
}

// rates records a reading of an object's values and returns their rates.
// Counters (monotonic) never show a negative rate: a value that went
// down belongs to a new object of the same name. Gauges may.
func (t *rateTable) rates(key string, vals []int64, counters bool) []float64 {
	now := t.clock.Now()
	out := make([]float64, len(vals))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pruneLocked(now)
	s := t.series[key]
	switch {
	case s == nil || len(s.last.v) != len(vals):
		s = &series{last: sample{now, slices.Clone(vals)}}
		t.series[key] = s
	case now.Sub(s.last.at) >= t.interval:
		s.prev, s.last, s.hasPrev = s.last, sample{now, slices.Clone(vals)}, true
	}
	s.seen = now
	if !s.hasPrev {
		return out
	}
	dt := s.last.at.Sub(s.prev.at).Seconds()
	if dt <= 0 {
		return out
	}
	for i := range out {
		r := float64(s.last.v[i]-s.prev.v[i]) / dt
		if counters && r < 0 {
			r = 0
		}
		out[i] = r
	}
	return out
}

// pruneLocked forgets objects not read for a while.
func (t *rateTable) pruneLocked(now time.Time) {
	keep := max(20*t.interval, time.Minute)
	if now.Sub(t.lastPrune) < keep/4 {
		return
	}
	t.lastPrune = now
	for k, s := range t.series {
		if now.Sub(s.seen) > keep {
			delete(t.series, k)
		}
	}
}

// addStats sets name and name_details for each value.
func addStats(o obj, names []string, vals []int64, rates []float64) {
	for i, n := range names {
		o[n] = vals[i]
		o[n+"_details"] = details(rates[i])
	}
}

// statsObj is a message_stats object.
func statsObj(names []string, vals []int64, rates []float64) obj {
	o := make(obj, 2*len(names))
	addStats(o, names, vals, rates)
	return o
}

// counterStats samples counters under key and returns them as a
// message_stats object.
func (h *handler) counterStats(key string, names []string, vals []int64) obj {
	return statsObj(names, vals, h.rates.rates(key, vals, true))
}

// setStats samples values under key and sets them and their rates on o;
// counters never show a negative rate.
func (h *handler) setStats(o obj, key string, names []string, vals []int64, counters bool) {
	addStats(o, names, vals, h.rates.rates(key, vals, counters))
}
