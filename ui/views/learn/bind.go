package learn

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// kindBind stands for the lesson's own bind prompt among the go keys:
// kaiten's views do not declare bindings, and the routing lessons ask
// the student for some.
const kindBind common.Kind = "learn-bind"

// boundMsg says whether the binding the student asked for was made.
type boundMsg struct {
	id   int
	text string
	err  error
}

// openBind opens the bind prompt, prefilled with the source exchange of
// the task's binding check only: the destination and the key are the
// student's to find.
func (m *Model) openBind() {
	s := m.open
	s.binding, s.declaring = true, false
	s.prompt.SetValue("")
	if t := m.nextTask(); t != nil {
		for _, c := range t.Checks {
			if b := c.Binding; b != nil {
				s.prompt.SetValue(b.Source + " ")
				break
			}
		}
	}
}

// bindKey edits the prompt; enter binds.
func (m *Model) bindKey(msg tea.KeyPressMsg) tea.Cmd {
	s := m.open
	if !key.Matches(msg, m.keys.Accept) {
		s.prompt, _ = s.prompt.Update(msg)
		return nil
	}
	source, dest, rkey, args, err := parseBind(s.prompt.Value())
	if err != nil {
		return common.Flash(common.LevelError, err.Error())
	}
	if s.run == nil {
		return nil
	}
	s.binding = false
	toExchange := m.isExchange(dest)
	kind := "queue"
	if toExchange {
		kind = "exchange"
	}
	text := fmt.Sprintf("bound exchange %s → %s %s with key %q", common.Name(source), kind, common.Name(dest), common.Clean(rkey))
	if len(args) > 0 {
		text += " and arguments " + common.Clean(formatArgs(args))
	}
	id, sess := s.id, s.run.Session()
	return func() tea.Msg {
		ch, err := sess.Channel()
		if err != nil {
			return boundMsg{id: id, err: err}
		}
		defer ch.Close()
		if toExchange {
			err = ch.ExchangeBind(dest, rkey, source, false, args)
		} else {
			err = ch.QueueBind(dest, rkey, source, false, args)
		}
		return boundMsg{id: id, text: text, err: err}
	}
}

// parseBind reads "SOURCE DESTINATION [KEY] [NAME=VALUE ...]": the
// arguments are a headers binding's (x-match=all format=pdf). A third
// word with "=" is an argument, not a key.
func parseBind(line string) (source, dest, rkey string, args amqp.Table, err error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", "", "", nil, fmt.Errorf("type the source exchange, the destination and the key, like: logs q.eu eu.*")
	}
	rest := f[2:]
	if len(rest) > 0 && !strings.Contains(rest[0], "=") {
		rkey, rest = rest[0], rest[1:]
	}
	args, err = parseArgs(rest)
	if err != nil {
		return "", "", "", nil, err
	}
	return f[0], f[1], rkey, args, nil
}

// isExchange reports whether the lesson's vhost has an exchange of that
// name, so that a binding to it is exchange-to-exchange.
func (m *Model) isExchange(name string) bool {
	s := m.open
	if slices.ContainsFunc(s.lesson.Definitions.Exchanges, func(x model.Exchange) bool { return x.Name == name }) {
		return true
	}
	if m.c.Data.Ready() {
		for _, x := range m.c.Data.Snap.Exchanges {
			if x.Vhost == s.lesson.Vhost() && x.Name == name {
				return true
			}
		}
	}
	return false
}

func (m *Model) onBound(msg boundMsg) tea.Cmd {
	if m.open == nil || m.open.id != msg.id {
		return nil
	}
	if msg.err != nil {
		return common.Flash(common.LevelError, "cannot bind: "+common.Clean(msg.err.Error()))
	}
	return common.Flash(common.LevelInfo, msg.text)
}
