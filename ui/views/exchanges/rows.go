package exchanges

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
	ColFlags
	ColIn
	ColOut
	ColTraffic
	ColBindOut
	ColBindIn
	ColPolicy
)

// sparkWidth is how many refreshes the traffic column shows.
const sparkWidth = 10

// Columns returns the exchanges table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColName:    {Title: "name", Min: 12, Flex: true, Search: true, Stable: true},
		ColType:    {Title: "type", Min: 6, Max: 16, Search: true},
		ColFlags:   {Title: "flags", Min: 5, Max: 8, Drop: 4},
		ColIn:      {Title: "in/s", Min: 6, Max: 9, Right: true, Numeric: true},
		ColOut:     {Title: "out/s", Min: 6, Max: 9, Right: true, Numeric: true, Drop: 2},
		ColTraffic: {Title: "traffic", Min: sparkWidth, Max: sparkWidth, Drop: 3},
		ColBindOut: {Title: "binds", Min: 5, Max: 7, Right: true, Numeric: true},
		ColBindIn:  {Title: "fed by", Min: 6, Max: 7, Right: true, Numeric: true, Drop: 5},
		ColPolicy:  {Title: "policy", Min: 6, Max: 20, Drop: 6, Search: true},
	}
}

// Counts are an exchange's bindings: out (it is the source) and in (an
// exchange-to-exchange binding feeds it).
type Counts struct{ Out, In int }

// Row renders one exchange.
func Row(x broker.Exchange, r broker.Rates, traffic []float64, n Counts) table.Row {
	ncols := len(Columns())
	row := table.Row{Key: common.RowKey(x.Vhost, x.Name), Cells: make([]table.Cell, ncols), Num: make([]float64, ncols), Ref: ref(&x)}
	for c := range ncols {
		row.Cells[c] = cell(&x, r, func() []float64 { return traffic }, n, c)
		row.Num[c] = num(r, n, c)
	}
	return row
}

func ref(x *broker.Exchange) common.Ref {
	return common.Ref{Type: common.ObjExchange, Key: x.Key(), Name: common.Name(x.Name)}
}

// cell renders one cell of an exchange's row.
func cell(x *broker.Exchange, r broker.Rates, traffic func() []float64, n Counts, col int) table.Cell {
	switch col {
	case ColName:
		return table.Cell{Text: common.Name(x.Name), Tone: styles.Exchange}
	case ColType:
		return table.Cell{Text: common.Clean(x.Type)}
	case ColFlags:
		flags := common.Flags(" ", common.Flag{Name: "D", On: x.Durable}, common.Flag{Name: "AD", On: x.AutoDelete}, common.Flag{Name: "I", On: x.Internal})
		return table.Cell{Text: flags, Tone: styles.Muted}
	case ColIn:
		return table.Cell{Text: common.Rate(r.Get(broker.StatPublishIn))}
	case ColOut:
		return table.Cell{Text: common.Rate(r.Get(broker.StatPublishOut))}
	case ColTraffic:
		return table.Cell{Text: sparkline.Render(traffic(), sparkWidth), Tone: styles.Spark}
	case ColBindOut:
		return table.Cell{Text: itoa(n.Out)}
	case ColBindIn:
		return table.Cell{Text: itoa(n.In), Tone: styles.Muted}
	case ColPolicy:
		return table.Cell{Text: common.Clean(x.Policy), Tone: styles.Muted}
	}
	return table.Cell{}
}

// num is an exchange's sort value in a Numeric column.
func num(r broker.Rates, n Counts, col int) float64 {
	switch col {
	case ColIn:
		return r.Value(broker.StatPublishIn)
	case ColOut:
		return r.Value(broker.StatPublishOut)
	case ColBindOut:
		return float64(n.Out)
	case ColBindIn:
		return float64(n.In)
	}
	return 0
}

// Rows renders the exchanges of the vhost in view, in full.
func Rows(c *common.Common) []table.Row {
	src := newSource(c, nil)
	out := make([]table.Row, src.Len())
	for i := range out {
		out[i] = Row(src.snap.Exchanges[src.lo+i], src.rates(i), src.traffic(i), src.counts[src.snap.Exchanges[src.lo+i].Key()])
	}
	return out
}

// BindingCounts counts each exchange's bindings out and in.
func BindingCounts(s *broker.Snapshot, vhost string) map[broker.ObjectKey]Counts {
	out := map[broker.ObjectKey]Counts{}
	for _, b := range s.Bindings {
		if !common.InVhost(vhost, b.Vhost) {
			continue
		}
		src := broker.ObjectKey{Vhost: b.Vhost, Name: b.Source}
		n := out[src]
		n.Out++
		out[src] = n
		if b.DestinationType == "exchange" {
			dst := broker.ObjectKey{Vhost: b.Vhost, Name: b.Destination}
			n := out[dst]
			n.In++
			out[dst] = n
		}
	}
	return out
}

func itoa(n int) string { return common.Count(int64(n)) }
