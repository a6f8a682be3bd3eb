package channels

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// list is the channels of the vhost in view as rows built when drawn.
var list = &listview.Indexed[broker.Channel]{
	List:    func(s *broker.Snapshot) []broker.Channel { return s.Channels },
	Vhost:   func(x *broker.Channel) string { return x.Vhost },
	Members: func(m *common.Members) uint64 { return m.Channels },
	Row: func(c *common.Common, x *broker.Channel, i int) table.Row {
		return Row(*x, c.Data.ChannelRatesAt(i))
	},
	Columns: Columns(),
}

// Table returns the channels of the vhost in view as rows built when drawn,
// and what changed since prev.
func Table(c *common.Common, prev table.Rows) (table.Rows, table.Change) { return list.Table(c, prev) }
