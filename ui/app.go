// Package ui is kaiten's terminal explorer. The root model, App, only
// routes: it owns the mode (normal, : command, / filter), the focused view
// and the history stack, and the live data; the views, one package each
// under ui/views, draw and handle their own keys.
package ui

import (
	"cmp"
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// DefaultRefresh is how often the views refresh.
const DefaultRefresh = 2 * time.Second

// Options configure the UI.
type Options struct {
	// Backend is the broker, a *broker.Session.
	Backend Backend
	// Broker describes the broker in the header, without passwords:
	// its redacted URL, or "embedded demo broker …".
	Broker string
	// Version is the broker's version before the first snapshot says.
	Version string
	// Vhost is the vhost shown first; "" shows all.
	Vhost string
	// Refresh is the time between snapshots; 0 means DefaultRefresh.
	Refresh time.Duration
	// Theme names the theme; "" follows the terminal's background.
	Theme string
	// ThemeDir is the directory of user theme files (themes.UserDir);
	// "" offers the built-in themes only.
	ThemeDir string
	// NoColor draws with attributes only (NO_COLOR).
	NoColor bool
	// Start is the first view; "" means the overview.
	Start common.Kind
	// Lesson, with Start common.KindLearn, is the lesson opened first
	// (kaiten learn N); 0 shows the lesson list.
	Lesson int
	// Learn says where lessons run and where progress is saved.
	Learn LearnOptions
}

type mode uint8

const (
	modeNormal mode = iota
	modeCommand
	modeFilter
)

// App is the root model.
type App struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	keys   KeyMap
	common *common.Common
	data   common.Data

	mode   mode
	prompt input.Model
	flash  common.FlashMsg

	views   map[common.Kind]common.View // the views kept while away
	focus   common.View
	history []common.View

	width, height int
	status        broker.Status
	pollID        int
	poller        *broker.Poller
	stopWatch     func()
	statusCh      <-chan broker.Status
	themeChosen   bool
	scope         scopeState // what a lesson's scope replaced
}

// maxHistory bounds the esc stack.
const maxHistory = 50

// New returns the root model. Its Init starts polling the backend.
func New(opts Options) (*App, error) {
	opts.Refresh = cmp.Or(opts.Refresh, DefaultRefresh)
	theme := themes.ForBackground(true)
	chosen := opts.Theme != ""
	if chosen {
		t, err := themes.Catalog{Dir: opts.ThemeDir}.Lookup(opts.Theme)
		if err != nil {
			return nil, err
		}
		theme = t
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{
		opts: opts, ctx: ctx, cancel: cancel, keys: DefaultKeyMap(), prompt: input.New(),
		views: map[common.Kind]common.View{}, themeChosen: chosen,
		status: broker.Status{State: broker.StateConnecting},
	}
	a.common = &common.Common{Styles: styles.New(theme, opts.NoColor), Data: &a.data, Vhost: opts.Vhost, Ctx: ctx}
	if act, ok := opts.Backend.(common.Actions); ok {
		a.common.Actions = act
	}
	a.focus = a.viewFor(cmp.Or(opts.Start, common.KindOverview), common.Ref{})
	return a, nil
}

// themes is the built-in themes and the user's theme files.
func (a *App) themes() themes.Catalog { return themes.Catalog{Dir: a.opts.ThemeDir} }

// Init starts the poller and the status watch, and asks the terminal for
// its background colour.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.restartPoll(), startWatch(a.opts.Backend), a.initLearn()}
	if !a.themeChosen {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// restartPoll starts a new poller under a new id; updates of the old one
// are dropped.
func (a *App) restartPoll() tea.Cmd {
	if a.poller != nil {
		a.poller.Stop()
		a.poller = nil
	}
	a.pollID++
	return startPoll(a.ctx, a.opts.Backend, a.pollID, broker.PollOptions{
		// Only the vhost in view is fetched: the objects of other
		// vhosts can be most of a big broker. The vhost list is cheap.
		Snapshot: broker.SnapshotOptions{Vhost: a.common.Vhost, AllVhosts: true, Stats: true},
		Interval: a.opts.Refresh,
	})
}

// Close stops the streams (taps, consumers), the poller and the watch.
// The caller closes the backend.
func (a *App) Close() {
	a.stopStreams()
	a.cancel()
	if a.poller != nil {
		a.poller.Stop()
	}
	if a.stopWatch != nil {
		a.stopWatch()
	}
}

// setTheme replaces the styles in place: every view holds the same
// pointer.
func (a *App) setTheme(t themes.Theme) {
	*a.common.Styles = *styles.New(t, a.opts.NoColor)
}

// View draws the screen.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kaiten"
	return v
}

// live returns every view that is kept: the focused one, the history and
// the kept views, each once.
func (a *App) live() []common.View {
	seen := map[common.View]bool{}
	var out []common.View
	add := func(v common.View) {
		if v != nil && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	add(a.focus)
	for _, v := range a.history {
		add(v)
	}
	for _, k := range viewOrder {
		add(a.views[k])
	}
	return out
}

// broadcast sends a message to every live view.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range a.live() {
		cmds = append(cmds, v.Update(msg))
	}
	return tea.Batch(cmds...)
}
