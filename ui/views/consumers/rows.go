package consumers

import (
	"strconv"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The columns, by index.
const (
	ColQueue = iota
	ColTag
	ColChannel
	ColAck
	ColExclusive
	ColPrefetch
	ColStatus
)

// Columns returns the consumers table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColQueue:     {Title: "queue", Min: 12, Flex: true, Search: true, Stable: true},
		ColTag:       {Title: "tag", Min: 10, Max: 40, Flex: true, Search: true, Stable: true},
		ColChannel:   {Title: "channel", Min: 12, Flex: true, Search: true, Drop: 3, Stable: true},
		ColAck:       {Title: "ack", Min: 6, Max: 6},
		ColExclusive: {Title: "excl", Min: 4, Max: 4, Drop: 2},
		ColPrefetch:  {Title: "prefetch", Min: 8, Max: 9, Right: true, Numeric: true, Drop: 1},
		ColStatus:    {Title: "status", Min: 6, Max: 14},
	}
}

// Row renders one consumer.
func Row(c broker.Consumer) table.Row {
	ack := "auto"
	if c.AckRequired {
		ack = "manual"
	}
	excl := ""
	if c.Exclusive {
		excl = "yes"
	}
	status := c.ActivityStatus
	if status == "" {
		status = "up"
		if !c.Active {
			status = "inactive"
		}
	}
	tone := styles.OK
	if status != "up" && status != "single_active" {
		tone = styles.Warn
	}
	return table.Row{
		Key: common.RowKey(c.Vhost, c.Queue, c.Channel, c.Tag),
		Cells: []table.Cell{
			ColQueue:     {Text: common.Name(c.Queue), Tone: styles.Queue},
			ColTag:       {Text: common.Clean(c.Tag)},
			ColChannel:   {Text: common.Clean(c.Channel), Tone: styles.Muted},
			ColAck:       {Text: ack},
			ColExclusive: {Text: excl},
			ColPrefetch:  {Text: strconv.Itoa(c.Prefetch), Tone: styles.Muted},
			ColStatus:    {Text: common.Clean(status), Tone: tone},
		},
		Num: []float64{ColPrefetch: float64(c.Prefetch)},
		Ref: common.Ref{Type: common.ObjConsumer, Key: c.Key(), Name: common.Clean(c.Tag)},
	}
}

// Rows renders the consumers of the vhost in view.
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Consumers))
	for _, x := range s.Consumers {
		if common.InVhost(c.Vhost, x.Vhost) {
			rows = append(rows, Row(x))
		}
	}
	return rows
}
