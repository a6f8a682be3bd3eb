// Package learn is the lessons view: the list of lessons with the
// student's progress, and an open lesson — its text, its tasks with what
// is still wrong, hints on request, the key that does the next task, and
// the route of each message the student publishes, animated.
//
// A lesson runs in a vhost of its own (package learn, the engine); while
// one is open the view asks the root (common.ScopeMsg) to show that vhost
// and act through the lesson's session, so the normal views (publish,
// trace, queues, ...) work inside the lesson.
package learn

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/input"
	"github.com/kaiten-bus/kaiten/ui/components/routeanim"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// Env is where lessons run and what the view may open.
type Env struct {
	// Target is the broker lessons run on; a zero URL says lessons
	// cannot run here.
	Target engine.Target
	// ConfigDir is where the progress is saved; "" keeps it in memory.
	ConfigDir string
	// Lessons are the lessons; nil loads them with engine.Load.
	Lessons []engine.Lesson
	// Views are the kinds of view the UI has, for the go keys; nil means
	// all of them.
	Views []common.Kind
}

// Model is the learn view.
type Model struct {
	c    *common.Common
	env  Env
	keys KeyMap

	loaded   bool
	loading  bool
	loadErr  error
	lessons  []engine.Lesson
	progress engine.Progress
	want     int // the lesson to open once loaded, 0 none

	sel          int      // the list's cursor
	open         *session // the open lesson, nil on the list
	nextID       int
	pendingClose tea.Cmd // closes the lesson esc left, for EscCmd
	w, h         int
}

// session is an open lesson.
type session struct {
	lesson   engine.Lesson
	id       int
	run      *engine.Run
	err      error
	statuses []engine.TaskStatus
	hints    map[string]int // hints shown, by task id
	solving  string         // the task being shown, "" none
	// left counts the views the student left for the lesson with
	// :learn (a worker kept running): esc goes back to them, one by
	// one, before it closes the lesson.
	left      int
	events    int
	anim      routeanim.Model
	text      scroll.Model
	textW     int         // the width the text was rendered at
	binding   bool        // the bind prompt is open
	declaring bool        // the declare prompt is open
	prompt    input.Model // the bind or declare prompt
	declared  []string    // the queues the student declared here
	// done ends the waits on the run's channels when the lesson is left.
	done chan struct{}
}

// end releases the waits on the run's channels.
func (s *session) end() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

// New returns the learn view on the lesson list. Its lessons and the
// progress load with the command Open returns.
func New(c *common.Common, env Env) *Model {
	return &Model{c: c, env: env, keys: DefaultKeyMap()}
}

// Kind returns KindLearn.
func (m *Model) Kind() common.Kind { return common.KindLearn }

// Title names the list or the open lesson.
func (m *Model) Title() string {
	if m.open == nil {
		if m.loaded {
			return "lessons (" + itoa(len(m.lessons)) + ")"
		}
		return "lessons"
	}
	l := m.open.lesson
	return "lesson " + itoa(l.Number) + " · " + common.Clean(l.Title)
}

// Lessons returns the lessons, once loaded.
func (m *Model) Lessons() []engine.Lesson { return m.lessons }

// Lesson returns the open lesson's number, 0 on the list.
func (m *Model) Lesson() int {
	if m.open == nil {
		return 0
	}
	return m.open.lesson.Number
}

// Run returns the open lesson's run, nil before it started.
func (m *Model) Run() *engine.Run {
	if m.open == nil {
		return nil
	}
	return m.open.run
}

// Statuses returns the open lesson's task statuses.
func (m *Model) Statuses() []engine.TaskStatus {
	if m.open == nil {
		return nil
	}
	return slices.Clone(m.open.statuses)
}

// Open shows lesson n, or the list for 0; it loads the lessons first if
// needed. Opening the lesson already open keeps it as it is.
func (m *Model) Open(n int) tea.Cmd {
	if !m.loaded {
		m.want = n
		if m.loading {
			return nil
		}
		m.loading = true
		return load(m.env)
	}
	if n == 0 {
		return nil
	}
	if m.open != nil && m.open.lesson.Number == n {
		return nil
	}
	i := slices.IndexFunc(m.lessons, func(l engine.Lesson) bool { return l.Number == n })
	if i < 0 {
		return common.Flash(common.LevelError, "no lesson "+itoa(n)+"; there are "+itoa(len(m.lessons)))
	}
	m.sel = i
	return tea.Batch(m.closeLesson(), m.startLesson(m.lessons[i]))
}

// Esc goes back to the views left for an open lesson with :learn (the
// root shows them, one by one), then leaves the lesson for the list; on
// the list the root goes back.
func (m *Model) Esc() bool {
	if m.open == nil {
		return false
	}
	if m.open.binding || m.open.declaring {
		m.open.binding, m.open.declaring = false, false
		return true
	}
	if m.open.left > 0 { // back to the view left with :learn (a worker)
		m.open.left--
		return false
	}
	m.pendingClose = m.closeLesson()
	return true
}

// EscCmd closes the lesson esc left: the run stops and the root goes
// back to its own vhost and session.
func (m *Model) EscCmd() tea.Cmd {
	cmd := m.pendingClose
	m.pendingClose = nil
	return cmd
}

// Capturing reports whether the bind or the declare prompt takes the
// keys.
func (m *Model) Capturing() bool { return m.open != nil && (m.open.binding || m.open.declaring) }

// Start loads the lessons the first time the view is shown.
func (m *Model) Start() tea.Cmd {
	if m.open != nil { // the root came here from another view, kept behind
		m.open.left++
	}
	if m.loaded || m.loading {
		return nil
	}
	return m.Open(0)
}

// Stop closes the open lesson (its run stops and deletes its vhost); the
// root calls it when the UI ends, and runs its command to the end.
func (m *Model) Stop() tea.Cmd {
	if r := m.leave(); r != nil {
		return closeRun(r)
	}
	return nil
}

// SetSize sets the body's size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.open != nil {
		m.layoutText()
	}
}

// ShortHelp is the keys of the list or of the lesson.
func (m *Model) ShortHelp() []key.Binding {
	if m.open == nil {
		return []key.Binding{m.keys.Open, m.keys.Up, m.keys.Down}
	}
	return []key.Binding{m.keys.Next, m.keys.Hint, m.keys.ShowMe, m.keys.List}
}

// FullHelp is every key.
func (m *Model) FullHelp() [][]key.Binding {
	lesson := []key.Binding{m.keys.Next, m.keys.Hint, m.keys.ShowMe, m.keys.NextLesson, m.keys.List}
	for _, g := range m.goKeys() {
		lesson = append(lesson, g.Binding)
	}
	return [][]key.Binding{
		append([]key.Binding{m.keys.Open, m.keys.Up, m.keys.Down}, lesson...),
		m.keys.Scroll.Bindings(),
	}
}

// goKeys are the go keys of the views the UI has.
func (m *Model) goKeys() []GoKey {
	var out []GoKey
	for _, g := range m.keys.Go {
		if m.env.Views == nil || g.Kind == kindBind || g.Kind == kindDeclare || slices.Contains(m.env.Views, g.Kind) {
			out = append(out, g)
		}
	}
	return out
}

// Update handles keys, the lesson's updates and the animation's ticks.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = m.onKey(msg)
	case tea.MouseWheelMsg:
		if m.open != nil {
			m.open.text, _ = m.open.text.Update(msg)
		}
	case loadedMsg:
		cmd = m.onLoaded(msg)
	case boundMsg:
		cmd = m.onBound(msg)
	case declaredMsg:
		cmd = m.onDeclared(msg)
	case startedMsg, statusesMsg, eventsMsg, solvedMsg, savedMsg:
		cmd = m.onLesson(msg)
	case routeanim.TickMsg:
		if m.open != nil {
			cmd = m.open.anim.Update(msg)
		}
	}
	return cmd
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.open == nil {
		return m.listKey(msg)
	}
	return m.lessonKey(msg)
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.sel = max(m.sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.sel = min(m.sel+1, max(len(m.lessons)-1, 0))
	case key.Matches(msg, m.keys.Scroll.Top):
		m.sel = 0
	case key.Matches(msg, m.keys.Scroll.Bottom):
		m.sel = max(len(m.lessons)-1, 0)
	case key.Matches(msg, m.keys.Open):
		if m.sel < len(m.lessons) {
			return m.Open(m.lessons[m.sel].Number)
		}
	}
	return nil
}

func (m *Model) lessonKey(msg tea.KeyPressMsg) tea.Cmd {
	s := m.open
	if s.binding {
		return m.bindKey(msg)
	}
	if s.declaring {
		return m.declareKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Next):
		return m.doNext()
	case key.Matches(msg, m.keys.Hint):
		return m.hint()
	case key.Matches(msg, m.keys.ShowMe):
		return m.showMe()
	case key.Matches(msg, m.keys.NextLesson):
		i := slices.IndexFunc(m.lessons, func(l engine.Lesson) bool { return l.Number == s.lesson.Number })
		if i+1 < len(m.lessons) {
			return m.Open(m.lessons[i+1].Number)
		}
		return common.Flash(common.LevelInfo, "that was the last lesson")
	}
	for _, g := range m.goKeys() {
		if key.Matches(msg, g.Binding) {
			return m.goTo(g)
		}
	}
	s.text, _ = s.text.Update(msg)
	return nil
}
