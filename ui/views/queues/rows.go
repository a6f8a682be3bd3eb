package queues

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/sparkline"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The columns, by index.
const (
	ColName = iota
	ColType
	ColState
	ColReady
	ColUnacked
	ColConsumers
	ColIn
	ColTraffic
	ColOut
	ColPolicy
)

const sparkWidth = 10

// Columns returns the queues table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColName:      {Title: "name", Min: 12, Flex: true, Search: true},
		ColType:      {Title: "type", Min: 7, Max: 8, Drop: 4, Search: true},
		ColState:     {Title: "state", Min: 7, Max: 10, Drop: 2},
		ColReady:     {Title: "ready", Min: 6, Max: 8, Right: true, Numeric: true},
		ColUnacked:   {Title: "unacked", Min: 8, Max: 9, Right: true, Numeric: true},
		ColConsumers: {Title: "cons", Min: 5, Max: 6, Right: true, Numeric: true},
		ColIn:        {Title: "in/s", Min: 6, Max: 8, Right: true, Numeric: true},
		ColTraffic:   {Title: "traffic", Min: sparkWidth, Max: sparkWidth, Drop: 3},
		ColOut:       {Title: "out/s", Min: 6, Max: 8, Right: true, Numeric: true, Drop: 1},
		ColPolicy:    {Title: "policy", Min: 6, Max: 20, Drop: 5, Search: true},
	}
}

// StateTone colours a queue state: running is fine, flow and a queue
// filling without consumers want attention, anything down is an error.
func StateTone(state string) styles.Tone {
	switch state {
	case "running", "":
		return styles.OK
	case "idle":
		return styles.Muted
	case "flow", "syncing", "minority":
		return styles.Warn
	}
	return styles.Error
}

// Row renders one queue.
func Row(q broker.Queue, r broker.Rates, traffic []float64) table.Row {
	in, inOK := r.Get(broker.StatPublish)
	out, outOK := r.Get(broker.StatDeliverGet)
	readyTone := styles.Normal
	if q.Ready > 0 && q.Consumers == 0 {
		readyTone = styles.Warn
	}
	consTone := styles.Normal
	if q.Consumers == 0 {
		consTone = styles.Muted
	}
	policy := q.Policy
	if q.OperatorPolicy != "" {
		policy += "+" + q.OperatorPolicy
	}
	return table.Row{
		Key: common.RowKey(q.Vhost, q.Name),
		Cells: []table.Cell{
			ColName:      {Text: common.Name(q.Name), Tone: styles.Queue},
			ColType:      {Text: common.Clean(q.Type), Tone: styles.Muted},
			ColState:     {Text: common.Clean(q.State), Tone: StateTone(q.State)},
			ColReady:     {Text: common.Count(q.Ready), Tone: readyTone},
			ColUnacked:   {Text: common.Count(q.Unacked)},
			ColConsumers: {Text: common.Count(int64(q.Consumers)), Tone: consTone},
			ColIn:        {Text: common.Rate(in, inOK)},
			ColTraffic:   {Text: sparkline.Render(traffic, sparkWidth), Tone: styles.Spark},
			ColOut:       {Text: common.Rate(out, outOK)},
			ColPolicy:    {Text: common.Clean(policy), Tone: styles.Muted},
		},
		Num: []float64{
			ColReady: float64(q.Ready), ColUnacked: float64(q.Unacked), ColConsumers: float64(q.Consumers),
			ColIn: in, ColOut: out,
		},
		Ref: common.Ref{Type: common.ObjQueue, Key: q.Key(), Name: common.Name(q.Name)},
	}
}

// Rows renders the queues of the vhost in view.
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Queues))
	for _, q := range s.Queues {
		if common.InVhost(c.Vhost, q.Vhost) {
			rows = append(rows, Row(q, c.Data.QueueRates(q.Key()), c.Data.History.Queues[q.Key()].Last(sparkWidth)))
		}
	}
	return rows
}
