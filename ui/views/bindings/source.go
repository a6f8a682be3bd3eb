package bindings

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// list is the bindings of the vhost in view as rows built when drawn.
var list = &listview.Indexed[broker.Binding]{
	List:    func(s *broker.Snapshot) []broker.Binding { return s.Bindings },
	Vhost:   func(x *broker.Binding) string { return x.Vhost },
	Members: func(m *common.Members) uint64 { return m.Bindings },
	Keep:    func(b *broker.Binding) bool { return !b.Implicit },
	Row: func(c *common.Common, x *broker.Binding, i int) table.Row {
		return Row(*x)
	},
	Columns: Columns(),
}

// Table returns the bindings of the vhost in view as rows built when drawn,
// and what changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) { return list.Table(c, prev) }
