// Package connections is the connections view: the clients connected to
// the vhost, with their client, state, channels and traffic.
package connections

import (
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
)

// New returns the connections view.
func New(c *common.Common) *listview.Model {
	return listview.New(c, listview.Source{
		Kind: common.KindConnections, Noun: "connections", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{{Binding: DefaultKeyMap().Detail, Run: listview.Open(common.KindDetail)}},
	})
}
