package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// Update routes a message: keys in a fixed order (quit, the prompt of the
// mode, a view that captures keys, the global keys, the focused view),
// mouse events to the focused view, broker messages to the data, and
// anything else to every live view.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
	case tea.KeyPressMsg:
		cmd = a.onKey(msg)
	case tea.PasteMsg:
		if a.mode == modeNormal {
			cmd = a.focus.Update(msg)
			break
		}
		a.prompt, _ = a.prompt.Update(msg)
		cmd = a.promptChanged()
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		cmd = a.onMouse(msg.(tea.MouseMsg))
	case tea.BackgroundColorMsg:
		if !a.themeChosen {
			a.setTheme(themes.ForBackground(msg.IsDark()))
			cmd = a.broadcast(common.RefreshMsg{})
		}
	case pollStartedMsg, pollMsg, watchStartedMsg, statusMsg:
		cmd = a.onBroker(msg)
	case common.NavigateMsg:
		cmd = a.navigate(msg)
	case common.VhostMsg:
		cmd = a.setVhost(msg.Name)
	case common.ScopeMsg:
		cmd = a.setScope(msg)
	case common.FlashMsg:
		a.flash = msg
	default:
		cmd = a.broadcast(msg)
	}
	return a, cmd
}

func (a *App) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, a.keys.Quit) {
		return tea.Quit
	}
	a.flash = common.FlashMsg{}
	switch a.mode {
	case modeCommand, modeFilter:
		return a.promptKey(msg)
	}
	if c, ok := a.focus.(common.Capturer); ok && c.Capturing() {
		if key.Matches(msg, a.keys.Back) {
			return a.back()
		}
		return a.focus.Update(msg)
	}
	switch {
	case key.Matches(msg, a.keys.Command):
		a.mode = modeCommand
		a.prompt.SetValue("")
		return nil
	case key.Matches(msg, a.keys.Filter):
		if f, ok := a.focus.(common.Filterable); ok {
			a.mode = modeFilter
			a.prompt.SetValue(f.Filter())
		}
		return nil
	case key.Matches(msg, a.keys.Help):
		return a.navigate(common.NavigateMsg{Kind: common.KindHelp})
	case key.Matches(msg, a.keys.Back):
		return a.back()
	case key.Matches(msg, a.keys.Refresh):
		if a.poller != nil {
			a.poller.Refresh()
		}
		return nil
	}
	return a.focus.Update(msg)
}

// promptKey edits the : or / prompt.
func (a *App) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.keys.Cancel):
		if a.mode == modeFilter {
			a.setFilter("")
		}
		a.mode = modeNormal
		return nil
	case key.Matches(msg, a.keys.Accept):
		line := a.prompt.Value()
		wasCommand := a.mode == modeCommand
		a.mode = modeNormal
		if wasCommand {
			return a.execute(line)
		}
		return nil
	case key.Matches(msg, a.keys.Complete) && a.mode == modeCommand:
		a.prompt.SetValue(a.complete(a.prompt.Value()))
		return nil
	}
	var changed bool
	if a.prompt, changed = a.prompt.Update(msg); changed {
		return a.promptChanged()
	}
	if msg.String() == "backspace" && a.prompt.Value() == "" && a.mode == modeCommand {
		a.mode = modeNormal // backspace on an empty prompt leaves it, as in k9s
	}
	return nil
}

// promptChanged applies the filter as it is typed.
func (a *App) promptChanged() tea.Cmd {
	if a.mode == modeFilter {
		a.setFilter(a.prompt.Value())
	}
	return nil
}

func (a *App) setFilter(s string) {
	if f, ok := a.focus.(common.Filterable); ok {
		f.SetFilter(s)
	}
}

// back clears the focused view's filter, lets the view use esc, or goes
// back one view.
func (a *App) back() tea.Cmd {
	if f, ok := a.focus.(common.Filterable); ok && f.Filter() != "" {
		f.SetFilter("")
		return nil
	}
	if e, ok := a.focus.(common.Escaper); ok && e.Esc() {
		return common.AfterEsc(a.focus)
	}
	if n := len(a.history); n > 0 {
		left := a.focus
		a.focus = a.history[n-1]
		a.history = a.history[:n-1]
		a.sizeFocus()
		return a.stopView(left)
	}
	return nil
}

// navigate shows a view, pushing the current one onto the history.
func (a *App) navigate(msg common.NavigateMsg) tea.Cmd {
	v := a.viewFor(msg.Kind, msg.Ref)
	if p, ok := v.(prober); ok && msg.Probe != nil {
		p.OpenProbe(*msg.Probe)
	}
	if v == a.focus {
		return nil
	}
	var dropped common.View
	if !msg.Replace {
		a.history = append(a.history, a.focus)
		if len(a.history) > maxHistory {
			dropped, a.history = a.history[0], a.history[1:]
		}
	} else {
		dropped = a.focus
	}
	a.focus = v
	a.sizeFocus()
	var start tea.Cmd
	if s, ok := v.(streamer); ok {
		start = s.Start()
	}
	return tea.Batch(a.stopView(dropped), start)
}

// setVhost shows another vhost; the data holds every vhost, so no fetch
// is needed.
func (a *App) setVhost(name string) tea.Cmd {
	changed := name != a.common.Vhost
	a.common.Vhost = name
	var poll tea.Cmd
	if changed {
		poll = a.restartPoll()
	}
	label := "all vhosts"
	if name != "" {
		label = "vhost " + common.Clean(name)
	}
	return tea.Batch(poll, a.broadcast(common.RefreshMsg{}), common.Flash(common.LevelInfo, "showing "+label))
}

// onMouse sends clicks and the wheel to the focused view, in the body's
// coordinates.
func (a *App) onMouse(msg tea.MouseMsg) tea.Cmd {
	m := msg.Mouse()
	m.Y -= headerLines
	if _, ok := msg.(tea.MouseWheelMsg); ok {
		return a.focus.Update(tea.MouseWheelMsg(m))
	}
	if m.Y < 0 || m.Y >= a.height-headerLines-footerLines {
		return nil
	}
	return a.focus.Update(tea.MouseClickMsg(m))
}

// onBroker takes the poller's and the watch's messages.
func (a *App) onBroker(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pollStartedMsg:
		if msg.id != a.pollID {
			msg.poller.Stop()
			return nil
		}
		a.poller = msg.poller
		return waitPoll(msg.id, msg.poller)
	case pollMsg:
		if msg.id != a.pollID || msg.closed {
			return nil // a poller replaced or stopped
		}
		a.data.Apply(msg.update)
		var refresh tea.Cmd
		if msg.update.Err == nil {
			refresh = a.broadcast(common.RefreshMsg{})
			a.sizeFocus() // views whose layout follows the data
		}
		return tea.Batch(refresh, waitPoll(msg.id, a.poller))
	case watchStartedMsg:
		a.stopWatch, a.statusCh = msg.stop, msg.updates
		return waitStatus(msg.updates)
	case statusMsg:
		if msg.closed {
			return nil
		}
		a.status = msg.status
		a.common.ReadOnly = msg.status.ReadOnly
		return waitStatus(a.statusCh)
	}
	return nil
}
