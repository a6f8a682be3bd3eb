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
		ColName:    {Title: "name", Min: 12, Flex: true, Search: true},
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
	in, inOK := r.Get(broker.StatPublishIn)
	out, outOK := r.Get(broker.StatPublishOut)
	flags := common.Flags(" ", common.Flag{Name: "D", On: x.Durable}, common.Flag{Name: "AD", On: x.AutoDelete}, common.Flag{Name: "I", On: x.Internal})
	return table.Row{
		Key: common.RowKey(x.Vhost, x.Name),
		Cells: []table.Cell{
			ColName:    {Text: common.Name(x.Name), Tone: styles.Exchange},
			ColType:    {Text: common.Clean(x.Type)},
			ColFlags:   {Text: flags, Tone: styles.Muted},
			ColIn:      {Text: common.Rate(in, inOK)},
			ColOut:     {Text: common.Rate(out, outOK)},
			ColTraffic: {Text: sparkline.Render(traffic, sparkWidth), Tone: styles.Spark},
			ColBindOut: {Text: itoa(n.Out)},
			ColBindIn:  {Text: itoa(n.In), Tone: styles.Muted},
			ColPolicy:  {Text: common.Clean(x.Policy), Tone: styles.Muted},
		},
		Num: []float64{ColIn: in, ColOut: out, ColBindOut: float64(n.Out), ColBindIn: float64(n.In)},
		Ref: common.Ref{Type: common.ObjExchange, Key: x.Key(), Name: common.Name(x.Name)},
	}
}

// Rows renders the exchanges of the vhost in view.
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	counts := BindingCounts(s, c.Vhost)
	rows := make([]table.Row, 0, len(s.Exchanges))
	for _, x := range s.Exchanges {
		if !common.InVhost(c.Vhost, x.Vhost) {
			continue
		}
		hist := c.Data.History.Exchanges[x.Key()].Last(sparkWidth)
		rows = append(rows, Row(x, c.Data.ExchangeRates(x.Key()), hist, counts[x.Key()]))
	}
	return rows
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
