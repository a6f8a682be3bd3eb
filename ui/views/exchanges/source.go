package exchanges

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// source is the exchanges of the vhost in view as table rows formatted
// when drawn: row i is the snapshot's exchange lo+i, with its rates and
// history read by index. The binding counts are counted again only when
// the bindings change.
type source struct {
	data     *common.Data
	snap     *broker.Snapshot
	sheet    *broker.RateSheet
	seq      uint64 // the Data.Seq it was made at
	members  uint64 // Data.Members.Exchanges
	bindings uint64 // Data.Members.Bindings
	vhost    string
	lo, hi   int
	counts   map[broker.ObjectKey]Counts
}

// newSource makes the rows of the data, taking the binding counts of prev
// when the bindings are the same.
func newSource(c *common.Common, prev *source) *source {
	s := c.Data.Snap
	lo, hi := common.VhostRange(s.Exchanges, func(x broker.Exchange) string { return x.Vhost }, c.Vhost)
	src := &source{
		data: c.Data, snap: s, sheet: c.Data.Rates, seq: c.Data.Seq, members: c.Data.Members.Exchanges,
		bindings: c.Data.Members.Bindings, vhost: c.Vhost, lo: lo, hi: hi,
	}
	if prev != nil && prev.bindings == src.bindings && prev.vhost == src.vhost {
		src.counts = prev.counts
	} else {
		src.counts = BindingCounts(s, c.Vhost)
	}
	return src
}

// Table returns the exchanges of the vhost in view as rows formatted when
// drawn, and which columns changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) {
	p, _ := prev.(*source)
	cur := newSource(c, p)
	switch {
	case p == nil || p.vhost != cur.vhost:
		return cur, table.Change{}
	case p.members != cur.members || p.lo != cur.lo || p.hi != cur.hi:
		if p.seq+1 != cur.seq {
			return cur, table.Change{}
		}
		// Other exchanges: say where each row was, from the history's walk.
		h := &c.Data.History
		return cur, table.Change{Was: func(i int) int {
			if w := h.ExchangeWas(cur.lo + i); w >= p.lo && w < p.hi {
				return w - p.lo
			}
			return -1
		}}
	}
	return cur, table.Change{Same: true, Changed: func(cols uint64) uint64 { return changed(p, cur, cols) }}
}

// changed returns the columns of cols whose cells differ in some row
// between two sources of the same exchanges.
func changed(p, cur *source, cols uint64) uint64 {
	if p.seq == cur.seq {
		return 0
	}
	bit := table.ColBit
	out := cols & bit(ColTraffic) // every sparkline moved on
	if p.bindings != cur.bindings {
		out |= cols & (bit(ColBindOut) | bit(ColBindIn))
	}
	px, cx := p.snap.Exchanges[p.lo:p.hi], cur.snap.Exchanges[cur.lo:cur.hi]
	for i := range cx {
		a, b := &px[i], &cx[i]
		if a.Type != b.Type {
			out |= bit(ColType)
		}
		if a.Durable != b.Durable || a.AutoDelete != b.AutoDelete || a.Internal != b.Internal {
			out |= bit(ColFlags)
		}
		if a.Policy != b.Policy {
			out |= bit(ColPolicy)
		}
		ra, rb := p.rates(i), cur.rates(i)
		if !ra.Same(rb, broker.StatPublishIn) {
			out |= bit(ColIn)
		}
		if !ra.Same(rb, broker.StatPublishOut) {
			out |= bit(ColOut)
		}
	}
	return out & cols
}

func (s *source) rates(i int) broker.Rates {
	if s.sheet == nil {
		return broker.Rates{}
	}
	return broker.At(s.sheet.Exchanges, s.lo+i)
}

func (s *source) traffic(i int) []float64 {
	return s.data.History.Exchange(s.lo + i).Last(sparkWidth)
}

// Len returns the number of exchanges in view.
func (s *source) Len() int { return s.hi - s.lo }

// Key returns exchange i's row key.
func (s *source) Key(i int) string {
	x := &s.snap.Exchanges[s.lo+i]
	return common.RowKey(x.Vhost, x.Name)
}

// Find returns the row of a row key, by binary search in the snapshot.
func (s *source) Find(key string) (int, bool) {
	vhost, name, ok := common.RowKeyHead(key)
	if !ok {
		return 0, false
	}
	i := broker.IndexOf(s.snap.Exchanges, broker.Exchange.Key, broker.ObjectKey{Vhost: vhost, Name: name})
	if i < s.lo || i >= s.hi {
		return 0, false
	}
	return i - s.lo, true
}

// Cell renders exchange i's cell in column col.
func (s *source) Cell(i, col int) table.Cell {
	x := &s.snap.Exchanges[s.lo+i]
	return cell(x, s.rates(i), func() []float64 { return s.traffic(i) }, s.counts[x.Key()], col)
}

// Num returns exchange i's sort value in column col.
func (s *source) Num(i, col int) float64 {
	return num(s.rates(i), s.counts[s.snap.Exchanges[s.lo+i].Key()], col)
}

// Ref returns what exchange i's row shows.
func (s *source) Ref(i int) any { return ref(&s.snap.Exchanges[s.lo+i]) }
