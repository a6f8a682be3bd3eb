// Package msglist is the message list the tap and consume views share: a
// bounded window of the newest messages of a stream (time, exchange,
// routing key, size, oslo.messaging summary), a detail pane (properties,
// headers, the body as JSON, text or hex), pause, clear, save as JSON
// Lines, and trace the selected message. The stream arrives in batches,
// one per frame, so a busy tap costs one redraw a frame.
package msglist

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
)

// matcherLimit is how many oslo.messaging calls the list remembers to pair
// replies with.
const matcherLimit = 10_000

// Model is a message list.
type Model struct {
	c    *common.Common
	Keys KeyMap
	// Vhost is the vhost the messages were published in, for tracing.
	Vhost string
	// Name says what is listed, for the default file name of a save.
	Name string
	// Now is the clock for the default file name; time.Now when nil.
	Now func() time.Time

	id      uint64
	win     window
	matcher *model.OsloCallMatcher

	sel    uint64 // the selected entry's Seq
	top    uint64 // the Seq of the first row drawn
	follow bool   // the selection follows the newest message

	detail  bool
	format  Format
	chosen  bool // the user chose the format
	dscroll int
	cache   detailCache

	paused bool
	held   BatchMsg // the batch that came in after the pause

	feed   feed
	missed int // messages the stream dropped: kaiten fell behind
	event  broker.Event
	ended  bool
	err    error

	saving bool
	path   input.Model

	filter string
	shown  []uint64 // with a filter, the Seqs of the kept entries it shows

	w, h int
}

type detailCache struct {
	seq   uint64
	f     Format
	state Settled
	lines []string
}

// New returns an empty list keeping up to limit messages (0 means
// DefaultLimit).
func New(c *common.Common, limit int) *Model {
	return &Model{
		c: c, Keys: DefaultKeyMap(), id: nextID(), win: newWindow(limit),
		matcher: model.NewOsloCallMatcher(matcherLimit), follow: true, path: input.New(),
	}
}

// Limit returns how many messages the list keeps.
func (m *Model) Limit() int { return m.win.limit }

// Start stops the current stream and starts another; open runs in the
// returned command.
func (m *Model) Start(open Opener) tea.Cmd {
	m.ended, m.err, m.paused, m.held = false, nil, false, BatchMsg{}
	stop, start := m.feed.start(m.c.Ctx, m.id, open)
	if stop == nil {
		return start
	}
	// The old stream closes first: a consumer's unsettled messages go
	// back to the queue before the new one asks for them.
	return tea.Sequence(stop, start)
}

// Stop stops the stream; the returned command closes it, cleaning up on
// the broker, and returns when that is done.
func (m *Model) Stop() tea.Cmd { return m.feed.stop() }

// Stream returns the running stream, nil when none.
func (m *Model) Stream() Stream {
	if !m.feed.running {
		return nil
	}
	return m.feed.stream
}

// Starting reports whether the stream is being set up.
func (m *Model) Starting() bool { return m.feed.starting }

// Running reports whether a stream is delivering.
func (m *Model) Running() bool { return m.feed.running }

// Ended reports whether the stream ended, and why (nil: closed or its
// count reached).
func (m *Model) Ended() (bool, error) { return m.ended, m.err }

// Paused reports whether the list is paused.
func (m *Model) Paused() bool { return m.paused }

// Len returns how many messages the list keeps now.
func (m *Model) Len() int { return m.win.len() }

// ScrolledOut returns how many messages were received but are no longer
// kept, since the last clear.
func (m *Model) ScrolledOut() int { return m.win.out }

// Missed returns how many messages the stream dropped because kaiten fell
// behind, since the last clear.
func (m *Model) Missed() int { return m.missed }

// LastEvent returns the stream's latest event (zero when none).
func (m *Model) LastEvent() broker.Event { return m.event }

// Entry returns the i-th kept entry, oldest first.
func (m *Model) Entry(i int) *Entry { return m.win.at(i) }

// BySeq returns the entry numbered seq, nil when it is not kept.
func (m *Model) BySeq(seq uint64) *Entry { return m.win.bySeq(seq) }

// Capturing reports whether the save prompt takes the keys.
func (m *Model) Capturing() bool { return m.saving }

// Esc closes the save prompt or the detail pane.
func (m *Model) Esc() bool {
	switch {
	case m.saving:
		m.saving = false
		return true
	case m.detail:
		m.detail = false
		m.scrollTo()
		return true
	}
	return false
}

// SetSize sets the size the list draws in.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.scrollTo()
}

// Update takes the stream's messages, the save's result and the list's
// keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case StartedMsg:
		return m.started(msg)
	case BatchMsg:
		return m.batch(msg)
	case SavedMsg:
		if msg.Owner != m.id {
			return nil
		}
		level := common.LevelInfo
		if msg.Err != nil {
			level = common.LevelError
		}
		return common.Flash(level, common.CleanN(savedText(msg), common.MaxDetail))
	case tea.KeyPressMsg:
		if m.saving {
			return m.saveKey(msg)
		}
		return m.key(msg)
	case tea.PasteMsg:
		if m.saving {
			m.path, _ = m.path.Update(msg)
		}
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.move(-3)
		} else if msg.Button == tea.MouseWheelDown {
			m.move(3)
		}
	case tea.MouseClickMsg:
		m.click(msg.X, msg.Y)
	}
	return nil
}

func (m *Model) started(msg StartedMsg) tea.Cmd {
	if msg.Owner != m.id {
		return nil
	}
	if msg.ID != m.feed.id { // started after it was replaced: close it
		if s := msg.Stream; s != nil {
			return func() tea.Msg { _ = s.Close(); return nil }
		}
		return nil
	}
	m.feed.starting = false
	if msg.Err != nil {
		m.ended, m.err = true, msg.Err
		return nil
	}
	m.feed.running, m.feed.stream = true, msg.Stream
	return m.feed.wait(m.id, m.win.limit)
}

func (m *Model) batch(msg BatchMsg) tea.Cmd {
	if msg.Owner != m.id || msg.ID != m.feed.id || m.feed.id == 0 {
		return nil // a stream the list stopped
	}
	m.feed.waiting = false
	if m.paused {
		// The batch was taken from the stream already: keep it for the
		// resume (bounded like the list).
		m.held.Batch.Events = append(m.held.Batch.Events, msg.Batch.Events...)
		m.held.Batch.Dropped += msg.Batch.Dropped
		m.held.Skipped += msg.Skipped
		merge(&m.held, broker.Batch{Messages: msg.Batch.Messages}, m.win.limit)
	} else {
		m.ingest(msg)
	}
	if msg.Closed {
		m.feed.running = false
		m.ended, m.err = true, msg.Err
		return nil
	}
	if m.paused {
		return nil
	}
	return m.feed.wait(m.id, m.win.limit)
}

// ingest adds a batch to the window.
func (m *Model) ingest(b BatchMsg) {
	m.win.skip(b.Skipped)
	m.missed += b.Batch.Dropped
	if n := len(b.Batch.Events); n > 0 {
		m.event = b.Batch.Events[n-1]
	}
	for i := range b.Batch.Messages {
		e := Entry{Msg: b.Batch.Messages[i]}
		e.Summary = m.summary(&e.Msg)
		m.admit(m.win.push(e))
	}
	m.prune()
	m.scrollTo()
}

// summary is a message's oslo summary, with the round trip when it
// answers a call the list saw.
func (m *Model) summary(msg *broker.Message) string {
	if msg.Summary == "" {
		return ""
	}
	om, ok := msg.Oslo()
	if !ok {
		return msg.Summary
	}
	if mt, ok := m.matcher.Observe(om, msg.RoutingKey, msg.Received); ok && om.Kind == model.OsloReply {
		return mt.Annotate(msg.Summary)
	}
	return msg.Summary
}

// SetPaused pauses or resumes: a paused list stops reading its stream (a
// tap then drops its oldest waiting messages past its limit, a consumer
// stops taking messages from the broker) and shows what it has.
func (m *Model) SetPaused(p bool) tea.Cmd {
	if p == m.paused {
		return nil
	}
	m.paused = p
	if p {
		return nil
	}
	held := m.held
	m.held = BatchMsg{}
	m.ingest(held)
	return m.feed.wait(m.id, m.win.limit)
}

// Clear forgets the messages kept and the counts.
func (m *Model) Clear() {
	m.win.clear()
	m.shown = m.shown[:0]
	m.missed, m.sel, m.top, m.follow, m.dscroll = 0, 0, 0, !m.detail, 0
	m.cache = detailCache{}
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys
	page := max(m.listRows()-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-page)
	case key.Matches(msg, k.PageDown):
		m.move(page)
	case key.Matches(msg, k.Top):
		m.move(-m.visLen())
	case key.Matches(msg, k.Bottom):
		m.move(m.visLen())
		m.follow = !m.detail
	case key.Matches(msg, k.Detail):
		m.detail = !m.detail
		m.pin()
		m.follow = m.follow && !m.detail
		m.scrollTo()
	case key.Matches(msg, k.Format):
		m.format = (m.currentFormat() + 1) % numFormats
		m.chosen, m.dscroll = true, 0
	case key.Matches(msg, k.DetailUp):
		m.dscroll = max(m.dscroll-1, 0)
	case key.Matches(msg, k.DetailDown):
		if e, ok := m.Selected(); ok && m.detail {
			m.dscroll = min(m.dscroll+1, max(len(m.detailLines(e))-m.geometry().detH, 0))
		}
	case key.Matches(msg, k.Pause):
		return m.SetPaused(!m.paused)
	case key.Matches(msg, k.Clear):
		m.Clear()
	case key.Matches(msg, k.Save):
		if m.win.len() == 0 {
			return common.Flash(common.LevelInfo, "nothing to write: the list is empty")
		}
		now := time.Now
		if m.Now != nil {
			now = m.Now
		}
		m.saving = true
		m.path.SetValue(DefaultPath(m.Name, now()))
	case key.Matches(msg, k.Trace):
		return m.trace()
	}
	return nil
}

func (m *Model) saveKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.Keys.Cancel):
		m.saving = false
	case key.Matches(msg, m.Keys.Accept):
		m.saving = false
		path := m.path.Value()
		if path == "" {
			return common.Flash(common.LevelError, "no file named: nothing written")
		}
		msgs := make([]broker.Message, m.win.len())
		for i := range msgs {
			msgs[i] = m.win.at(i).Msg
		}
		return save(m.id, path, msgs)
	default:
		m.path, _ = m.path.Update(msg)
	}
	return nil
}

// trace navigates to the trace view with the selected message.
func (m *Model) trace() tea.Cmd {
	e, ok := m.Selected()
	if !ok {
		return common.Flash(common.LevelInfo, "no message to trace")
	}
	p := &common.Probe{Vhost: m.Vhost, Exchange: e.Msg.Exchange, RoutingKey: e.Msg.RoutingKey, Headers: e.Msg.Properties.Headers}
	return func() tea.Msg { return common.NavigateMsg{Kind: common.KindTrace, Probe: p} }
}

// currentFormat is the body format of the detail pane: the user's, else
// the one that fits the selected body.
func (m *Model) currentFormat() Format {
	if m.chosen {
		return m.format
	}
	if e, ok := m.Selected(); ok {
		return AutoFormat(e.Msg.Body)
	}
	return FormatJSON
}

// MarkSettled records how an entry was settled.
func (m *Model) MarkSettled(seq uint64, s Settled) {
	if e := m.win.bySeq(seq); e != nil {
		e.State = s
	}
}

// ShortHelp returns the list's main keys.
func (m *Model) ShortHelp() []key.Binding { return m.Keys.Actions() }

// FullHelp returns the list's keys in groups.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.Keys.Actions(), m.Keys.Moving()}
}
