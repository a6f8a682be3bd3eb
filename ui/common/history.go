package common

import (
	"slices"

	"github.com/kaiten-bus/kaiten/broker"
)

// Series is a fixed ring of the last HistoryLen values of one number.
type Series struct {
	v    [HistoryLen]float64
	n    int
	next int
}

// Push adds a value, forgetting the oldest when full.
func (s *Series) Push(v float64) {
	s.v[s.next] = v
	s.next = (s.next + 1) % HistoryLen
	s.n = min(s.n+1, HistoryLen)
}

// Last returns up to n values, oldest first.
func (s *Series) Last(n int) []float64 {
	if s == nil {
		return nil
	}
	n = min(n, s.n)
	out := make([]float64, n)
	for i := range n {
		out[i] = s.v[(s.next-n+i+2*HistoryLen)%HistoryLen]
	}
	return out
}

// Total stats the overview draws, by name.
const (
	TotPublish    = "publish"
	TotDeliver    = "deliver"
	TotAck        = "ack"
	TotUnroutable = "unroutable"
	TotMessages   = "messages"
)

// History remembers recent rates for sparklines: the scope's totals (per
// vhost too), each queue's incoming rate and each exchange's. The queues'
// and exchanges' series are aligned with the snapshot's lists: Queue(i)
// is the series of Snap.Queues[i].
type History struct {
	Totals    map[string]*Series // "<vhost>\x00<stat>"; vhost "" is the broker
	queues    []*Series
	exchanges []*Series
	// spare slices, reused by realign so that the objects coming and
	// going do not each time allocate a slice as long as the list.
	spareQ, spareX []*Series
	// wasQ and wasX map, after the objects changed, each object's index
	// to its index in the snapshot before (-1 for a new one).
	wasQ, wasX []int
}

// QueueWas returns the index the snapshot's queue i had in the snapshot
// before, -1 when it is new, after a snapshot whose queues were other
// objects than the one before (Data.Members.Queues moved on).
func (h *History) QueueWas(i int) int { return wasAt(h.wasQ, i) }

// ExchangeWas is QueueWas for the exchanges.
func (h *History) ExchangeWas(i int) int { return wasAt(h.wasX, i) }

func wasAt(was []int, i int) int {
	if i < 0 || i >= len(was) {
		return -1
	}
	return was[i]
}

// Total returns the series of a total stat of a vhost ("" for all).
func (h *History) Total(vhost, stat string) *Series { return h.Totals[vhost+"\x00"+stat] }

// Queue returns the series of the snapshot's queue at index i.
func (h *History) Queue(i int) *Series { return at(h.queues, i) }

// Exchange returns the series of the snapshot's exchange at index i.
func (h *History) Exchange(i int) *Series { return at(h.exchanges, i) }

func at(s []*Series, i int) *Series {
	if i < 0 || i >= len(s) {
		return nil
	}
	return s[i]
}

// Observe records a snapshot's rates, after the snapshot prev (nil for
// none).
func (h *History) Observe(prev, s *broker.Snapshot, r *broker.RateSheet) {
	if prev == nil {
		prev = &broker.Snapshot{}
	}
	h.observe(prev, s, r, nil, false, false)
}

// observe records a snapshot's rates; sameQ and sameX say the queues and
// the exchanges are the objects of prev, index for index. diff, when not
// nil, is the poller's diff from prev to s.
func (h *History) observe(prev, s *broker.Snapshot, r *broker.RateSheet, diff *broker.Diff, sameQ, sameX bool) {
	if h.Totals == nil {
		h.Totals = map[string]*Series{}
	}
	if r == nil {
		r = &broker.RateSheet{}
	}
	h.totals("", r.Totals, s.Totals())
	for _, v := range s.Vhosts {
		h.totals(v.Name, r.Vhosts[v.Name], v.Stats)
	}
	if !sameQ || len(h.queues) != len(s.Queues) {
		var c *broker.Changes[broker.Queue]
		if diff != nil {
			c = &diff.Queues
		}
		h.wasQ = resizeInts(h.wasQ, len(s.Queues))
		h.queues, h.spareQ = realign(h.spareQ, h.wasQ, h.queues, prev.Queues, s.Queues, func(q *broker.Queue) broker.ObjectKey { return q.Key() }, c), h.queues
	}
	for i, sr := range h.queues {
		sr.Push(broker.At(r.Queues, i).Value(broker.StatPublish))
	}
	if !sameX || len(h.exchanges) != len(s.Exchanges) {
		var c *broker.Changes[broker.Exchange]
		if diff != nil {
			c = &diff.Exchanges
		}
		h.wasX = resizeInts(h.wasX, len(s.Exchanges))
		h.exchanges, h.spareX = realign(h.spareX, h.wasX, h.exchanges, prev.Exchanges, s.Exchanges, func(x *broker.Exchange) broker.ObjectKey { return x.Key() }, c), h.exchanges
	}
	for i, sr := range h.exchanges {
		sr.Push(broker.At(r.Exchanges, i).Value(broker.StatPublishIn))
	}
}

func (h *History) totals(vhost string, r broker.Rates, c broker.Counters) {
	add := func(stat string, v float64) {
		k := vhost + "\x00" + stat
		s := h.Totals[k]
		if s == nil {
			s = &Series{}
			h.Totals[k] = s
		}
		s.Push(v)
	}
	add(TotPublish, r.Value(broker.StatPublish))
	add(TotDeliver, r.Value(broker.StatDeliverGet))
	add(TotAck, r.Value(broker.StatAck))
	add(TotUnroutable, r.Value(broker.StatReturnUnroutable)+r.Value(broker.StatDropUnroutable))
	add(TotMessages, float64(c.Value(broker.StatMessages)))
}

// realign returns the series of cur's objects, in buf's array when it is
// long enough (buf must not share old's), and sets was[j] to the index in
// prev of cur's object j (-1 for a new one): an object that was in prev
// (whose series old holds, index for index, when it has prev's length)
// keeps its series; a new one starts empty. Both lists are in key order,
// so this is a merge; with c, the diff from prev to cur, it needs only
// to spot the objects that c says came and went.
func realign[T any](buf []*Series, was []int, old []*Series, prev, cur []T, key func(*T) broker.ObjectKey, c *broker.Changes[T]) []*Series {
	if len(old) != len(prev) {
		old = nil
	}
	out := buf[:0]
	if cap(out) < len(cur) {
		out = make([]*Series, len(cur))
	}
	out = out[:len(cur)]
	clear(out)
	for j := range was {
		was[j] = -1
	}
	if c == nil || old == nil || !realignByDiff(out, was, old, prev, cur, key, c) {
		clear(out)
		for j := range was {
			was[j] = -1
		}
		i := 0
		for j := range cur {
			k := key(&cur[j])
			for i < len(old) && key(&prev[i]).Compare(k) < 0 {
				i++
			}
			if i < len(old) && key(&prev[i]) == k {
				out[j], was[j] = old[i], i
			}
		}
	}
	if fresh := len(out) - countSet(out); fresh > 0 {
		pool := make([]Series, fresh)
		for j := range out {
			if out[j] == nil {
				out[j] = &pool[0]
				pool = pool[1:]
			}
		}
	}
	return out
}

// realignByDiff fills out with the series of old that stay, by the diff
// c from prev to cur, and reports whether the diff fit the lists. The
// objects that came and went are found by binary search, and the runs
// between them copied, so the cost is that of copying the pointers.
func realignByDiff[T any](out []*Series, was []int, old []*Series, prev, cur []T, key func(*T) broker.ObjectKey, c *broker.Changes[T]) bool {
	if len(prev)-len(c.Removed)+len(c.Added) != len(cur) {
		return false
	}
	find := func(list []T, k broker.ObjectKey) int {
		i, ok := slices.BinarySearchFunc(list, k, func(x T, k broker.ObjectKey) int { return key(&x).Compare(k) })
		if !ok {
			return -1
		}
		return i
	}
	positions := func(list, of []T) []int {
		out := make([]int, 0, len(of)+1)
		for i := range of {
			p := find(list, key(&of[i]))
			if p < 0 || (len(out) > 0 && p <= out[len(out)-1]) {
				return nil
			}
			out = append(out, p)
		}
		return append(out, len(list)) // a sentinel
	}
	gone, came := positions(prev, c.Removed), positions(cur, c.Added)
	if gone == nil || came == nil {
		return false
	}
	i, j := 0, 0
	for j < len(cur) {
		switch {
		case j == came[0]:
			came = came[1:]
			j++
		case i == gone[0]:
			gone = gone[1:]
			i++
		default:
			run := min(came[0]-j, gone[0]-i)
			if run <= 0 {
				return false
			}
			copy(out[j:j+run], old[i:i+run])
			for k := range run {
				was[j+k] = i + k
			}
			i, j = i+run, j+run
		}
	}
	for i < len(prev) && i == gone[0] {
		gone = gone[1:]
		i++
	}
	return i == len(prev) && len(came) == 1 && len(gone) == 1
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

func countSet(s []*Series) int {
	n := 0
	for _, x := range s {
		if x != nil {
			n++
		}
	}
	return n
}
