// Package exchanges is the exchanges view: each exchange of the vhost with
// its type, flags, message rates and binding counts.
package exchanges

import (
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
)

// New returns the exchanges view.
func New(c *common.Common) *listview.Model {
	k := DefaultKeyMap()
	open := listview.Open
	return listview.New(c, listview.Source{
		Kind: common.KindExchanges, Noun: "exchanges", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{
			{Binding: k.Detail, Run: open(common.KindDetail)},
			{Binding: k.Topology, Run: open(common.KindTopology)},
			{Binding: k.Trace, Run: open(common.KindTrace)},
			{Binding: k.Publish, Run: open(common.KindPublish)},
			{Binding: k.Tap, Run: open(common.KindTap)},
		},
	})
}
