package learn

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	amqp "github.com/rabbitmq/amqp091-go"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// kindDeclare stands for the lesson's declare prompt among the go keys:
// kaiten's views do not declare queues, and some lessons ask the student
// for one.
const kindDeclare common.Kind = "learn-declare"

// declaredMsg says whether the queue the student asked for was declared.
type declaredMsg struct {
	id   int
	name string
	text string
	err  error
}

// openDeclare opens the declare prompt, empty: the queue's name is the
// student's to type.
func (m *Model) openDeclare() {
	s := m.open
	s.declaring, s.binding = true, false
	s.prompt.SetValue("")
}

// declareKey edits the prompt; enter declares.
func (m *Model) declareKey(msg tea.KeyPressMsg) tea.Cmd {
	s := m.open
	if !key.Matches(msg, m.keys.Accept) {
		s.prompt, _ = s.prompt.Update(msg)
		return nil
	}
	name, durable, args, err := parseDeclare(s.prompt.Value())
	if err != nil {
		return common.Flash(common.LevelError, err.Error())
	}
	if s.run == nil {
		return nil
	}
	s.declaring = false
	text := "declared queue " + common.Name(name)
	if durable {
		text += " (durable)"
	}
	if len(args) > 0 {
		text += " with arguments " + common.Clean(formatArgs(args))
	}
	id, sess := s.id, s.run.Session()
	return func() tea.Msg {
		ch, err := sess.Channel()
		if err != nil {
			return declaredMsg{id: id, err: err}
		}
		defer ch.Close()
		_, err = ch.QueueDeclare(name, durable, false, false, false, args)
		return declaredMsg{id: id, name: name, text: text, err: err}
	}
}

// parseDeclare reads "NAME [durable] [NAME=VALUE ...]".
func parseDeclare(line string) (name string, durable bool, args amqp.Table, err error) {
	f := strings.Fields(line)
	if len(f) == 0 || strings.Contains(f[0], "=") {
		return "", false, nil, fmt.Errorf("type the queue's name, then durable and arguments if you want them, like: greetings")
	}
	rest := f[1:]
	if len(rest) > 0 && rest[0] == "durable" {
		durable, rest = true, rest[1:]
	}
	args, err = parseArgs(rest)
	return f[0], durable, args, err
}

// parseArgs reads NAME=VALUE words into arguments: a whole number is a
// number (x-message-ttl=1000), true and false are booleans, anything
// else is text.
func parseArgs(words []string) (amqp.Table, error) {
	if len(words) == 0 {
		return nil, nil
	}
	args := amqp.Table{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("arguments are name=value, like x-match=all format=pdf: %q is not", common.Clean(w))
		}
		switch n, err := strconv.ParseInt(v, 10, 64); {
		case err == nil:
			args[k] = n
		case v == "true" || v == "false":
			args[k] = v == "true"
		default:
			args[k] = v
		}
	}
	return args, nil
}

// formatArgs writes arguments back as name=value words, sorted.
func formatArgs(args amqp.Table) string {
	words := make([]string, 0, len(args))
	for k, v := range args {
		words = append(words, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(words)
	return strings.Join(words, " ")
}

// missingQueue is a queue the task routes to that the lesson's vhost
// does not have (from its definitions and the last snapshot): the
// student must declare it first.
func (m *Model) missingQueue(t *engine.Task) string {
	for _, c := range t.Checks {
		if c.Routed == nil {
			continue
		}
		for _, q := range c.Routed.To {
			if !m.hasQueue(q) {
				return q
			}
		}
	}
	return ""
}

// hasQueue reports whether the lesson's vhost has the queue.
func (m *Model) hasQueue(name string) bool {
	s := m.open
	if slices.Contains(s.declared, name) ||
		slices.ContainsFunc(s.lesson.Definitions.Queues, func(q model.Queue) bool { return q.Name == name }) {
		return true
	}
	if m.c.Data.Ready() {
		vhost := s.lesson.Vhost()
		for _, q := range m.c.Data.Snap.Queues {
			if q.Vhost == vhost && q.Name == name {
				return true
			}
		}
	}
	return false
}

func (m *Model) onDeclared(msg declaredMsg) tea.Cmd {
	if m.open == nil || m.open.id != msg.id {
		return nil
	}
	if msg.err != nil {
		return common.Flash(common.LevelError, "cannot declare: "+common.Clean(msg.err.Error()))
	}
	m.open.declared = append(m.open.declared, msg.name)
	return common.Flash(common.LevelInfo, msg.text)
}
