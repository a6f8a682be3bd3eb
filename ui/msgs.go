package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// Backend is the broker the UI shows: a *broker.Session, or a fake with
// canned snapshots in tests.
type Backend interface {
	Poll(ctx context.Context, o broker.PollOptions) *broker.Poller
	Watch() (updates <-chan broker.Status, stop func())
	Status() broker.Status
}

// pollStartedMsg hands a started poller to Update. id tells a poller
// started for an earlier request from the current one.
type pollStartedMsg struct {
	id     int
	poller *broker.Poller
}

// pollMsg is one update of the poller with that id; closed says the
// poller stopped.
type pollMsg struct {
	id     int
	update broker.Update
	closed bool
}

// watchStartedMsg hands the status watch to Update.
type watchStartedMsg struct {
	updates <-chan broker.Status
	stop    func()
}

// statusMsg is a new session status; closed says the watch ended.
type statusMsg struct {
	status broker.Status
	closed bool
}

// startPoll starts a poller. It is IO, so it runs as a command.
func startPoll(ctx context.Context, b Backend, id int, o broker.PollOptions) tea.Cmd {
	return func() tea.Msg { return pollStartedMsg{id: id, poller: b.Poll(ctx, o)} }
}

// waitPoll waits for the poller's next update. The poller fetches the
// next snapshot only once this one is taken, so updates never pile up.
func waitPoll(id int, p *broker.Poller) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-p.Updates()
		return pollMsg{id: id, update: u, closed: !ok}
	}
}

// startWatch starts watching the session's status.
func startWatch(b Backend) tea.Cmd {
	return func() tea.Msg {
		ch, stop := b.Watch()
		return watchStartedMsg{updates: ch, stop: stop}
	}
}

// waitStatus waits for the next status.
func waitStatus(ch <-chan broker.Status) tea.Cmd {
	return func() tea.Msg {
		st, ok := <-ch
		return statusMsg{status: st, closed: !ok}
	}
}

// A session acts on the bus.
var _ common.Actions = (*broker.Session)(nil)
