package model

import (
	"fmt"
	"regexp"
	"sort"
)

// compiledPolicy is a policy with its pattern compiled. RabbitMQ matches
// patterns with Erlang's PCRE; Go's RE2 agrees on everything but
// back-references and look-around, which fail to compile and are reported.
type compiledPolicy struct {
	Policy
	re *regexp.Regexp
}

type policySet []compiledPolicy

func compilePolicies(ps []Policy) (policySet, []Warning) {
	var warns []Warning
	out := make(policySet, 0, len(ps))
	for _, p := range ps {
		if p.Operator {
			continue // operator policies cannot set routing keys we model
		}
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			warns = append(warns, Warning{
				Item: "policy " + p.Name,
				Text: fmt.Sprintf("pattern %q cannot be evaluated (%v); the policy is ignored", p.Pattern, err),
			})
			continue
		}
		out = append(out, compiledPolicy{Policy: p, re: re})
	}
	// Highest priority first; RabbitMQ sorts stably, so ties keep the
	// order it lists them in, which is by name.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority > out[j].Priority
		}
		return out[i].Name < out[j].Name
	})
	return out, warns
}

// forExchange returns the policy in effect for the named exchange.
func (ps policySet) forExchange(name string) *Policy {
	for i := range ps {
		p := &ps[i]
		if (p.ApplyTo == "all" || p.ApplyTo == "exchanges" || p.ApplyTo == "") && p.re.MatchString(name) {
			return &p.Policy
		}
	}
	return nil
}

// forQueue returns the policy in effect for the queue.
func (ps policySet) forQueue(q *Queue) *Policy {
	for i := range ps {
		p := &ps[i]
		if appliesToQueue(p.ApplyTo, q.Type) && p.re.MatchString(q.Name) {
			return &p.Policy
		}
	}
	return nil
}

func appliesToQueue(applyTo, queueType string) bool {
	switch applyTo {
	case "all", "queues", "":
		return true
	case "classic_queues":
		return queueType == "" || queueType == "classic"
	case "quorum_queues":
		return queueType == "quorum"
	case "streams":
		return queueType == "stream"
	}
	return false
}

// EffectivePolicy returns the policy RabbitMQ applies to the named exchange
// in the vhost, or nil.
func (v *Vhost) EffectivePolicy(exchange string) *Policy {
	ps, _ := compilePolicies(v.Policies)
	return ps.forExchange(exchange)
}

// setting is a routing-relevant key read from an argument or a policy.
type setting struct {
	Value  string
	Set    bool
	Source string // "argument x-…" or "policy NAME"
}

// argOrPolicy reads a longstr setting the way rabbit_policy:get_arg does:
// the object's own argument wins over its policy's definition key.
func argOrPolicy(args Table, argKey string, p *Policy, policyKey string) setting {
	if v, ok := args[argKey]; ok && v.Type == TypeLongstr {
		return setting{Value: v.Str, Set: true, Source: "argument " + argKey}
	}
	if p != nil {
		if v, ok := p.Definition[policyKey]; ok && v.Type == TypeLongstr {
			return setting{Value: v.Str, Set: true, Source: "policy " + p.Name}
		}
	}
	return setting{}
}
