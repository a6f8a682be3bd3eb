package consumers

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// list is the consumers of the vhost in view as rows built when drawn.
var list = &listview.Indexed[broker.Consumer]{
	List:    func(s *broker.Snapshot) []broker.Consumer { return s.Consumers },
	Vhost:   func(x *broker.Consumer) string { return x.Vhost },
	Members: func(m *common.Members) uint64 { return m.Consumers },
	Row: func(c *common.Common, x *broker.Consumer, i int) table.Row {
		return Row(*x)
	},
	Columns: Columns(),
}

// Table returns the consumers of the vhost in view as rows built when drawn,
// and what changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) { return list.Table(c, prev) }
