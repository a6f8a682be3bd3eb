package channels

import (
	"strconv"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
	"github.com/kaiten-bus/kaiten/ui/views/connections"
)

// The columns, by index.
const (
	ColName = iota
	ColUser
	ColMode
	ColState
	ColConsumers
	ColPrefetch
	ColUnacked
	ColPublish
	ColDeliver
)

// Columns returns the channels table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColName:      {Title: "name", Min: 16, Flex: true, Search: true, Stable: true},
		ColUser:      {Title: "user", Min: 5, Max: 16, Search: true, Drop: 3},
		ColMode:      {Title: "mode", Min: 5, Max: 8, Drop: 4},
		ColState:     {Title: "state", Min: 7, Max: 10},
		ColConsumers: {Title: "cons", Min: 5, Max: 6, Right: true, Numeric: true},
		ColPrefetch:  {Title: "prefetch", Min: 8, Max: 9, Right: true, Numeric: true, Drop: 5},
		ColUnacked:   {Title: "unacked", Min: 8, Max: 9, Right: true, Numeric: true},
		ColPublish:   {Title: "publish/s", Min: 9, Max: 10, Right: true, Numeric: true, Drop: 1},
		ColDeliver:   {Title: "deliver/s", Min: 9, Max: 10, Right: true, Numeric: true, Drop: 2},
	}
}

// Row renders one channel. Mode is C for confirms, T for transactions.
func Row(ch broker.Channel, r broker.Rates) table.Row {
	pub, pubOK := r.Get(broker.StatPublish)
	del, delOK := r.Get(broker.StatDeliverGet)
	prefetch := ch.Prefetch
	if prefetch == 0 {
		prefetch = ch.GlobalPrefetch
	}
	return table.Row{
		Key: common.RowKey(ch.Vhost, ch.Name),
		Cells: []table.Cell{
			ColName:      {Text: common.Clean(ch.Name), Short: common.Clean(connections.ClientSide(ch.Name))},
			ColUser:      {Text: common.Clean(ch.User), Tone: styles.Muted},
			ColMode:      {Text: common.Flags(" ", common.Flag{Name: "C", On: ch.Confirm}, common.Flag{Name: "T", On: ch.Transactional}), Tone: styles.Muted},
			ColState:     {Text: common.Clean(ch.State), Tone: connections.StateTone(ch.State)},
			ColConsumers: {Text: strconv.Itoa(ch.Consumers)},
			ColPrefetch:  {Text: strconv.Itoa(prefetch), Tone: styles.Muted},
			ColUnacked:   {Text: common.Count(ch.Unacked)},
			ColPublish:   {Text: common.Rate(pub, pubOK)},
			ColDeliver:   {Text: common.Rate(del, delOK)},
		},
		Num: []float64{
			ColConsumers: float64(ch.Consumers), ColPrefetch: float64(prefetch),
			ColUnacked: float64(ch.Unacked), ColPublish: pub, ColDeliver: del,
		},
		Ref: common.Ref{Type: common.ObjChannel, Key: ch.Key(), Name: common.Clean(ch.Name)},
	}
}

// Rows renders the channels of the vhost in view.
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Channels))
	for _, ch := range s.Channels {
		if common.InVhost(c.Vhost, ch.Vhost) {
			rows = append(rows, Row(ch, c.Data.ChannelRates(ch.Key())))
		}
	}
	return rows
}
