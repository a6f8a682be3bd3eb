package overview

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The vhost table's columns, by index.
const (
	ColName = iota
	ColMessages
	ColReady
	ColUnacked
	ColPublish
	ColDeliver
	ColTracing
)

// VhostColumns returns the vhost table's columns.
func VhostColumns() []table.Column {
	return []table.Column{
		ColName:     {Title: "vhost", Min: 10, Flex: true, Search: true},
		ColMessages: {Title: "messages", Min: 8, Max: 10, Right: true, Numeric: true},
		ColReady:    {Title: "ready", Min: 6, Max: 9, Right: true, Numeric: true, Drop: 3},
		ColUnacked:  {Title: "unacked", Min: 8, Max: 9, Right: true, Numeric: true, Drop: 4},
		ColPublish:  {Title: "publish/s", Min: 9, Max: 10, Right: true, Numeric: true},
		ColDeliver:  {Title: "deliver/s", Min: 9, Max: 10, Right: true, Numeric: true, Drop: 1},
		ColTracing:  {Title: "tracing", Min: 7, Max: 7, Drop: 2},
	}
}

// VhostRow renders one vhost; the one in view is marked.
func VhostRow(v broker.VhostInfo, r broker.Rates, current bool) table.Row {
	pub, pubOK := r.Get(broker.StatPublish)
	del, delOK := r.Get(broker.StatDeliverGet)
	name, tone := common.Clean(v.Name), styles.Normal
	if current {
		name, tone = name+" ●", styles.Accent
	}
	tracing := ""
	if v.Tracing {
		tracing = "on"
	}
	return table.Row{
		Key: v.Name,
		Cells: []table.Cell{
			ColName:     {Text: name, Tone: tone},
			ColMessages: {Text: common.Count(v.Messages)},
			ColReady:    {Text: common.Count(v.Ready)},
			ColUnacked:  {Text: common.Count(v.Unacked)},
			ColPublish:  {Text: common.Rate(pub, pubOK)},
			ColDeliver:  {Text: common.Rate(del, delOK)},
			ColTracing:  {Text: tracing, Tone: styles.Warn},
		},
		Num: []float64{
			ColMessages: float64(v.Messages), ColReady: float64(v.Ready), ColUnacked: float64(v.Unacked),
			ColPublish: pub, ColDeliver: del,
		},
		Ref: common.Ref{Type: common.ObjVhost, Key: v.Name, Name: common.Clean(v.Name)},
	}
}

// VhostRows renders every vhost.
func VhostRows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Vhosts))
	for _, v := range s.Vhosts {
		var r broker.Rates
		if c.Data.Rates != nil {
			r = c.Data.Rates.Vhosts[v.Name]
		}
		rows = append(rows, VhostRow(v, r, v.Name == c.Vhost))
	}
	return rows
}
