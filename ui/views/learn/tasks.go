package learn

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/consume"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

// status is a task's live status.
func (s *session) status(id string) engine.TaskStatus {
	for _, st := range s.statuses {
		if st.ID == id {
			return st
		}
	}
	return engine.TaskStatus{ID: id}
}

// complete reports whether every task of the open lesson is done now.
func (m *Model) complete() bool {
	s := m.open
	if s == nil || s.run == nil {
		return false
	}
	for _, t := range s.lesson.Tasks {
		if !s.status(t.ID).Done {
			return false
		}
	}
	return true
}

// nextTask is the first task not done now, nil when all are.
func (m *Model) nextTask() *engine.Task {
	s := m.open
	for i := range s.lesson.Tasks {
		if !s.status(s.lesson.Tasks[i].ID).Done {
			return &s.lesson.Tasks[i]
		}
	}
	return nil
}

// suggest is the go key for doing a task: the declare prompt when the
// task routes to a queue not declared yet, else the first view its
// checks are done in that the UI has.
func (m *Model) suggest(t *engine.Task) (GoKey, bool) {
	kinds := preferred(t)
	if origin := m.deadOrigin(t); origin != "" {
		kinds = m.deadLetterKinds(origin)
	}
	if m.missingQueue(t) != "" {
		kinds = append([]common.Kind{kindDeclare}, kinds...)
	}
	for _, k := range kinds {
		for _, g := range m.goKeys() {
			if g.Kind == k {
				return g, true
			}
		}
	}
	return GoKey{}, false
}

// preferred lists the views a task can be done in, best first, from its
// first check.
func preferred(t *engine.Task) []common.Kind {
	for _, c := range t.Checks {
		switch {
		case c.Routed != nil, c.Confirmed != nil, c.Returned != nil:
			return []common.Kind{common.KindPublish, common.KindTrace}
		case c.Replied != nil:
			return []common.Kind{common.KindRPC, common.KindPublish}
		case c.Binding != nil:
			return []common.Kind{kindBind}
		case c.Queue != nil:
			return []common.Kind{common.KindQueues}
		case c.Consumers != nil, c.Delivered != nil, c.Acked != nil, c.Redelivered != nil, c.DeadLettered != nil:
			return []common.Kind{common.KindConsume, common.KindTap, common.KindQueues}
		}
	}
	return []common.Kind{common.KindQueues}
}

// taskRef is the object a task is about, to open the view of kind on
// it: the exchange to publish to, the queue to consume from (by hand, in
// ack mode, so that the student acks), the plain AMQP call to make.
func (m *Model) taskRef(t *engine.Task, kind common.Kind) common.Ref {
	vhost := m.open.lesson.Vhost()
	exchange := func(name string) common.Ref {
		if kind == common.KindPublish { // a new message for this task
			return publish.FreshRef(vhost, name)
		}
		return common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: vhost, Name: name}, Name: common.Name(name)}
	}
	queue := func(name string) common.Ref {
		if kind == common.KindConsume {
			return consume.Ref(vhost, name, broker.ModeAck)
		}
		return common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: vhost, Name: name}, Name: common.Name(name)}
	}
	if origin := m.deadOrigin(t); origin != "" {
		if kind == common.KindPublish {
			return exchange("") // the default exchange, to the origin by name
		}
		return queue(origin)
	}
	for _, c := range t.Checks {
		switch {
		case c.Routed != nil && c.Routed.Exchange != nil:
			return exchange(*c.Routed.Exchange)
		case c.Replied != nil && c.Replied.Exchange != nil:
			if kind == common.KindRPC { // a plain AMQP call, ready for the body
				rkey := c.Replied.Queue
				if c.Replied.Key != nil {
					rkey = *c.Replied.Key
				}
				return rpc.CallRef(*c.Replied.Exchange, rkey)
			}
			return exchange(*c.Replied.Exchange)
		case c.Binding != nil:
			return exchange(c.Binding.Source)
		case c.Queue != nil:
			return queue(c.Queue.Name)
		}
		for _, cc := range []*engine.CountCheck{c.Consumers, c.Delivered, c.Acked, c.Redelivered, c.DeadLettered} {
			if cc != nil && cc.Queue != "" {
				return queue(cc.Queue)
			}
		}
	}
	return common.Ref{}
}

// doNext opens the view where the next task is done.
func (m *Model) doNext() tea.Cmd {
	t := m.nextTask()
	if t == nil {
		return common.Flash(common.LevelInfo, "every task is done: n opens the next lesson")
	}
	g, ok := m.suggest(t)
	if !ok {
		return common.Flash(common.LevelInfo, "this task is done outside kaiten's views: h gives a hint, S shows you")
	}
	return m.goTo(g)
}

// goTo opens a normal view, on the next task's object when it has one.
func (m *Model) goTo(g GoKey) tea.Cmd {
	ref := common.Ref{}
	if t := m.nextTask(); t != nil {
		if k, ok := m.suggest(t); ok && k.Kind == g.Kind {
			ref = m.taskRef(t, g.Kind)
		}
	}
	switch g.Kind {
	case kindBind:
		if m.open.run != nil {
			m.openBind()
		}
		return nil
	case kindDeclare:
		if m.open.run != nil {
			m.openDeclare()
		}
		return nil
	}
	return func() tea.Msg { return common.NavigateMsg{Kind: g.Kind, Ref: ref} }
}

// hint shows one more hint of the next task.
func (m *Model) hint() tea.Cmd {
	t := m.nextTask()
	if t == nil {
		return nil
	}
	if len(t.Hints) == 0 {
		return common.Flash(common.LevelInfo, "this task has no hints: S shows you how it is done")
	}
	if m.open.hints[t.ID] >= len(t.Hints) {
		return common.Flash(common.LevelInfo, "that was the last hint: S shows you how it is done")
	}
	m.open.hints[t.ID]++
	return nil
}

// showMe has the lesson do the next task, through the broker; the
// checks then see it done like any other attempt.
func (m *Model) showMe() tea.Cmd {
	s := m.open
	t := m.nextTask()
	if t == nil || s.run == nil || s.solving != "" {
		return nil
	}
	s.solving = t.ID
	id, run, ctx, task := s.id, s.run, m.ctx(), t.ID
	return func() tea.Msg { return solvedMsg{id: id, task: task, err: run.Solve(ctx, task)} }
}
