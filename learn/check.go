package learn

import (
	"errors"
	"fmt"
	"strings"
)

// Check is one condition of a task, written in the lesson's front matter
// as a one-key map naming its kind: `routed: {exchange: logs, to: [q.eu]}`.
// Exactly one field is set. Each is explained in docs/lessons.md.
type Check struct {
	// Routed: a message published to an exchange (with a key, headers,
	// with or without reply_to) reached every queue of To and none of Not.
	Routed *RoutedCheck `yaml:"routed,omitempty"`
	// Binding: a binding from an exchange to a queue or an exchange
	// exists, with a key, or one that matches and rejects routing keys.
	Binding *BindingCheck `yaml:"binding,omitempty"`
	// Queue: a queue exists (with arguments, holding messages).
	Queue *QueueCheck `yaml:"queue,omitempty"`
	// Consumers, Delivered, Acked, Redelivered: a queue has at least Min
	// consumers, or delivered, had acknowledged or redelivered at least
	// Min messages.
	Consumers   *CountCheck `yaml:"consumers,omitempty"`
	Delivered   *CountCheck `yaml:"delivered,omitempty"`
	Acked       *CountCheck `yaml:"acked,omitempty"`
	Redelivered *CountCheck `yaml:"redelivered,omitempty"`
	// DeadLettered: at least Min messages reached the queue by being
	// dead-lettered (rejected, expired, over length), not published.
	DeadLettered *CountCheck `yaml:"dead_lettered,omitempty"`
	// Confirmed, Returned: the broker confirmed at least Min publishes,
	// or returned at least Min mandatory messages as unroutable, in the
	// lesson's vhost (Queue is not used).
	Confirmed *CountCheck `yaml:"confirmed,omitempty"`
	Returned  *CountCheck `yaml:"returned,omitempty"`
	// Replied: a call (a request with reply_to and correlation_id) reached
	// the queue, and a reply with the same correlation_id went back to the
	// reply queue.
	Replied *RepliedCheck `yaml:"replied,omitempty"`
}

// RoutedCheck wants a published message that reached queues.
type RoutedCheck struct {
	// Exchange is where the message must be published; nil is any
	// exchange, "" the default exchange.
	Exchange *string `yaml:"exchange,omitempty"`
	// Key, when set, is the routing key it must have.
	Key *string `yaml:"key,omitempty"`
	// To are queues that must all get the message, Not queues none of
	// which may. Unroutable wants a message that reached no queue.
	To         []string `yaml:"to,omitempty"`
	Not        []string `yaml:"not,omitempty"`
	Unroutable bool     `yaml:"unroutable,omitempty"`
	// ReplyTo, when set, wants a message with (true) or without (false) a
	// reply_to property: a call or a cast.
	ReplyTo *bool `yaml:"reply_to,omitempty"`
	// Expires wants a message with a per-message TTL (expiration).
	Expires bool `yaml:"expires,omitempty"`
	// Count is how many such messages are wanted; 0 means 1.
	Count int `yaml:"count,omitempty"`
}

// BindingCheck wants a binding.
type BindingCheck struct {
	Source string `yaml:"source"`
	// Queue or Exchange is the destination.
	Queue    string `yaml:"queue,omitempty"`
	Exchange string `yaml:"exchange,omitempty"`
	// Key, when set, is the exact binding key wanted.
	Key *string `yaml:"key,omitempty"`
	// Matches are routing keys the binding must match, Rejects routing
	// keys it must not (topic and direct exchanges).
	Matches []string `yaml:"matches,omitempty"`
	Rejects []string `yaml:"rejects,omitempty"`
}

// QueueCheck wants a queue.
type QueueCheck struct {
	Name string `yaml:"name"`
	// MinMessages is how many messages it must hold at least.
	MinMessages int64 `yaml:"min_messages,omitempty"`
}

// CountCheck wants a queue's (or the vhost's) counter to reach Min.
type CountCheck struct {
	Queue string `yaml:"queue,omitempty"`
	Min   int64  `yaml:"min,omitempty"` // 0 means 1
}

// RepliedCheck wants an answered call.
type RepliedCheck struct {
	// Queue is the queue the request must reach (the server's).
	Queue string `yaml:"queue"`
	// Exchange and Key, when set, are where the request is published.
	Exchange *string `yaml:"exchange,omitempty"`
	Key      *string `yaml:"key,omitempty"`
}

// Result is a check evaluated: whether it holds, and if not, why.
type Result struct {
	OK  bool
	Why string
}

// kind names the check's kind, as its YAML key, and counts the kinds set.
func (c Check) kind() (string, int) {
	return kindOf(
		kindFlag{"routed", c.Routed != nil}, kindFlag{"binding", c.Binding != nil}, kindFlag{"queue", c.Queue != nil},
		kindFlag{"consumers", c.Consumers != nil}, kindFlag{"delivered", c.Delivered != nil}, kindFlag{"acked", c.Acked != nil},
		kindFlag{"redelivered", c.Redelivered != nil}, kindFlag{"dead_lettered", c.DeadLettered != nil},
		kindFlag{"confirmed", c.Confirmed != nil}, kindFlag{"returned", c.Returned != nil}, kindFlag{"replied", c.Replied != nil},
	)
}

// kindFlag is one kind a check or a step may be, and whether it is set.
type kindFlag struct {
	name string
	on   bool
}

// kindOf returns the last kind set and how many are: a check or a step
// written right has exactly one.
func kindOf(flags ...kindFlag) (string, int) {
	n, k := 0, ""
	for _, f := range flags {
		if f.on {
			n++
			k = f.name
		}
	}
	return k, n
}

// validate says what is wrong with a check as written.
func (c Check) validate() error {
	k, n := c.kind()
	switch {
	case n == 0:
		return errors.New("a check needs a kind: routed, binding, queue, consumers, delivered, acked, redelivered, dead_lettered, confirmed, returned or replied")
	case n > 1:
		return errors.New("one kind per check; list several checks instead")
	}
	switch k {
	case "routed":
		r := c.Routed
		if len(r.To) == 0 && !r.Unroutable && r.Exchange == nil {
			return errors.New("routed: say where (exchange) or what it reaches (to, unroutable)")
		}
		if r.Unroutable && len(r.To) > 0 {
			return errors.New("routed: a message cannot be unroutable and reach queues")
		}
	case "binding":
		b := c.Binding
		if (b.Queue == "") == (b.Exchange == "") {
			return errors.New("binding: name one destination, queue or exchange")
		}
	case "queue":
		if c.Queue.Name == "" {
			return errors.New("queue: name the queue")
		}
	case "replied":
		if c.Replied.Queue == "" {
			return errors.New("replied: name the server's queue")
		}
	case "consumers", "delivered", "acked", "redelivered", "dead_lettered":
		cc := c.count()
		if cc.Queue == "" {
			return fmt.Errorf("%s: name the queue", k)
		}
	}
	return nil
}

// count returns the check's CountCheck, if it is a count.
func (c Check) count() *CountCheck {
	for _, cc := range []*CountCheck{c.Consumers, c.Delivered, c.Acked, c.Redelivered, c.DeadLettered, c.Confirmed, c.Returned} {
		if cc != nil {
			return cc
		}
	}
	return nil
}

// Evaluate evaluates the check on an observation. It is pure.
func (c Check) Evaluate(o *Observation) Result {
	switch {
	case c.Routed != nil:
		return evalRouted(c.Routed, o)
	case c.Binding != nil:
		return evalBinding(c.Binding, o)
	case c.Queue != nil:
		return evalQueue(c.Queue, o)
	case c.Replied != nil:
		return evalReplied(c.Replied, o)
	case c.Confirmed != nil:
		return evalConfirmed(c.Confirmed, o)
	case c.Returned != nil:
		return evalReturned(c.Returned, o)
	case c.DeadLettered != nil:
		return evalDeadLettered(c.DeadLettered, o)
	case c.Consumers != nil, c.Delivered != nil, c.Acked != nil, c.Redelivered != nil:
		return evalQueueCount(c, o)
	}
	return Result{Why: "this check has no kind"}
}

// EvaluateTask evaluates every check of a task: done when all hold, and
// otherwise the first failure's explanation (only once the student did
// something, see Observation.Active).
func EvaluateTask(t *Task, o *Observation) TaskStatus {
	st := TaskStatus{ID: t.ID, Done: true}
	for _, c := range t.Checks {
		r := c.Evaluate(o)
		if !r.OK {
			st.Done = false
			if o.Active() {
				st.Why = r.Why
			}
			break
		}
	}
	return st
}

// code quotes a name as Markdown code, the way explanations show names;
// the default exchange gets its description instead.
func code(name string) string {
	if name == "" {
		return "the default exchange"
	}
	return "`" + strings.ReplaceAll(name, "`", "'") + "`"
}

// codes quotes a list of names: "`a`, `b` and `c`".
func codes(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = code(n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// plural says "1 message", "2 messages".
func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// minOf is a count check's minimum, 1 when unset.
func minOf(cc *CountCheck) int64 { return max(cc.Min, 1) }
