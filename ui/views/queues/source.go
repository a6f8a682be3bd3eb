package queues

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// source is the queues of the vhost in view as table rows formatted when
// drawn: row i is the snapshot's queue lo+i (a vhost's queues are
// contiguous in the snapshot, which is in vhost, name order), with its
// rates and history read by index.
type source struct {
	data    *common.Data
	snap    *broker.Snapshot
	sheet   *broker.RateSheet
	seq     uint64 // the Data.Seq it was made at
	members uint64 // Data.Members.Queues
	vhost   string
	lo, hi  int
}

func newSource(c *common.Common) *source {
	s := c.Data.Snap
	lo, hi := common.VhostRange(s.Queues, func(q broker.Queue) string { return q.Vhost }, c.Vhost)
	return &source{
		data: c.Data, snap: s, sheet: c.Data.Rates, seq: c.Data.Seq, members: c.Data.Members.Queues,
		vhost: c.Vhost, lo: lo, hi: hi,
	}
}

// Table returns the queues of the vhost in view as rows formatted when
// drawn, and which columns changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) {
	cur := newSource(c)
	p, ok := prev.(*source)
	switch {
	case !ok || p.vhost != cur.vhost:
		return cur, table.Change{}
	case p.members != cur.members || p.lo != cur.lo || p.hi != cur.hi:
		if p.seq+1 != cur.seq {
			return cur, table.Change{}
		}
		// Other queues: say where each row was, from the history's walk.
		h := &c.Data.History
		return cur, table.Change{Was: func(i int) int {
			if w := h.QueueWas(cur.lo + i); w >= p.lo && w < p.hi {
				return w - p.lo
			}
			return -1
		}}
	}
	return cur, table.Change{Same: true, Changed: func(cols uint64) uint64 { return changed(p, cur, cols) }}
}

// changed returns the columns of cols whose cells differ in some row
// between two sources of the same queues. Only the fields those columns
// show are compared.
func changed(p, cur *source, cols uint64) uint64 {
	if p.seq == cur.seq {
		return 0
	}
	bit := table.ColBit
	out := cols & bit(ColTraffic) // every sparkline moved on
	pq, cq := p.snap.Queues[p.lo:p.hi], cur.snap.Queues[cur.lo:cur.hi]
	differs := func(col int, diff func(a, b *broker.Queue) bool) {
		if cols&bit(col) == 0 || p.snap == cur.snap {
			return
		}
		for i := range cq {
			if diff(&pq[i], &cq[i]) {
				out |= bit(col)
				return
			}
		}
	}
	differs(ColType, func(a, b *broker.Queue) bool { return a.Type != b.Type })
	differs(ColState, func(a, b *broker.Queue) bool { return a.State != b.State })
	differs(ColReady, func(a, b *broker.Queue) bool { return a.Ready != b.Ready || a.Consumers != b.Consumers })
	differs(ColUnacked, func(a, b *broker.Queue) bool { return a.Unacked != b.Unacked })
	differs(ColConsumers, func(a, b *broker.Queue) bool { return a.Consumers != b.Consumers })
	differs(ColPolicy, func(a, b *broker.Queue) bool {
		return a.Policy != b.Policy || a.OperatorPolicy != b.OperatorPolicy
	})
	rate := func(col int, stat broker.Stat) {
		if cols&bit(col) == 0 {
			return
		}
		for i := range cq {
			if !p.rates(i).Same(cur.rates(i), stat) {
				out |= bit(col)
				return
			}
		}
	}
	rate(ColIn, broker.StatPublish)
	rate(ColOut, broker.StatDeliverGet)
	return out
}

func (s *source) rates(i int) broker.Rates {
	if s.sheet == nil {
		return broker.Rates{}
	}
	return broker.At(s.sheet.Queues, s.lo+i)
}

func (s *source) traffic(i int) []float64 {
	return s.data.History.Queue(s.lo + i).Last(sparkWidth)
}

// Len returns the number of queues in view.
func (s *source) Len() int { return s.hi - s.lo }

// Key returns queue i's row key.
func (s *source) Key(i int) string {
	q := &s.snap.Queues[s.lo+i]
	return common.RowKey(q.Vhost, q.Name)
}

// Find returns the row of a row key, by binary search in the snapshot.
func (s *source) Find(key string) (int, bool) {
	vhost, name, ok := common.RowKeyHead(key)
	if !ok {
		return 0, false
	}
	i := broker.IndexOf(s.snap.Queues, broker.Queue.Key, broker.ObjectKey{Vhost: vhost, Name: name})
	if i < s.lo || i >= s.hi {
		return 0, false
	}
	return i - s.lo, true
}

// Cell renders queue i's cell in column col.
func (s *source) Cell(i, col int) table.Cell {
	return cell(&s.snap.Queues[s.lo+i], s.rates(i), func() []float64 { return s.traffic(i) }, col)
}

// Num returns queue i's sort value in column col.
func (s *source) Num(i, col int) float64 { return num(&s.snap.Queues[s.lo+i], s.rates(i), col) }

// Ref returns what queue i's row shows.
func (s *source) Ref(i int) any { return ref(&s.snap.Queues[s.lo+i]) }
