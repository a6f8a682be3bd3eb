package routeanim

import (
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// DefaultInterval is the time between two steps of the animation.
const DefaultInterval = 100 * time.Millisecond

// hold is how many steps the final picture stays before the next queued
// route plays.
const hold = 6

// maxPending bounds the routes waiting to play; older ones are dropped
// when messages come faster than they can be shown.
const maxPending = 3

var lastID atomic.Int64

// TickMsg advances the animation of the model with that id. gen tells a
// tick of an earlier route from the current one's.
type TickMsg struct {
	id, gen int64
}

// Model plays routes one after another, one step per tick.
type Model struct {
	// Interval is the time between steps.
	Interval time.Duration

	st      *styles.Styles
	id, gen int64
	route   Route
	have    bool
	step    int
	playing bool
	pending []Route
}

// New returns a model with nothing to show.
func New(st *styles.Styles) Model {
	return Model{Interval: DefaultInterval, st: st, id: lastID.Add(1)}
}

// Play animates a trace, after the routes already waiting if one is
// playing.
func (m *Model) Play(t model.Trace, o Options) tea.Cmd {
	r := Layout(t, o)
	if m.playing {
		m.pending = append(m.pending, r)
		if len(m.pending) > maxPending {
			m.pending = m.pending[len(m.pending)-maxPending:]
		}
		return nil
	}
	return m.start(r)
}

func (m *Model) start(r Route) tea.Cmd {
	m.route, m.have, m.step, m.playing = r, true, 0, true
	m.gen++
	return m.tick()
}

func (m *Model) tick() tea.Cmd {
	id, gen := m.id, m.gen
	return tea.Tick(m.Interval, func(time.Time) tea.Msg { return TickMsg{id: id, gen: gen} })
}

// Update takes the model's own ticks.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	t, ok := msg.(TickMsg)
	if !ok || t.id != m.id || t.gen != m.gen || !m.playing {
		return nil
	}
	m.step++
	switch {
	case m.step < m.route.steps:
		return m.tick()
	case len(m.pending) == 0:
		m.playing = false
		return nil
	case m.step < m.route.steps+hold:
		return m.tick()
	}
	next := m.pending[0]
	m.pending = m.pending[1:]
	return m.start(next)
}

// Playing reports whether the animation is moving.
func (m Model) Playing() bool { return m.playing }

// Empty reports whether nothing was played yet.
func (m Model) Empty() bool { return !m.have }

// Step is the step shown now.
func (m Model) Step() int { return m.step }

// View draws the current frame, each line cut to width.
func (m Model) View(width int) string {
	if !m.have {
		return ""
	}
	return Frame(m.st, m.route, m.step, width)
}
