// Package queues is the queues view: each queue of the vhost with its
// type, state, depth, consumers, rates and policy.
package queues

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// New returns the queues view.
func New(c *common.Common) *listview.Model {
	k := DefaultKeyMap()
	return listview.New(c, listview.Source{
		Kind: common.KindQueues, Noun: "queues", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{
			{Binding: k.Detail, Run: listview.Open(common.KindDetail)},
			{Binding: k.Trace, Run: traceTo},
			{Binding: k.Consume, Run: listview.Open(common.KindConsume)},
		},
	})
}

// traceTo traces a publish to the queue through the default exchange,
// which routes by queue name.
func traceTo(r table.Row) tea.Cmd {
	ref := r.Ref.(common.Ref)
	key, _ := ref.Key.(broker.ObjectKey)
	return common.Navigate(common.KindTrace, common.Ref{
		Type: common.ObjQueue, Key: key, Name: ref.Name,
	})
}
