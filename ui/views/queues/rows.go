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
		ColName:      {Title: "name", Min: 12, Flex: true, Search: true, Stable: true},
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
	ncols := len(Columns())
	row := table.Row{Key: common.RowKey(q.Vhost, q.Name), Cells: make([]table.Cell, ncols), Num: make([]float64, ncols), Ref: ref(&q)}
	for c := range ncols {
		row.Cells[c] = cell(&q, r, func() []float64 { return traffic }, c)
		row.Num[c] = num(&q, r, c)
	}
	return row
}

func ref(q *broker.Queue) common.Ref {
	return common.Ref{Type: common.ObjQueue, Key: q.Key(), Name: common.Name(q.Name)}
}

// cell renders one cell of a queue's row.
func cell(q *broker.Queue, r broker.Rates, traffic func() []float64, col int) table.Cell {
	switch col {
	case ColName:
		return table.Cell{Text: common.Name(q.Name), Tone: styles.Queue}
	case ColType:
		return table.Cell{Text: common.Clean(q.Type), Tone: styles.Muted}
	case ColState:
		return table.Cell{Text: common.Clean(q.State), Tone: StateTone(q.State)}
	case ColReady:
		tone := styles.Normal
		if q.Ready > 0 && q.Consumers == 0 {
			tone = styles.Warn
		}
		return table.Cell{Text: common.Count(q.Ready), Tone: tone}
	case ColUnacked:
		return table.Cell{Text: common.Count(q.Unacked)}
	case ColConsumers:
		tone := styles.Normal
		if q.Consumers == 0 {
			tone = styles.Muted
		}
		return table.Cell{Text: common.Count(int64(q.Consumers)), Tone: tone}
	case ColIn:
		return table.Cell{Text: common.Rate(r.Get(broker.StatPublish))}
	case ColTraffic:
		return table.Cell{Text: sparkline.Render(traffic(), sparkWidth), Tone: styles.Spark}
	case ColOut:
		return table.Cell{Text: common.Rate(r.Get(broker.StatDeliverGet))}
	case ColPolicy:
		policy := q.Policy
		if q.OperatorPolicy != "" {
			policy += "+" + q.OperatorPolicy
		}
		return table.Cell{Text: common.Clean(policy), Tone: styles.Muted}
	}
	return table.Cell{}
}

// num is a queue's sort value in a Numeric column.
func num(q *broker.Queue, r broker.Rates, col int) float64 {
	switch col {
	case ColReady:
		return float64(q.Ready)
	case ColUnacked:
		return float64(q.Unacked)
	case ColConsumers:
		return float64(q.Consumers)
	case ColIn:
		return r.Value(broker.StatPublish)
	case ColOut:
		return r.Value(broker.StatDeliverGet)
	}
	return 0
}

// Rows renders the queues of the vhost in view, in full.
func Rows(c *common.Common) []table.Row {
	src := newSource(c)
	out := make([]table.Row, src.Len())
	for i := range out {
		out[i] = Row(src.snap.Queues[src.lo+i], src.rates(i), src.traffic(i))
	}
	return out
}
