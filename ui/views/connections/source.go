package connections

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// list is the connections of the vhost in view as rows built when drawn.
var list = &listview.Indexed[broker.Connection]{
	List:    func(s *broker.Snapshot) []broker.Connection { return s.Connections },
	Vhost:   func(x *broker.Connection) string { return x.Vhost },
	Members: func(m *common.Members) uint64 { return m.Connections },
	Row: func(c *common.Common, x *broker.Connection, i int) table.Row {
		return Row(*x, c.Data.ConnectionRatesAt(i))
	},
	Columns: Columns(),
}

// Table returns the connections of the vhost in view as rows built when drawn,
// and what changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) { return list.Table(c, prev) }
