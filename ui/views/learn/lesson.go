package learn

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/routeanim"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// maxEventBatch bounds the events taken in one message: a burst of
// publishes costs one redraw, and the animation keeps only the last few.
const maxEventBatch = 64

// loadedMsg carries the lessons and the saved progress.
type loadedMsg struct {
	lessons  []engine.Lesson
	progress engine.Progress
	err      error // the lessons could not load
	progErr  error // the progress could not load; the lessons still work
}

// startedMsg carries the run of the lesson opened under id.
type startedMsg struct {
	id  int
	run *engine.Run
	err error
}

// statusesMsg is the latest task statuses of run id; closed says the
// run stopped sending.
type statusesMsg struct {
	id       int
	statuses []engine.TaskStatus
	closed   bool
}

// eventsMsg is a batch of the messages the student published in run id.
type eventsMsg struct {
	id     int
	events []engine.Event
	closed bool
}

// solvedMsg says whether the lesson did task for the student.
type solvedMsg struct {
	id   int
	task string
	err  error
}

// savedMsg says whether the progress was saved.
type savedMsg struct{ err error }

func itoa(n int) string { return strconv.Itoa(n) }

// load reads the lessons and the progress.
func load(env Env) tea.Cmd {
	return func() tea.Msg {
		msg := loadedMsg{lessons: env.Lessons}
		if msg.lessons == nil {
			msg.lessons, msg.err = engine.Load()
		}
		msg.progress = engine.Progress{Lessons: map[string][]string{}}
		if env.ConfigDir != "" {
			p, err := engine.LoadProgress(env.ConfigDir)
			if err != nil {
				msg.progErr = err
			} else {
				msg.progress = p
			}
		}
		return msg
	}
}

func (m *Model) onLoaded(msg loadedMsg) tea.Cmd {
	m.loaded, m.loading = true, false
	m.lessons, m.loadErr, m.progress = msg.lessons, msg.err, msg.progress
	if m.progress.Lessons == nil {
		m.progress.Lessons = map[string][]string{}
	}
	var flash tea.Cmd
	if msg.progErr != nil {
		flash = common.Flash(common.LevelError, "cannot read your lesson progress: "+common.Clean(msg.progErr.Error()))
	}
	want := m.want
	m.want = 0
	return tea.Batch(flash, m.Open(want))
}

// ctx is the UI's context, which ends when it does.
func (m *Model) ctx() context.Context {
	if m.c.Ctx != nil {
		return m.c.Ctx
	}
	return context.Background()
}

// startLesson opens a lesson and starts its run.
func (m *Model) startLesson(l engine.Lesson) tea.Cmd {
	m.nextID++
	s := &session{
		lesson: l, id: m.nextID, hints: map[string]int{}, anim: routeanim.New(m.c.Styles), text: scroll.New(), prompt: input.New(),
		done: make(chan struct{}),
	}
	m.open = s
	m.layoutText()
	if m.env.Target.URL == "" {
		s.err = errNoTarget
		return nil
	}
	id, ctx, target := s.id, m.ctx(), m.env.Target
	return func() tea.Msg {
		run, err := engine.Start(ctx, target, l)
		return startedMsg{id: id, run: run, err: err}
	}
}

// errNoTarget is why a lesson cannot run on the UI's broker.
var errNoTarget = errors.New("lessons run on the embedded broker: quit and type kaiten learn")

// closeLesson leaves the open lesson: its run stops and deletes its
// vhost, and the root goes back to its own vhost and session.
func (m *Model) closeLesson() tea.Cmd {
	r := m.leave()
	if r == nil {
		return nil
	}
	return tea.Batch(closeRun(r), func() tea.Msg { return common.ScopeMsg{} })
}

// leave forgets the open lesson and returns its run; nil when none had
// started (a run still starting is closed when it arrives).
func (m *Model) leave() *engine.Run {
	s := m.open
	if s == nil {
		return nil
	}
	m.open = nil
	s.end()
	return s.run
}

func closeRun(r *engine.Run) tea.Cmd {
	return func() tea.Msg {
		if err := r.Close(); err != nil {
			return common.FlashMsg{Level: common.LevelError, Text: "closing the lesson: " + common.Clean(err.Error())}
		}
		return nil
	}
}

func waitStatuses(r *engine.Run, s *session) tea.Cmd {
	ch, id, done := r.Updates(), s.id, s.done
	return func() tea.Msg {
		var st []engine.TaskStatus
		var ok bool
		select {
		case st, ok = <-ch:
		case <-done:
			return nil
		}
		if !ok {
			return statusesMsg{id: id, closed: true}
		}
		for { // only the latest matters
			select {
			case more, ok := <-ch:
				if !ok {
					return statusesMsg{id: id, statuses: st, closed: true}
				}
				st = more
			default:
				return statusesMsg{id: id, statuses: st}
			}
		}
	}
}

func waitEvents(r *engine.Run, s *session) tea.Cmd {
	ch, id, done := r.Events(), s.id, s.done
	return func() tea.Msg {
		var ev engine.Event
		var ok bool
		select {
		case ev, ok = <-ch:
		case <-done:
			return nil
		}
		if !ok {
			return eventsMsg{id: id, closed: true}
		}
		evs := []engine.Event{ev}
		for len(evs) < maxEventBatch {
			select {
			case more, ok := <-ch:
				if !ok {
					return eventsMsg{id: id, events: evs, closed: true}
				}
				evs = append(evs, more)
			default:
				return eventsMsg{id: id, events: evs}
			}
		}
		return eventsMsg{id: id, events: evs}
	}
}

// onLesson takes the open lesson's messages; those of a lesson left are
// dropped (and its run, if it arrives late, closed).
func (m *Model) onLesson(msg tea.Msg) tea.Cmd {
	s := m.open
	current := func(id int) bool { return s != nil && s.id == id }
	switch msg := msg.(type) {
	case startedMsg:
		if !current(msg.id) {
			if msg.run != nil {
				return closeRun(msg.run)
			}
			return nil
		}
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		s.run = msg.run
		scope := common.ScopeMsg{Vhost: msg.run.Vhost(), Actions: msg.run.Session(), Label: "lesson " + itoa(s.lesson.Number)}
		return tea.Batch(m.apply(msg.run.Statuses()), waitStatuses(msg.run, s), waitEvents(msg.run, s),
			func() tea.Msg { return scope })
	case statusesMsg:
		if !current(msg.id) {
			return nil
		}
		cmd := m.apply(msg.statuses)
		if msg.closed {
			return cmd
		}
		return tea.Batch(cmd, waitStatuses(s.run, s))
	case eventsMsg:
		if !current(msg.id) {
			return nil
		}
		cmds := []tea.Cmd{}
		for _, ev := range msg.events {
			s.events++
			if ev.Trace != nil {
				cmds = append(cmds, s.anim.Play(*ev.Trace, routeanim.Options{Delivered: orEmpty(ev.Queues), Consumed: m.consumed()}))
			}
		}
		if !msg.closed {
			cmds = append(cmds, waitEvents(s.run, s))
		}
		return tea.Batch(cmds...)
	case solvedMsg:
		if !current(msg.id) {
			return nil
		}
		s.solving = ""
		if msg.err != nil {
			return common.Flash(common.LevelError, "could not do "+common.Clean(msg.task)+" for you: "+common.Clean(msg.err.Error()))
		}
		return nil
	case savedMsg:
		if msg.err != nil {
			return common.Flash(common.LevelError, "cannot save your lesson progress: "+common.Clean(msg.err.Error()))
		}
	}
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// consumed are the lesson's queues that have consumers, from the last
// snapshot.
func (m *Model) consumed() map[string]bool {
	out := map[string]bool{}
	if m.open == nil || m.open.run == nil || !m.c.Data.Ready() {
		return out
	}
	vhost := m.open.run.Vhost()
	for _, q := range m.c.Data.Snap.Queues {
		if q.Vhost == vhost && q.Consumers > 0 {
			out[q.Name] = true
		}
	}
	return out
}

// apply takes new statuses: tasks newly done are saved in the progress.
func (m *Model) apply(sts []engine.TaskStatus) tea.Cmd {
	s := m.open
	wasComplete := m.complete()
	s.statuses = sts
	slug := s.lesson.Slug
	changed := false
	for _, st := range sts {
		if st.Done && !slices.Contains(m.progress.Done(slug), st.ID) {
			m.progress.Mark(slug, st.ID)
			changed = true
		}
	}
	var cmds []tea.Cmd
	if changed && m.env.ConfigDir != "" {
		p := engine.Progress{Lessons: maps.Clone(m.progress.Lessons)}
		for k, v := range p.Lessons {
			p.Lessons[k] = slices.Clone(v)
		}
		dir := m.env.ConfigDir
		cmds = append(cmds, func() tea.Msg { return savedMsg{err: p.Save(dir)} })
	}
	if !wasComplete && m.complete() {
		cmds = append(cmds, common.Flash(common.LevelInfo, "★ lesson "+itoa(s.lesson.Number)+" complete!"))
	}
	return tea.Batch(cmds...)
}
