package listview

import (
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// vhostColumn is the column a list gains, first, when it shows every
// vhost: same-named objects of two vhosts are told apart by it.
var vhostColumn = table.Column{Title: "vhost", Min: 5, Max: 16, Search: true, Stable: true}

// columnsFor returns the source's columns, with the vhost column first
// when all vhosts are shown.
func columnsFor(cols []table.Column, all bool) []table.Column {
	if !all {
		return cols
	}
	return append([]table.Column{vhostColumn}, cols...)
}

// vhostRows is a source's rows with the vhost column in front: column 0
// is the row's vhost, column c+1 the source's column c. Every list's row
// key starts with the object's vhost (common.RowKey(vhost, ...)).
type vhostRows struct{ table.Rows }

// vhostOf is the vhost part of a row key.
func vhostOf(key string) string {
	v, _, _ := common.RowKeyHead(key)
	return v
}

// Cell returns the vhost in column 0, else the source's cell.
func (r vhostRows) Cell(i, col int) table.Cell {
	if col == 0 {
		return table.Cell{Text: common.Clean(vhostOf(r.Key(i)))}
	}
	return r.Rows.Cell(i, col-1)
}

// Num returns the source's sort value of the shifted column.
func (r vhostRows) Num(i, col int) float64 {
	if col == 0 {
		return 0
	}
	return r.Rows.Num(i, col-1)
}

// vhostFinder is vhostRows over a source that finds its keys.
type vhostFinder struct{ vhostRows }

// Find finds a key through the source.
func (r vhostFinder) Find(key string) (int, bool) { return r.Rows.(table.Finder).Find(key) }

// withVhost puts the vhost column in front of rows, keeping its Finder.
func withVhost(rows table.Rows) table.Rows {
	if _, ok := rows.(table.Finder); ok {
		return vhostFinder{vhostRows{rows}}
	}
	return vhostRows{rows}
}

// shiftChange moves a source's Change one column right: the vhost of a
// row that is the same object does not change.
func shiftChange(ch table.Change) table.Change {
	if ch.Changed != nil {
		inner := ch.Changed
		ch.Changed = func(cols uint64) uint64 { return inner(cols>>1) << 1 }
	}
	return ch
}
