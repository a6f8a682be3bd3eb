package consume

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// bannerHeight is the lines above the list: the mode and what it does,
// and the question while a destructive consume waits for a yes.
func (m *Model) bannerHeight() int {
	if m.confirming {
		return 3
	}
	return 2
}

// View draws the banner and the list.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	banner := []string{m.modeLine(), m.noteLine()}
	if m.confirming {
		banner = m.question()
	}
	return common.Lines(strings.Join(banner, "\n")+"\n"+m.list.View(), m.w, m.h)
}

// modeLine names the queue, the mode and the prefetch, and says what the
// consumer is doing.
func (m *Model) modeLine() string {
	st := m.c.Styles
	q := st.Tone(styles.Queue).Render(common.Name(m.queue))
	mode := st.Tone(modeTone(m.mode)).Render("mode " + strings.ToUpper(m.mode.String()))
	var state string
	switch ended, err := m.list.Ended(); {
	case m.c.Actions == nil:
		return st.StatusError.Render(" cannot consume here: this backend has no broker session to consume with")
	case err != nil:
		state = st.StatusError.Render(" ✗ ended")
	case ended && m.mode == broker.ModePeek:
		state = st.Tone(styles.OK).Render(" ◉ peeked")
	case ended:
		state = st.Hint.Render(" consumer closed")
	case m.list.Starting():
		state = st.Hint.Render(" ◌ starting")
	case m.list.Running():
		state = st.Tone(styles.OK).Render(" ● consuming")
	default:
		state = st.Hint.Render(" not consuming")
	}
	line := state + " queue " + q + st.Hint.Render(" · ") + mode
	if m.mode == broker.ModePeek {
		line += st.Hint.Render(fmt.Sprintf(" · up to %d at a time", m.prefetch))
	} else {
		line += st.Hint.Render(fmt.Sprintf(" · prefetch %d", m.prefetch))
	}
	if n := m.Unsettled(); n > 0 {
		line += st.Tone(styles.Warn).Render(fmt.Sprintf(" · %d unsettled", n))
	}
	return line
}

func modeTone(mode broker.ConsumeMode) styles.Tone {
	switch mode {
	case broker.ModeAuto:
		return styles.Error
	case broker.ModeAck:
		return styles.Warn
	}
	return styles.Accent
}

// noteLine is what the mode does to the queue, the refusal or the error,
// or the prefetch prompt.
func (m *Model) noteLine() string {
	st := m.c.Styles
	if m.prompting {
		label := " prefetch (restarts the consumer): "
		if m.mode == broker.ModePeek {
			label = " how many to peek: "
		}
		return st.Prompt.Render(label) + m.prompt.View(max(m.w-common.Width(label)-1, 1), st.Input, st.Cursor, true)
	}
	if m.dropping != 0 {
		return st.StatusError.Render(fmt.Sprintf(" ⚠ reject drops #%d for good (no dead-letter exchange)?", m.dropping)) +
			st.HelpKey.Render(" y") + st.Help.Render(" drop ") + st.HelpKey.Render("n/esc") + st.Help.Render(" keep")
	}
	if m.refused != "" {
		return st.StatusError.Render(" " + m.refused)
	}
	if _, err := m.list.Ended(); err != nil {
		return st.Tone(styles.Error).Render(" " + common.CleanN(err.Error(), common.MaxDetail))
	}
	switch m.mode {
	case broker.ModePeek:
		// broker.ModePeek.Warning(), short enough for 80 columns.
		return st.Tone(styles.Warn).Render(" ⚠ peek requeues: messages come back redelivered and may reorder · r again")
	case broker.ModeAuto:
		return st.Tone(styles.Error).Render(" ⚠ " + broker.ModeAuto.Warning())
	}
	return st.Hint.Render(" a ack · n requeue · x " + m.fate().short() + " · unsettled ones go back on leaving")
}

// question asks before a destructive consume, naming the queue and what
// it holds.
func (m *Model) question() []string {
	st := m.c.Styles
	held := ""
	if n, ok := m.depth(); ok {
		held = fmt.Sprintf(" (%s ready now)", common.Count(n))
	}
	return []string{
		st.StatusError.Render(" ⚠ consume queue " + common.Name(m.queue) + " destructively?"),
		st.Tone(styles.Warn).Render(" every message kaiten takes leaves the queue for good" + held),
		st.HelpKey.Render(" y") + st.Help.Render(" consumes  ") + st.HelpKey.Render("n/esc") + st.Help.Render(" cancels"),
	}
}

// depth is the queue's ready count in the latest snapshot.
func (m *Model) depth() (int64, bool) {
	if !m.c.Data.Ready() {
		return 0, false
	}
	for _, q := range m.c.Data.Snap.Queues {
		if q.Vhost == m.vhost && q.Name == m.queue {
			return q.Ready, true
		}
	}
	return 0, false
}
