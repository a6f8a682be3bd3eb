package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/bindings"
	"github.com/kaiten-bus/kaiten/ui/views/channels"
	"github.com/kaiten-bus/kaiten/ui/views/connections"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
	"github.com/kaiten-bus/kaiten/ui/views/consumers"
	"github.com/kaiten-bus/kaiten/ui/views/detail"
	"github.com/kaiten-bus/kaiten/ui/views/exchanges"
	"github.com/kaiten-bus/kaiten/ui/views/help"
	"github.com/kaiten-bus/kaiten/ui/views/overview"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
	"github.com/kaiten-bus/kaiten/ui/views/queues"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
	"github.com/kaiten-bus/kaiten/ui/views/tap"
	"github.com/kaiten-bus/kaiten/ui/views/topology"
	"github.com/kaiten-bus/kaiten/ui/views/trace"
)

// kept are the views made once and kept, so that coming back to them
// finds the selection, the filter and the sort as they were.
var kept = map[common.Kind]func(*common.Common) common.View{
	common.KindOverview:    func(c *common.Common) common.View { return overview.New(c) },
	common.KindExchanges:   func(c *common.Common) common.View { return exchanges.New(c) },
	common.KindQueues:      func(c *common.Common) common.View { return queues.New(c) },
	common.KindBindings:    func(c *common.Common) common.View { return bindings.New(c) },
	common.KindConnections: func(c *common.Common) common.View { return connections.New(c) },
	common.KindChannels:    func(c *common.Common) common.View { return channels.New(c) },
	common.KindConsumers:   func(c *common.Common) common.View { return consumers.New(c) },
	common.KindTrace:       func(c *common.Common) common.View { return trace.New(c, common.Ref{}) },
	common.KindPublish:     func(c *common.Common) common.View { return publish.New(c) },
	common.KindRPC:         func(c *common.Common) common.View { return rpc.New(c) },
}

// viewOrder is the kept views in a fixed order, for broadcasts.
var viewOrder = []common.Kind{
	common.KindOverview, common.KindExchanges, common.KindQueues, common.KindBindings,
	common.KindConnections, common.KindChannels, common.KindConsumers, common.KindTrace,
	common.KindPublish, common.KindRPC, common.KindLearn,
}

// opener is a kept view that can be prefilled with an object.
type opener interface {
	Open(ref common.Ref)
}

// viewFor finds or makes the view of a kind, about ref where it matters.
func (a *App) viewFor(k common.Kind, ref common.Ref) common.View {
	if build, ok := kept[k]; ok {
		v := a.views[k]
		if v == nil {
			v = build(a.common)
			a.views[k] = v
		}
		if o, ok := v.(opener); ok && ref.Type != "" {
			o.Open(ref)
		}
		return v
	}
	switch k {
	case common.KindDetail:
		return detail.New(a.common, ref)
	case common.KindTopology:
		return topology.New(a.common, ref)
	case common.KindHelp:
		return help.New(a.common, a.helpSections(), helpCommands())
	case common.KindTap:
		return tap.New(a.common, ref)
	case common.KindConsume:
		return consume.New(a.common, ref)
	case common.KindLearn:
		return a.learnView()
	}
	return a.viewFor(common.KindOverview, common.Ref{})
}

// helpSections are the key groups of the help screen: the focused view's
// first, then the root's.
func (a *App) helpSections() []help.Section {
	var out []help.Section
	if a.focus != nil {
		for i, g := range a.focus.FullHelp() {
			title := a.focus.Title()
			if i > 0 {
				title += ": moving around"
			}
			out = append(out, help.Section{Title: title, Bindings: g})
		}
	}
	return append(out,
		help.Section{Title: "everywhere", Bindings: a.keys.Bindings()},
		help.Section{Title: "in the : and / prompts", Bindings: a.keys.PromptBindings()},
	)
}

// streamer is a view that runs a stream (a tap, a consumer): Start when
// it is shown, Stop when it is left for good; Stop's command closes the
// stream on the broker and returns when that is done.
type streamer interface {
	Start() tea.Cmd
	Stop() tea.Cmd
}

// prober is a view that takes a message to trace.
type prober interface {
	OpenProbe(p common.Probe)
}

// stopView stops a view that is left for good, unless it is still live.
func (a *App) stopView(v common.View) tea.Cmd {
	s, ok := v.(streamer)
	if !ok || slices.Contains(a.live(), v) {
		return nil
	}
	return s.Stop()
}

// stopStreams stops every live stream and waits until they are closed,
// at exit.
func (a *App) stopStreams() {
	for _, v := range a.live() {
		if s, ok := v.(streamer); ok {
			if cmd := s.Stop(); cmd != nil {
				cmd()
			}
		}
	}
}
