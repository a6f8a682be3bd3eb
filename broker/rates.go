package broker

import (
	"cmp"
	"slices"
	"time"
)

// RateSheet holds rates per object, computed on kaiten's side from
// counter deltas and the times the lists arrived. RabbitMQ's own
// *_details.rate fields are not used: they are smoothed over its sample
// window and can be off after a stats reset.
//
// The per-object rates are slices aligned with the snapshot the sheet
// was computed for: Queues[i] are the rates of that snapshot's Queues[i],
// so a view reads them by index instead of hashing a name per object. A
// kind the snapshot did not fetch, or whose rates could not be computed,
// has a nil slice; an object without rates has empty Rates. Queue,
// Exchange, Connection and Channel look one up by key.
type RateSheet struct {
	// Totals are the rates of the scope as a whole: the vhost, or the
	// broker.
	Totals      Rates
	Vhosts      map[string]Rates
	Exchanges   []Rates
	Queues      []Rates
	Connections []Rates
	Channels    []Rates

	snap *Snapshot // the snapshot the slices are aligned with
}

// At returns the rates at index i of an aligned slice, empty when there
// are none.
func At(rates []Rates, i int) Rates {
	if i < 0 || i >= len(rates) {
		return Rates{}
	}
	return rates[i]
}

// Queue returns the rates of the queue with key k.
func (r *RateSheet) Queue(k ObjectKey) Rates {
	if r == nil || r.snap == nil {
		return Rates{}
	}
	return At(r.Queues, IndexOf(r.snap.Queues, Queue.Key, k))
}

// Exchange returns the rates of the exchange with key k.
func (r *RateSheet) Exchange(k ObjectKey) Rates {
	if r == nil || r.snap == nil {
		return Rates{}
	}
	return At(r.Exchanges, IndexOf(r.snap.Exchanges, Exchange.Key, k))
}

// Connection returns the rates of the connection with key k.
func (r *RateSheet) Connection(k ObjectKey) Rates {
	if r == nil || r.snap == nil {
		return Rates{}
	}
	return At(r.Connections, IndexOf(r.snap.Connections, Connection.Key, k))
}

// Channel returns the rates of the channel with key k.
func (r *RateSheet) Channel(k ObjectKey) Rates {
	if r == nil || r.snap == nil {
		return Rates{}
	}
	return At(r.Channels, IndexOf(r.snap.Channels, Channel.Key, k))
}

// IndexOf finds the object with key k in a list in identity order, as a
// Snapshot holds them, by binary search; -1 when it is not there.
func IndexOf[T any](list []T, key func(T) ObjectKey, k ObjectKey) int {
	i, ok := slices.BinarySearchFunc(list, k, func(x T, k ObjectKey) int { return key(x).Compare(k) })
	if !ok {
		return -1
	}
	return i
}

// minRateInterval is the shortest interval a rate is computed over; a
// shorter one would divide noise by almost nothing.
const minRateInterval = 100 * time.Millisecond

// ComputeRates returns the rates between two snapshots of the same scope,
// each counter's delta over the time between the lists' arrivals. An
// object new in cur has no rates; a counter that went backwards has none
// (see Rates). Both snapshots' lists must be in identity order, as
// Snapshot returns them.
//
// RabbitMQ refreshes its counters in steps, every
// collect_statistics_interval (5 s by default), so two snapshots closer
// than a few of those see a step or none, not the flow. A Poller uses a
// RateTracker instead, which measures between the steps.
func ComputeRates(prev, cur *Snapshot) *RateSheet {
	if prev == nil || cur == nil {
		return nil
	}
	r := &RateSheet{snap: cur}
	if dt := cur.TotalsTaken.Sub(prev.TotalsTaken); dt >= minRateInterval {
		r.Totals = RatesBetween(prev.Totals(), cur.Totals(), dt)
		r.Vhosts = ratesByName(prev.Vhosts, cur.Vhosts, dt)
	}
	span := func(k Kind) (time.Duration, bool) {
		if !prev.Kinds.Has(k) || !cur.Kinds.Has(k) {
			return 0, false
		}
		dt := cur.Taken[k].Sub(prev.Taken[k])
		return dt, dt >= minRateInterval
	}
	if dt, ok := span(KindExchanges); ok {
		r.Exchanges = ratesOf(prev.Exchanges, cur.Exchanges, Exchange.Key, Exchange.counters, dt)
	}
	if dt, ok := span(KindQueues); ok {
		r.Queues = ratesOf(prev.Queues, cur.Queues, Queue.Key, Queue.counters, dt)
	}
	if dt, ok := span(KindConnections); ok {
		r.Connections = ratesOf(prev.Connections, cur.Connections, Connection.Key, Connection.counters, dt)
	}
	if dt, ok := span(KindChannels); ok {
		r.Channels = ratesOf(prev.Channels, cur.Channels, Channel.Key, Channel.counters, dt)
	}
	return r
}

func vhostKey(v VhostInfo) string         { return v.Name }
func (v VhostInfo) counters() Counters    { return v.Stats }
func (x Exchange) counters() Counters     { return x.Stats }
func (q Queue) counters() Counters        { return q.Stats }
func (c Connection) counters() Counters   { return c.Stats }
func (ch Channel) counters() Counters     { return ch.Stats }
func totalsKey(*Snapshot) struct{}        { return struct{}{} }
func totalsCounters(s *Snapshot) Counters { return s.Totals() }

// ratesOf computes the rates of each object of cur that is also in prev,
// aligned with cur. Both lists are in key order, so this is a merge.
func ratesOf[T any](prev, cur []T, key func(T) ObjectKey, counters func(T) Counters, dt time.Duration) []Rates {
	out := make([]Rates, len(cur))
	i := 0
	for j, x := range cur {
		k := key(x)
		for i < len(prev) && key(prev[i]).Compare(k) < 0 {
			i++
		}
		if i < len(prev) && key(prev[i]) == k {
			if p := counters(prev[i]); !p.Empty() {
				out[j] = RatesBetween(p, counters(x), dt)
			}
		}
	}
	return out
}

// ratesByName computes the rates of each vhost in both lists.
func ratesByName(prev, cur []VhostInfo, dt time.Duration) map[string]Rates {
	before := make(map[string]Counters, len(prev))
	for _, v := range prev {
		if !v.Stats.Empty() {
			before[v.Name] = v.Stats
		}
	}
	out := make(map[string]Rates, len(cur))
	for _, v := range cur {
		if p, ok := before[v.Name]; ok {
			if r := RatesBetween(p, v.Stats, dt); !r.Empty() {
				out[v.Name] = r
			}
		}
	}
	return out
}

// RateTracker turns a series of snapshots into steady rates. RabbitMQ
// moves its counters in steps, once per stats interval, so the tracker
// measures each object from one observed step to the next: the counter
// delta over the time between the snapshots that first showed each step,
// which is right to within one poll interval whatever the phase of the
// polls. Between steps it holds the last rate; counters that have not
// moved for StaleAfter have rates of 0. An object has no rates until its
// counters have stepped twice, and starts over when a counter goes
// backwards (it was recreated, or the stats were reset). Not safe for
// concurrent use.
type RateTracker struct {
	// StaleAfter is how long a counter may sit still before its rate is
	// 0; 0 means 12 s, a little over two of RabbitMQ's default stats
	// intervals.
	StaleAfter time.Duration

	gen         uint64
	totals      map[struct{}]*track
	vhosts      map[string]*track
	exchanges   map[ObjectKey]*track
	queues      map[ObjectKey]*track
	connections map[ObjectKey]*track
	channels    map[ObjectKey]*track
}

// track is one object's counters as the tracker follows them, each on
// its own: RabbitMQ does not step all of an object's counters at once.
type track struct {
	base    [numStats]uint64    // each counter at its last step seen
	at      [numStats]time.Time // when that step was first seen
	has     uint32              // counters seen
	stepped uint32              // counters whose base is a step, so at is a step's time
	rates   Rates
	gen     uint64 // the last snapshot the object was in
}

// Observe takes the next snapshot and returns the rates as of it.
// Objects gone from the snapshot are forgotten.
func (rt *RateTracker) Observe(s *Snapshot) *RateSheet {
	if rt.totals == nil {
		rt.totals, rt.vhosts = map[struct{}]*track{}, map[string]*track{}
		rt.exchanges, rt.queues = map[ObjectKey]*track{}, map[ObjectKey]*track{}
		rt.connections, rt.channels = map[ObjectKey]*track{}, map[ObjectKey]*track{}
	}
	rt.gen++
	stale := cmp.Or(rt.StaleAfter, 12*time.Second)
	r := &RateSheet{snap: s}
	r.Totals = observe(rt.totals, []*Snapshot{s}, totalsKey, totalsCounters, s.TotalsTaken, stale, rt.gen)[0]
	r.Vhosts = map[string]Rates{}
	for i, v := range observe(rt.vhosts, s.Vhosts, vhostKey, VhostInfo.counters, s.TotalsTaken, stale, rt.gen) {
		if !v.Empty() {
			r.Vhosts[s.Vhosts[i].Name] = v
		}
	}
	if s.Kinds.Has(KindExchanges) {
		r.Exchanges = observe(rt.exchanges, s.Exchanges, Exchange.Key, Exchange.counters, s.Taken[KindExchanges], stale, rt.gen)
	}
	if s.Kinds.Has(KindQueues) {
		r.Queues = observe(rt.queues, s.Queues, Queue.Key, Queue.counters, s.Taken[KindQueues], stale, rt.gen)
	}
	if s.Kinds.Has(KindConnections) {
		r.Connections = observe(rt.connections, s.Connections, Connection.Key, Connection.counters, s.Taken[KindConnections], stale, rt.gen)
	}
	if s.Kinds.Has(KindChannels) {
		r.Channels = observe(rt.channels, s.Channels, Channel.Key, Channel.counters, s.Taken[KindChannels], stale, rt.gen)
	}
	return r
}

// observe steps each item's track and returns the rates aligned with
// items.
func observe[T any, K comparable](set map[K]*track, items []T, key func(T) K, counters func(T) Counters, now time.Time, stale time.Duration, gen uint64) []Rates {
	out := make([]Rates, len(items))
	for i, x := range items {
		k := key(x)
		tr := set[k]
		if tr == nil {
			tr = &track{}
			set[k] = tr
		}
		tr.step(counters(x), now, stale)
		tr.gen = gen
		out[i] = tr.rates
	}
	for k, tr := range set {
		if tr.gen != gen {
			delete(set, k)
		}
	}
	return out
}

// step follows the counters to cur, seen at now. A rate needs two steps
// seen: the first fixes when the counter steps, the second measures.
func (tr *track) step(cur Counters, now time.Time, stale time.Duration) {
	for s := range numStats {
		bit := uint32(1) << s
		v, ok := cur.Get(s)
		switch {
		case !ok:
			tr.has, tr.stepped, tr.rates.has = tr.has&^bit, tr.stepped&^bit, tr.rates.has&^bit
			continue
		case tr.has&bit == 0, !s.gauge() && v < tr.base[s]:
			// First sight, or a reset: the phase is unknown, so no rate.
			tr.has, tr.stepped, tr.rates.has = tr.has|bit, tr.stepped&^bit, tr.rates.has&^bit
		case v == tr.base[s]:
			if now.Sub(tr.at[s]) >= stale {
				// Still for a whole stale period: the rate is 0, and when
				// the counter moves again its first step fixes the phase anew.
				tr.rates.v[s], tr.rates.has, tr.stepped = 0, tr.rates.has|bit, tr.stepped&^bit
			}
			continue
		case tr.stepped&bit != 0 && now.After(tr.at[s]):
			dt := now.Sub(tr.at[s]).Seconds()
			tr.rates.v[s], tr.rates.has = (float64(v)-float64(tr.base[s]))/dt, tr.rates.has|bit
		default:
			tr.stepped |= bit
		}
		tr.base[s], tr.at[s] = v, now
	}
}
