package model

import (
	"fmt"
	"slices"
	"strings"
)

// Dead-letter reasons, as RabbitMQ writes them in x-death.
const (
	ReasonRejected = "rejected"
	ReasonExpired  = "expired"
	ReasonMaxLen   = "maxlen"
)

// DeadLetterBranch is a "what if": where a copy in Queue would go if it
// were dead-lettered. It is not part of the route.
type DeadLetterBranch struct {
	Queue string `json:"queue"`
	// Exchange is the dead-letter exchange.
	Exchange    string   `json:"exchange"`
	Source      string   `json:"source"`
	RoutingKeys []string `json:"routing_keys,omitempty"`
	KeySource   string   `json:"key_source,omitempty"`
	// Outcomes gives, per reason, the queues the dead letter reaches.
	Outcomes []DeadLetterOutcome `json:"outcomes,omitempty"`
	Why      string              `json:"why"`
}

// DeadLetterOutcome is where a dead letter goes for some reasons.
type DeadLetterOutcome struct {
	Reasons []string `json:"reasons"`
	Queues  []string `json:"queues"`
	// Dropped names a queue left out by RabbitMQ's cycle rule.
	Dropped string `json:"dropped_cycle,omitempty"`
}

// deadLetterBranches computes the what-if branch of each reached queue
// that has a dead-letter exchange; the others drop their dead letters.
func (r *Router) deadLetterBranches(queues []string, m Message, keys []string) []DeadLetterBranch {
	var out []DeadLetterBranch
	for _, name := range queues {
		qi := &r.queues[r.qByName[name]]
		dlx := argOrPolicy(qi.q.Arguments, "x-dead-letter-exchange", qi.policy, "dead-letter-exchange")
		if dlx.Set {
			out = append(out, r.deadLetter(qi, dlx, m, keys))
		}
	}
	return out
}

func (r *Router) deadLetter(qi *qinfo, dlx setting, m Message, keys []string) DeadLetterBranch {
	q := qi.q
	b := DeadLetterBranch{Queue: q.Name, Exchange: dlx.Value, Source: dlx.Source}
	xid, ok := r.xByName[dlx.Value]
	if !ok {
		b.Why = fmt.Sprintf("dead-letter exchange %s does not exist: dead letters are dropped", quoteName(dlx.Value))
		return b
	}
	headers := make(Table, len(m.Headers)+4)
	for k, v := range m.Headers {
		if k != "BCC" { // BCC never reaches the queue
			headers[k] = v
		}
	}
	dlrk := argOrPolicy(q.Arguments, "x-dead-letter-routing-key", qi.policy, "dead-letter-routing-key")
	if dlrk.Set {
		b.RoutingKeys, b.KeySource = []string{dlrk.Value}, dlrk.Source
		delete(headers, "CC") // RabbitMQ removes CC when it sets the key
	} else {
		b.RoutingKeys, b.KeySource = keys, "the message's own keys"
	}
	for _, reason := range []string{ReasonRejected, ReasonExpired, ReasonMaxLen} {
		h := deathHeaders(headers, q.Name, reason, m)
		qs := r.walk(xid, b.RoutingKeys, h)
		dropped := ""
		// Cycle rule: a queue already in the death history is dropped
		// unless the message was rejected.
		if reason != ReasonRejected {
			if i, found := slices.BinarySearch(qs, q.Name); found {
				qs, dropped = slices.Delete(slices.Clone(qs), i, i+1), q.Name
			}
		}
		addOutcome(&b.Outcomes, reason, qs, dropped)
	}
	b.Why = fmt.Sprintf("republished to %s with key %s", quoteName(b.Exchange), quoteKeys(b.RoutingKeys))
	return b
}

func quoteKeys(keys []string) string {
	if len(keys) == 1 {
		return quote(keys[0])
	}
	return "[" + strings.Join(quoteAll(keys), ", ") + "]"
}

// deathHeaders adds the headers RabbitMQ puts on a dead letter, which a
// headers exchange in *-with-x mode can match on.
func deathHeaders(h Table, queue, reason string, m Message) Table {
	out := make(Table, len(h)+4)
	for k, v := range h {
		out[k] = v
	}
	rks := []Value{String(m.RoutingKey)} // x-death keeps CC keys, never BCC
	for _, v := range m.Headers["CC"].Array {
		if v.Type == TypeLongstr {
			rks = append(rks, v)
		}
	}
	death := Table{
		"count": Long(1), "reason": String(reason), "queue": String(queue),
		"exchange": String(m.Exchange), "routing-keys": {Type: TypeArray, Array: rks},
	}
	out["x-death"] = Value{Type: TypeArray, Array: []Value{{Type: TypeTable, Table: death}}}
	if _, ok := out["x-first-death-queue"]; !ok {
		out["x-first-death-queue"] = String(queue)
		out["x-first-death-reason"] = String(reason)
		out["x-first-death-exchange"] = String(m.Exchange)
	}
	return out
}

func addOutcome(outs *[]DeadLetterOutcome, reason string, qs []string, dropped string) {
	for i := range *outs {
		o := &(*outs)[i]
		if slices.Equal(o.Queues, qs) && o.Dropped == dropped {
			o.Reasons = append(o.Reasons, reason)
			return
		}
	}
	*outs = append(*outs, DeadLetterOutcome{Reasons: []string{reason}, Queues: qs, Dropped: dropped})
}
