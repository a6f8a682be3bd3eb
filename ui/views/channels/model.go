// Package channels is the channels view: the AMQP channels open on the
// vhost, with their mode, prefetch, unacked messages and rates.
package channels

import (
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
)

// New returns the channels view.
func New(c *common.Common) *listview.Model {
	return listview.New(c, listview.Source{
		Kind: common.KindChannels, Noun: "channels", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{{Binding: DefaultKeyMap().Detail, Run: listview.Open(common.KindDetail)}},
	})
}
