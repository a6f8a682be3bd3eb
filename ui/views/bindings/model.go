// Package bindings is the bindings view: every declared binding of the
// vhost, exchange to queue and exchange to exchange, with its key and
// arguments.
package bindings

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/components/table"
)

// New returns the bindings view.
func New(c *common.Common) *listview.Model {
	k := DefaultKeyMap()
	return listview.New(c, listview.Source{
		Kind: common.KindBindings, Noun: "bindings", Columns: Columns(), Rows: Rows, Table: Table,
		Actions: []listview.Action{
			{Binding: k.Detail, Run: listview.Open(common.KindDetail)},
			{Binding: k.Source, Run: openEnd(true)},
			{Binding: k.Destination, Run: openEnd(false)},
		},
	})
}

// openEnd opens the detail of a binding's source or destination.
func openEnd(source bool) func(table.Row) tea.Cmd {
	return func(r table.Row) tea.Cmd {
		bk, ok := r.Ref.(common.Ref).Key.(broker.BindingKey)
		if !ok {
			return nil
		}
		ref := common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: bk.Vhost, Name: bk.Source}, Name: common.Name(bk.Source)}
		if !source {
			ref = common.Ref{Type: bk.DestinationType, Key: broker.ObjectKey{Vhost: bk.Vhost, Name: bk.Destination}, Name: common.Clean(bk.Destination)}
		}
		return common.Navigate(common.KindDetail, ref)
	}
}
