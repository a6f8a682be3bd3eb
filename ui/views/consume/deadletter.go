package consume

import (
	"fmt"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// rejectFate is what a reject does to a message of the queue, as the
// latest snapshot says.
type rejectFate struct {
	known bool   // the queue is in the snapshot
	dlx   bool   // the queue has a dead-letter exchange
	exch  string // the dead-letter exchange; "" is the default exchange
}

// DeadLetterExchange finds the dead-letter exchange of queue q: its
// x-dead-letter-exchange argument, else the dead-letter-exchange of the
// policy in effect (named by the broker, or matched from the vhost's
// policies). ok is false when rejects drop the queue's messages.
func DeadLetterExchange(q broker.Queue, policies []broker.Policy) (string, bool) {
	if s, ok := q.Arguments.StringValue("x-dead-letter-exchange"); ok {
		return s, true
	}
	var ps []model.Policy
	for _, p := range policies {
		if p.Vhost != q.Vhost || p.Operator {
			continue
		}
		if q.Policy != "" && p.Name == q.Policy {
			return p.Definition.StringValue("dead-letter-exchange")
		}
		ps = append(ps, model.Policy{Name: p.Name, Pattern: p.Pattern, ApplyTo: p.ApplyTo, Priority: p.Priority, Definition: p.Definition})
	}
	if q.Policy != "" {
		return "", false // the broker's policy is not in the snapshot
	}
	if p := model.NewPolicyMatcher(ps).ForQueue(&model.Queue{Name: q.Name, Type: q.Type, Arguments: q.Arguments}); p != nil {
		return p.Definition.StringValue("dead-letter-exchange")
	}
	return "", false
}

// fate looks the queue up in the latest snapshot.
func (m *Model) fate() rejectFate {
	if !m.c.Data.Ready() {
		return rejectFate{}
	}
	s := m.c.Data.Snap
	for _, q := range s.Queues {
		if q.Vhost == m.vhost && q.Name == m.queue {
			x, ok := DeadLetterExchange(q, s.Policies)
			return rejectFate{known: true, dlx: ok, exch: x}
		}
	}
	return rejectFate{}
}

// dlxName names a dead-letter exchange for the user.
func dlxName(x string) string {
	if x == "" {
		return "the default exchange"
	}
	return fmt.Sprintf("exchange %q", common.Clean(x))
}

// label is the reject key's help.
func (f rejectFate) label() string {
	switch {
	case !f.known:
		return "reject (dead-letters, or drops without a DLX)"
	case f.dlx:
		return "reject → dead-letter to " + dlxName(f.exch)
	}
	return "reject → drop (no dead-letter exchange)"
}

// short is the reject's word in the hint line.
func (f rejectFate) short() string {
	switch {
	case !f.known:
		return "reject"
	case f.dlx:
		return "reject (dead-letter)"
	}
	return "reject (drops it)"
}

// done says what happened to a rejected message.
func (f rejectFate) done(seq uint64) string {
	switch {
	case !f.known:
		return fmt.Sprintf("message #%d rejected: dead-lettered if the queue has a dead-letter exchange, else dropped", seq)
	case f.dlx:
		return fmt.Sprintf("message #%d rejected: dead-lettered to %s", seq, dlxName(f.exch))
	}
	return fmt.Sprintf("message #%d rejected: dropped (the queue has no dead-letter exchange)", seq)
}
