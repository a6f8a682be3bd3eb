package listview

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// Indexed makes a Source.Table of one of the snapshot's lists, for views
// whose row is built in full from one object: row i is the i-th object of
// the vhost in view, built only when the table asks for it (drawing,
// sorting, filtering). While the list holds the same objects
// (common.Members), a refresh tells the table that only the columns that
// are not Stable may have changed, so sorting by a Stable column, or
// showing the list unfiltered, costs what is drawn.
type Indexed[T any] struct {
	// List is the snapshot's list, in identity order (vhost first).
	List func(s *broker.Snapshot) []T
	// Vhost is an object's vhost.
	Vhost func(x *T) string
	// Members is the list's count in common.Members.
	Members func(m *common.Members) uint64
	// Keep, when set, leaves out the objects it returns false for.
	Keep func(x *T) bool
	// Row builds the row of the object at index i of the list.
	Row func(c *common.Common, x *T, i int) table.Row
	// Columns are the table's columns; their Stable flags are read.
	Columns []table.Column
}

// Table is a Source.Table over the list.
func (ix *Indexed[T]) Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) {
	p, _ := prev.(*indexed[T])
	cur := &indexed[T]{
		ix: ix, c: c, list: ix.List(c.Data.Snap), seq: c.Data.Seq, members: ix.Members(&c.Data.Members),
		vhost: c.Vhost, last: -1,
	}
	if p != nil && p.members == cur.members && p.vhost == cur.vhost && len(p.list) == len(cur.list) {
		cur.lo, cur.hi, cur.idx = p.lo, p.hi, p.idx
		var stable uint64
		for i, col := range ix.Columns {
			if col.Stable {
				stable |= table.ColBit(i)
			}
		}
		return cur, table.Change{Same: true, Changed: func(cols uint64) uint64 {
			if p.seq == cur.seq {
				return 0
			}
			return cols &^ stable
		}}
	}
	cur.lo, cur.hi = common.VhostRange(cur.list, func(x T) string { return ix.Vhost(&x) }, c.Vhost)
	if ix.Keep != nil {
		for i := cur.lo; i < cur.hi; i++ {
			if !ix.Keep(&cur.list[i]) {
				cur.idx = cur.keep()
				break
			}
		}
	}
	return cur, table.Change{}
}

// indexed is the rows of an Indexed list: the objects lo..hi, or the
// list indexes idx when some are left out.
type indexed[T any] struct {
	ix      *Indexed[T]
	c       *common.Common
	list    []T
	seq     uint64
	members uint64
	vhost   string
	lo, hi  int
	idx     []int

	last int // the index of the row built last, -1 for none
	row  table.Row
}

// keep lists the indexes of lo..hi that Keep keeps.
func (s *indexed[T]) keep() []int {
	out := make([]int, 0, s.hi-s.lo)
	for i := s.lo; i < s.hi; i++ {
		if s.ix.Keep(&s.list[i]) {
			out = append(out, i)
		}
	}
	return out
}

func (s *indexed[T]) at(i int) int {
	if s.idx != nil {
		return s.idx[i]
	}
	return s.lo + i
}

// built returns row i, building it unless it was the last built.
func (s *indexed[T]) built(i int) *table.Row {
	if s.last != i {
		j := s.at(i)
		s.row, s.last = s.ix.Row(s.c, &s.list[j], j), i
	}
	return &s.row
}

// Len returns the number of rows.
func (s *indexed[T]) Len() int {
	if s.idx != nil {
		return len(s.idx)
	}
	return s.hi - s.lo
}

// Key returns row i's key.
func (s *indexed[T]) Key(i int) string { return s.built(i).Key }

// Cell returns row i's cell in column col.
func (s *indexed[T]) Cell(i, col int) table.Cell {
	if r := s.built(i); col < len(r.Cells) {
		return r.Cells[col]
	}
	return table.Cell{}
}

// Num returns row i's sort value in column col.
func (s *indexed[T]) Num(i, col int) float64 {
	if r := s.built(i); col < len(r.Num) {
		return r.Num[col]
	}
	return 0
}

// Ref returns what row i shows.
func (s *indexed[T]) Ref(i int) any { return s.built(i).Ref }
