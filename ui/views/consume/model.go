// Package consume is the consume view: the messages of a queue, taken in
// one of broker.Session.Consume's modes, named on screen. peek takes
// messages and puts them back (marked redelivered); ack holds each
// message until it is acked, requeued or rejected with a key; auto
// removes what it takes and asks first. Leaving the view closes the
// consumer: what is unsettled goes back to the queue.
package consume

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
)

// DefaultPrefetch is the prefetch of a consumer, and the count of a
// peek, until the user sets another.
const DefaultPrefetch = 100

// Target is a Ref key asking for a queue in a mode (Ref.Key is a
// broker.ObjectKey for a peek).
type Target struct {
	Vhost, Queue string
	Mode         broker.ConsumeMode
}

// Ref names a queue to consume in a mode, for a NavigateMsg.
func Ref(vhost, queue string, mode broker.ConsumeMode) common.Ref {
	return common.Ref{Type: common.ObjQueue, Key: Target{Vhost: vhost, Queue: queue, Mode: mode}, Name: common.Name(queue)}
}

// settler is a consumer that settles messages by hand (ModeAck).
type settler interface {
	Ack(m broker.Message) error
	Requeue(m broker.Message) error
	Reject(m broker.Message) error
}

// SettledMsg is the broker's answer to an ack, a requeue or a reject.
type SettledMsg struct {
	Owner uint64
	Seq   uint64
	How   msglist.Settled
	Err   error
}

// owners numbers the views, so that a SettledMsg finds its own.
var owners atomic.Uint64

// Model is the consume view.
type Model struct {
	c    *common.Common
	keys KeyMap
	list *msglist.Model
	id   uint64

	queue    string
	vhost    string
	mode     broker.ConsumeMode
	prefetch int

	confirming bool // the destructive consume waits for a yes
	// dropping is the message a reject would drop (the queue has no
	// dead-letter exchange), waiting for a yes; 0 when none.
	dropping  uint64
	prompting bool // the prefetch prompt is open
	prompt    input.Model
	refused   string // why the mode cannot run here (read-only)
	// elsewhere is the vhost of a queue asked for in another vhost than
	// the session's, which the session cannot consume.
	elsewhere string
	// settling counts the settles under way, which Stop's close waits
	// for: x then esc must reject, not put the message back.
	settling *sync.WaitGroup

	w, h int
}

// New returns the consume view of the queue ref names: a peek for a
// broker.ObjectKey, the Target's mode for a Target.
func New(c *common.Common, ref common.Ref) *Model {
	m := &Model{c: c, keys: DefaultKeyMap(), list: msglist.New(c, 0), id: owners.Add(1), prefetch: DefaultPrefetch, prompt: input.New(), settling: &sync.WaitGroup{}}
	switch k := ref.Key.(type) {
	case Target:
		m.queue, m.vhost, m.mode = k.Queue, k.Vhost, k.Mode
	case broker.ObjectKey:
		m.queue, m.vhost = k.Name, k.Vhost
	}
	if v, ok := c.Actions.(interface{ Vhost() string }); ok {
		if s := v.Vhost(); m.vhost != "" && m.vhost != s {
			m.elsewhere, m.vhost = m.vhost, s
		} else {
			m.vhost = s
		}
	}
	m.list.Vhost, m.list.Name = m.vhost, "consume-"+m.queue
	return m
}

// Kind returns KindConsume.
func (m *Model) Kind() common.Kind { return common.KindConsume }

// Title names the queue and the mode.
func (m *Model) Title() string {
	return "consume queue " + common.Name(m.queue) + " (" + m.mode.String() + ")"
}

// Mode returns the consume mode.
func (m *Model) Mode() broker.ConsumeMode { return m.mode }

// List returns the message list.
func (m *Model) List() *msglist.Model { return m.list }

// Count returns the messages the filter shows, and the messages kept.
func (m *Model) Count() (int, int) { return m.list.Matched(), m.list.Len() }

// Filter returns the / filter of the list.
func (m *Model) Filter() string { return m.list.Filter() }

// SetFilter filters the list.
func (m *Model) SetFilter(s string) { m.list.SetFilter(s) }

// Start starts consuming, or asks first for a destructive consume; the
// root calls it when it shows the view.
func (m *Model) Start() tea.Cmd {
	m.refused = ""
	switch {
	case m.c.Actions == nil || m.queue == "":
		return nil
	case m.elsewhere != "":
		m.refused = "queue " + common.Name(m.queue) + " is in vhost " + common.Clean(m.elsewhere) + ", the session in vhost " +
			common.Clean(m.vhost) + " (start kaiten with --vhost " + common.Clean(m.elsewhere) + ")"
		return nil
	case m.c.ReadOnly:
		m.refused = "read-only: " + m.mode.String() + " is disabled: " + readOnlyReason(m.mode)
		return nil
	case m.mode == broker.ModeAuto && !m.confirming:
		m.confirming = true
		m.SetSize(m.w, m.h)
		return nil
	}
	return m.start()
}

func readOnlyReason(mode broker.ConsumeMode) string {
	switch mode {
	case broker.ModePeek:
		return "it marks messages redelivered"
	case broker.ModeAck:
		return "acks and rejects take messages off the queue"
	}
	return "it removes every message it takes"
}

func (m *Model) start() tea.Cmd {
	act := m.c.Actions
	o := broker.ConsumeOptions{Queue: m.queue, Mode: m.mode, Prefetch: m.prefetch}
	if m.mode == broker.ModePeek {
		o.Count, o.Prefetch = m.prefetch, 0
	}
	return m.list.Start(func(ctx context.Context) (msglist.Stream, error) {
		c, err := act.Consume(ctx, o)
		if err != nil {
			return nil, err
		}
		return c, nil
	})
}

// Stop closes the consumer, after the settles under way; what is
// unsettled goes back to the queue.
func (m *Model) Stop() tea.Cmd {
	stop := m.list.Stop()
	if stop == nil {
		return nil
	}
	wg := m.settling
	return func() tea.Msg {
		wg.Wait()
		return stop()
	}
}

// Capturing reports whether keys go to the question, the prompt or the
// save prompt.
func (m *Model) Capturing() bool {
	return m.confirming || m.prompting || m.dropping != 0 || m.list.Capturing()
}

// Esc closes the prefetch prompt, the save prompt or the detail pane; a
// destructive consume not confirmed is refused.
func (m *Model) Esc() bool {
	switch {
	case m.confirming:
		m.deny()
		return true
	case m.prompting:
		m.prompting = false
		return true
	case m.dropping != 0:
		m.dropping = 0
		return true
	}
	return m.list.Esc()
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.list.SetSize(w, max(h-m.bannerHeight(), 0))
}

// Update handles the question, the prompt, the settle keys and the list.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case SettledMsg:
		return m.settled(msg)
	case tea.KeyPressMsg:
		switch {
		case m.confirming:
			return m.confirmKey(msg)
		case m.prompting:
			return m.promptKey(msg)
		case m.dropping != 0:
			return m.dropKey(msg)
		case !m.list.Capturing():
			if cmd, ok := m.key(msg); ok {
				return cmd
			}
		}
	case tea.MouseClickMsg:
		msg.Y -= m.bannerHeight()
		return m.list.Update(msg)
	}
	return m.list.Update(msg)
}

func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		m.confirming = false
		m.SetSize(m.w, m.h)
		return m.start()
	case key.Matches(msg, m.keys.Deny):
		m.deny()
	}
	return nil
}

// dropKey answers the question before a reject that drops.
func (m *Model) dropKey(msg tea.KeyPressMsg) tea.Cmd {
	seq := m.dropping
	switch {
	case key.Matches(msg, m.keys.Confirm):
		m.dropping = 0
		if e, ok := m.list.Selected(); ok && e.Seq == seq {
			return m.settle(msglist.Rejected)
		}
		return common.Flash(common.LevelInfo, fmt.Sprintf("message #%d is no longer selected: not rejected", seq))
	case key.Matches(msg, m.keys.Deny):
		m.dropping = 0
		return common.Flash(common.LevelInfo, fmt.Sprintf("message #%d kept: not rejected", seq))
	}
	return nil
}

// deny turns a refused destructive consume into nothing at all.
func (m *Model) deny() {
	m.confirming = false
	m.refused = "not consumed: you said no to removing messages from the queue (r asks again)"
	m.SetSize(m.w, m.h)
}

func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.prompting = false
	case key.Matches(msg, m.keys.Accept):
		m.prompting = false
		n, err := strconv.Atoi(m.prompt.Value())
		if err != nil || n < 1 || n > 65535 {
			return common.Flash(common.LevelError, "prefetch must be a number from 1 to 65535")
		}
		m.prefetch = n
		m.list.Clear()
		note := fmt.Sprintf("prefetch %d: consuming again", n)
		if m.mode == broker.ModeAck {
			note += "; the unsettled messages went back to the queue and come again, redelivered"
		}
		return tea.Batch(m.restart(), common.Flash(common.LevelInfo, note))
	default:
		m.prompt, _ = m.prompt.Update(msg)
	}
	return nil
}

// restart starts the consumer again, asking again for a destructive one.
func (m *Model) restart() tea.Cmd {
	stop := m.list.Stop()
	start := m.Start()
	if stop == nil || start == nil {
		return tea.Batch(stop, start)
	}
	return tea.Sequence(stop, start)
}

// key handles the view's own keys; ok is false for the list's.
func (m *Model) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Ack):
		return m.settle(msglist.Acked), true
	case key.Matches(msg, k.Requeue):
		return m.settle(msglist.Requeued), true
	case key.Matches(msg, k.Reject):
		return m.reject(), true
	case key.Matches(msg, k.Prefetch):
		m.prompting = true
		m.prompt.SetValue(strconv.Itoa(m.prefetch))
		return nil, true
	case key.Matches(msg, k.Again):
		if m.mode == broker.ModePeek {
			m.list.Clear()
		}
		return m.restart(), true
	}
	return nil, false
}

// reject rejects the selected message, asking first when the queue has
// no dead-letter exchange and the reject would drop it.
func (m *Model) reject() tea.Cmd {
	f := m.fate()
	if e, ok := m.list.Selected(); ok && e.State == msglist.Unsettled && m.cannotSettle() == "" &&
		f.known && !f.dlx {
		m.dropping = e.Seq
		return nil
	}
	return m.settle(msglist.Rejected)
}

// settle acks, requeues or rejects the selected message, in a command.
func (m *Model) settle(how msglist.Settled) tea.Cmd {
	if why := m.cannotSettle(); why != "" {
		return common.Flash(common.LevelError, why)
	}
	e, ok := m.list.Selected()
	if !ok {
		return common.Flash(common.LevelInfo, "no message selected")
	}
	if e.State != msglist.Unsettled {
		return common.Flash(common.LevelInfo, fmt.Sprintf("message #%d is settled already", e.Seq))
	}
	s, ok := m.list.Stream().(settler)
	if !ok {
		return common.Flash(common.LevelError, "the consumer is not running: nothing to settle")
	}
	e.State = msglist.Settling
	owner, seq, msg, wg := m.id, e.Seq, e.Msg, m.settling
	wg.Add(1)
	return func() tea.Msg {
		defer wg.Done()
		var err error
		switch how {
		case msglist.Acked:
			err = s.Ack(msg)
		case msglist.Requeued:
			err = s.Requeue(msg)
		default:
			err = s.Reject(msg)
		}
		return SettledMsg{Owner: owner, Seq: seq, How: how, Err: err}
	}
}

// cannotSettle says why the settle keys do nothing now, "" when they act.
func (m *Model) cannotSettle() string {
	switch {
	case m.c.ReadOnly:
		return "read-only: ack, requeue and reject change the queue, so they are disabled"
	case m.mode == broker.ModePeek:
		return "peek put the messages back already; to settle them by hand, consume in ack mode (:consume " + common.Clean(m.queue) + " ack)"
	case m.mode == broker.ModeAuto:
		return "auto mode acked every message as it came; to settle them by hand, consume in ack mode"
	}
	return ""
}

func (m *Model) settled(msg SettledMsg) tea.Cmd {
	if msg.Owner != m.id {
		return nil
	}
	if msg.Err != nil {
		m.list.MarkSettled(msg.Seq, msglist.Unsettled)
		return common.Flash(common.LevelError, common.CleanN(fmt.Sprintf("message #%d: %v", msg.Seq, msg.Err), common.MaxDetail))
	}
	m.list.MarkSettled(msg.Seq, msg.How)
	if msg.How == msglist.Rejected {
		return common.Flash(common.LevelInfo, m.fate().done(msg.Seq))
	}
	return nil
}

// Unsettled counts the kept messages held unacked by the consumer.
func (m *Model) Unsettled() int {
	if m.mode != broker.ModeAck {
		return 0
	}
	n := 0
	for i := range m.list.Len() {
		if s := m.list.Entry(i).State; s == msglist.Unsettled || s == msglist.Settling {
			n++
		}
	}
	return n
}

// ShortHelp returns the keys that matter now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.confirming:
		return []key.Binding{k.Confirm, k.Deny}
	case m.prompting:
		return []key.Binding{k.Accept, k.Cancel}
	case m.dropping != 0:
		return []key.Binding{k.Confirm, k.Deny}
	}
	out := m.settleKeys()
	return append(out, m.list.ShortHelp()...)
}

// settleKeys are the settle keys, disabled with the reason when they do
// nothing in this mode.
func (m *Model) settleKeys() []key.Binding {
	k := m.keys
	out := []key.Binding{k.Ack, k.Requeue, m.rejectKey()}
	if why := m.cannotSettle(); why != "" {
		for i := range out {
			out[i].SetEnabled(false)
		}
	}
	return out
}

// FullHelp returns every key of the view.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	groups := m.list.FullHelp()
	own := append([]key.Binding{k.Ack, k.Requeue, m.rejectKey(), k.Prefetch, k.Again}, groups[0]...)
	return append([][]key.Binding{own}, groups[1:]...)
}

// rejectKey is the reject key, its help saying what a reject does to a
// message of this queue.
func (m *Model) rejectKey() key.Binding {
	b := m.keys.Reject
	b.SetHelp(b.Help().Key, m.fate().label())
	return b
}
