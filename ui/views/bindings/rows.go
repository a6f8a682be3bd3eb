package bindings

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The columns, by index.
const (
	ColSource = iota
	ColArrow
	ColDestination
	ColKey
	ColArguments
)

// Columns returns the bindings table's columns.
func Columns() []table.Column {
	return []table.Column{
		ColSource:      {Title: "source", Min: 10, Flex: true, Search: true, Stable: true},
		ColArrow:       {Title: "", Min: 3, Max: 3, Stable: true},
		ColDestination: {Title: "destination", Min: 12, Flex: true, Search: true, Stable: true},
		ColKey:         {Title: "routing key", Min: 11, Max: 40, Flex: true, Search: true, Stable: true},
		ColArguments:   {Title: "arguments", Min: 9, Max: 60, Flex: true, Drop: 1, Stable: true},
	}
}

// Row renders one binding. An exchange-to-exchange binding points with ⇒
// and colours its destination as an exchange.
func Row(b broker.Binding) table.Row {
	arrow, destTone := "→", styles.Queue
	if b.DestinationType == "exchange" {
		arrow, destTone = "⇒", styles.Exchange
	}
	return table.Row{
		Key: common.RowKey(b.Vhost, b.Source, b.DestinationType, b.Destination, b.PropertiesKey),
		Cells: []table.Cell{
			ColSource:      {Text: common.Name(b.Source), Tone: styles.Exchange},
			ColArrow:       {Text: arrow, Tone: styles.Muted},
			ColDestination: {Text: common.Clean(b.Destination), Tone: destTone},
			ColKey:         {Text: common.Clean(b.RoutingKey), Tone: styles.Binding},
			ColArguments:   {Text: Arguments(b.Arguments), Tone: styles.Muted},
		},
		Ref: common.Ref{
			Type: common.ObjBinding, Key: b.Key(),
			Name: common.Name(b.Source) + " " + arrow + " " + common.Clean(b.Destination),
		},
	}
}

// Rows renders the declared bindings of the vhost in view; the default
// exchange's implicit binding to every queue is left out (each queue's
// detail shows it).
func Rows(c *common.Common) []table.Row {
	s := c.Data.Snap
	rows := make([]table.Row, 0, len(s.Bindings))
	for _, b := range s.Bindings {
		if common.InVhost(c.Vhost, b.Vhost) && !b.Implicit {
			rows = append(rows, Row(b))
		}
	}
	return rows
}
