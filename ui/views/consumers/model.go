// Package consumers is the consumers view: who consumes from which queue,
// on which channel, with which acknowledgement mode and prefetch.
package consumers

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// New returns the consumers view.
func New(c *common.Common) *listview.Model {
	k := DefaultKeyMap()
	return listview.New(c, listview.Source{
		Kind: common.KindConsumers, Noun: "consumers", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{
			{Binding: k.Detail, Run: listview.Open(common.KindDetail)},
			{Binding: k.Queue, Run: openQueue},
		},
	})
}

func openQueue(r table.Row) tea.Cmd {
	ck, ok := r.Ref.(common.Ref).Key.(broker.ConsumerKey)
	if !ok {
		return nil
	}
	return common.Navigate(common.KindDetail, common.Ref{
		Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: ck.Vhost, Name: ck.Queue}, Name: common.Name(ck.Queue),
	})
}
