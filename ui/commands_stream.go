package ui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
	"github.com/kaiten-bus/kaiten/ui/views/tap"
)

// actVhost is the vhost the session acts in: taps and consumers use it,
// whatever vhost the views show.
func (a *App) actVhost() string {
	if v, ok := a.common.Actions.(interface{ Vhost() string }); ok {
		return v.Vhost()
	}
	if a.common.Vhost != "" {
		return a.common.Vhost
	}
	return "/"
}

// tapNames completes :tap with the exchanges a tap can bind to.
func tapNames(a *App) []string { return tap.Tappable(a.common, a.actVhost()) }

// queueNames completes :consume with the queues of the session's vhost.
func queueNames(a *App) []string {
	if !a.data.Ready() {
		return nil
	}
	vhost := a.actVhost()
	var out []string
	for _, q := range a.data.Snap.Queues {
		if q.Vhost == vhost {
			out = append(out, q.Name)
		}
	}
	return out
}

// runTap taps the exchange named, or opens the tap view's picker.
func runTap(a *App, arg string) tea.Cmd {
	ref := common.Ref{}
	if arg != "" {
		ref = common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: a.actVhost(), Name: arg}, Name: common.Name(arg)}
	}
	return a.navigate(common.NavigateMsg{Kind: common.KindTap, Ref: ref})
}

// runConsume consumes a queue: "QUEUE [peek|ack|auto]", peek by default;
// the mode is read in any case. A last word that is no mode is an error
// about the mode, as the CLI's, unless the whole text names a queue (names
// may hold spaces).
func runConsume(a *App, arg string) tea.Cmd {
	queue, mode := arg, broker.ModePeek
	if i := strings.LastIndexByte(arg, ' '); i > 0 {
		word := strings.TrimSpace(arg[i+1:])
		md, err := broker.ParseConsumeMode(strings.ToLower(word))
		switch {
		case err == nil:
			queue, mode = strings.TrimSpace(arg[:i]), md
		case !a.data.Ready() || !slices.Contains(queueNames(a), arg):
			return common.Flash(common.LevelError, common.Clean(fmt.Sprintf("consume mode must be peek, ack or auto, not %q", word)))
		}
	}
	if queue == "" {
		return common.Flash(common.LevelError, ":consume needs QUEUE [peek|ack|auto]")
	}
	if a.data.Ready() && !slices.Contains(queueNames(a), queue) {
		return common.Flash(common.LevelError, common.Clean(fmt.Sprintf("no queue %q in vhost %q", queue, a.actVhost())))
	}
	return a.navigate(common.NavigateMsg{Kind: common.KindConsume, Ref: consume.Ref(a.actVhost(), queue, mode)})
}
