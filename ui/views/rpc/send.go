package rpc

import (
	"cmp"
	"context"
	"errors"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/complete"
)

// Disabled says why the console cannot send, "" when it can.
func (m *Model) Disabled() string {
	switch {
	case m.c.Actions == nil:
		return "this backend cannot call or cast: there is no broker session"
	case m.c.ReadOnly:
		return "read-only: calls and casts are disabled (the session was opened with --read-only or a read-only context)"
	}
	return ""
}

// Send calls (call true) or casts the form's request in a command, and
// adds it to the history; a form that cannot be read is said instead.
func (m *Model) Send(call bool) tea.Cmd {
	e := &Entry{Mode: m.mode, Call: call, Oslo: m.OsloForm(), AMQP: m.AMQPForm()}
	return m.start(e)
}

// rerun sends a past request again, as a new entry.
func (m *Model) rerun(old *Entry) tea.Cmd {
	e := &Entry{Mode: old.Mode, Call: old.Call, Oslo: old.Oslo, AMQP: old.AMQP}
	return m.start(e)
}

// start checks an entry's request, adds it to the history and returns
// the command that sends it.
func (m *Model) start(e *Entry) tea.Cmd {
	if why := m.Disabled(); why != "" {
		m.formErr = why
		return common.Flash(common.LevelError, why)
	}
	cmd, err := m.command(e)
	if err != nil {
		m.formErr = err.Error()
		var fe *FieldError
		if errors.As(err, &fe) {
			m.focusNamed(e.Mode, fe.Field)
		}
		return common.Flash(common.LevelError, common.Clean(err.Error()))
	}
	m.formErr = ""
	m.nextID++
	e.ID, e.At = m.nextID, m.now()
	m.history = append(m.history, e)
	if len(m.history) > maxHistory {
		m.history = slices.Delete(m.history, 0, len(m.history)-maxHistory)
	}
	m.sel = len(m.history) - 1
	m.result.ScrollTo(0)
	m.SetSize(m.w, m.h)
	id := e.ID
	return func() tea.Msg { return DoneMsg{ID: id, Outcome: cmd()} }
}

// command builds the IO of an entry, reading nothing of the model when
// it runs.
func (m *Model) command(e *Entry) (func() Outcome, error) {
	act, base := m.c.Actions, cmp.Or(m.c.Ctx, context.Background())
	if e.Mode == ModeAMQP {
		p, timeout, err := e.AMQP.Build()
		if err != nil {
			return nil, err
		}
		if !e.Call {
			return func() Outcome {
				ctx, cancel := context.WithTimeout(base, timeout)
				defer cancel()
				res, err := act.Cast(ctx, p)
				return castOutcome(p, res, err)
			}, nil
		}
		return func() Outcome {
			ctx, cancel := context.WithTimeout(base, timeout+callMargin)
			defer cancel()
			r, err := act.Call(ctx, p, broker.CallOptions{Timeout: timeout})
			return Outcome{Reply: r, Err: err}
		}, nil
	}
	t, req, timeout, err := e.Oslo.Build(e.Call)
	if err != nil {
		return nil, err
	}
	if !e.Call {
		return func() Outcome {
			ctx, cancel := context.WithTimeout(base, timeout)
			defer cancel()
			p, res, err := act.OsloCast(ctx, t, req)
			return castOutcome(p, res, err)
		}, nil
	}
	return func() Outcome {
		ctx, cancel := context.WithTimeout(base, timeout+callMargin)
		defer cancel()
		r, err := act.OsloCall(ctx, broker.OsloCallOptions{Target: t, Request: req, Timeout: timeout})
		return Outcome{OsloReply: r, Err: err}
	}, nil
}

func castOutcome(p broker.Publishing, res broker.PublishResult, err error) Outcome {
	if err != nil {
		return Outcome{Err: err, Sent: p}
	}
	return Outcome{Cast: &res, Sent: p}
}

// done records what came back.
func (m *Model) done(msg DoneMsg) {
	for _, e := range m.history {
		if e.ID == msg.ID {
			e.Done, e.Outcome = true, msg.Outcome
			m.render()
			return
		}
	}
}

// focusNamed focuses the field a FieldError names.
func (m *Model) focusNamed(md Mode, name string) {
	fields := map[string]int{
		"topic": OsloTopic, "method": OsloMethod, "server": OsloServer, "fanout": OsloFanout,
		"args": OsloArgs, "context": OsloContext, "timeout": OsloTimeout,
	}
	if md == ModeAMQP {
		fields = map[string]int{"timeout": AMQPTimeout}
	}
	if f, ok := fields[name]; ok {
		m.mode, m.focus[md] = md, f
		m.completions()
	}
}

// topoMsg is the oslo topology found in a snapshot, off the UI loop.
type topoMsg struct {
	seq   uint64
	vhost string
	topo  model.OsloTopology
}

// discover reads the oslo topology of the vhost from the snapshot now;
// New does, to complete from the first keystroke.
func (m *Model) discover() {
	if d := m.c.Data; d.Ready() {
		m.setTopology(discoverOslo(d.Snap, d.Seq, m.vhost()))
	}
}

// discoverCmd finds the oslo topology of a new snapshot in a command: on
// 100,000 queues it takes longer than a frame may (see
// docs/benchmarks.md). Snapshots are never changed once taken, so the
// command may read it.
func (m *Model) discoverCmd() tea.Cmd {
	d := m.c.Data
	if !d.Ready() || (d.Seq == m.topoSeq && m.vhost() == m.topoFor) {
		return nil
	}
	snap, seq, vhost := d.Snap, d.Seq, m.vhost()
	return func() tea.Msg { return discoverOslo(snap, seq, vhost) }
}

func discoverOslo(s *broker.Snapshot, seq uint64, vhost string) topoMsg {
	v, err := s.ModelVhost(vhost)
	if err != nil {
		return topoMsg{seq: seq, vhost: vhost}
	}
	return topoMsg{seq: seq, vhost: vhost, topo: model.DiscoverOslo(&v)}
}

// setTopology takes a topology unless a newer one is in.
func (m *Model) setTopology(t topoMsg) {
	if t.seq < m.topoSeq && t.vhost == m.topoFor {
		return
	}
	m.topo, m.topoSeq, m.topoFor = t.topo, t.seq, t.vhost
	if m.cands.Sel < 0 {
		m.completions()
	}
}

// Topology returns the oslo topology the console completes from.
func (m *Model) Topology() model.OsloTopology { return m.topo }

// completes reports whether a field of the mode has completions.
func (m *Model) completes(f int) bool {
	if m.mode == ModeAMQP {
		return f == AMQPExchange || f == AMQPKey
	}
	return f == OsloExchange || f == OsloTopic || f == OsloServer
}

// completions finds the completions of the focused field: control
// exchanges, the topics on the chosen one, the servers of the chosen
// topic; or in plain mode the exchanges and their binding keys.
func (m *Model) completions() {
	f := m.focus[m.mode]
	var names []string
	var text string
	if m.mode == ModeAMQP {
		text = m.inputs[ModeAMQP][f].Value()
		if d := m.c.Data; d.Ready() {
			switch f {
			case AMQPExchange:
				names = complete.ExchangeNames(d.Snap, m.vhost())
			case AMQPKey:
				names = complete.BindingKeys(d.Snap, m.vhost(), m.inputs[ModeAMQP][AMQPExchange].Value())
			}
		}
		m.cands.Set(complete.Match(text, names, maxCandidates))
		return
	}
	text = m.inputs[ModeOslo][f].Value()
	switch f {
	case OsloExchange:
		names = m.topo.ControlExchanges
	case OsloTopic:
		for _, t := range m.topics() {
			names = append(names, t.Topic)
		}
	case OsloServer:
		if t, ok := m.chosenTopic(); ok {
			for _, s := range t.Servers {
				names = append(names, s.Name)
			}
		}
	}
	m.cands.Set(complete.Match(text, names, maxCandidates))
}

// topics are the RPC targets on the chosen control exchange (all when
// none is typed).
func (m *Model) topics() []model.OsloRPCTarget {
	x := m.inputs[ModeOslo][OsloExchange].Value()
	if x == "" {
		x = model.OsloDefaultExchange
	}
	var out []model.OsloRPCTarget
	for _, t := range m.topo.Targets {
		if slices.Contains(t.Exchanges, x) {
			out = append(out, t)
		}
	}
	if len(out) == 0 && m.inputs[ModeOslo][OsloExchange].Value() == "" {
		return m.topo.Targets
	}
	return out
}

// chosenTopic is the RPC target the topic field names.
func (m *Model) chosenTopic() (model.OsloRPCTarget, bool) {
	name := m.inputs[ModeOslo][OsloTopic].Value()
	for _, t := range m.topics() {
		if t.Topic == name {
			return t, true
		}
	}
	return model.OsloRPCTarget{}, false
}
