package core

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// Policies: a vhost's policies can set, for exchanges, alternate-exchange,
// and for queues dead-letter-exchange, dead-letter-routing-key,
// message-ttl, expires, max-length, max-length-bytes and overflow. A
// queue's own argument wins for the exchange names and overflow; for the
// numbers the smaller wins (rabbit_amqqueue_process res_arg / res_min).
// Other keys (ha-mode, queue-mode, …) are accepted and have no effect.

// SetPolicy adds or replaces a policy and applies it at once: routing uses
// the new alternate exchanges, and queues their new limits (a lower
// max-length drops heads right away).
func (v *Vhost) SetPolicy(p model.Policy) error {
	if err := validatePolicy(p); err != nil {
		return err
	}
	if p.ApplyTo == "" {
		p.ApplyTo = "all"
	}
	var fx effects
	v.mu.Lock()
	if ae, ok := p.Definition.StringValue("alternate-exchange"); ok && ae == model.DefaultExchange {
		v.aeDflt = true
	}
	v.policies[p.Name] = p
	v.reapplyPoliciesLocked(&fx)
	v.mu.Unlock()
	fx.run(v)
	return nil
}

// DeletePolicy removes a policy; it reports whether it existed.
func (v *Vhost) DeletePolicy(name string) bool {
	var fx effects
	v.mu.Lock()
	_, ok := v.policies[name]
	if ok {
		delete(v.policies, name)
		v.reapplyPoliciesLocked(&fx)
	}
	v.mu.Unlock()
	fx.run(v)
	return ok
}

// Policies returns the vhost's policies, by name.
func (v *Vhost) Policies() []model.Policy {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.policyListLocked()
}

func (v *Vhost) policyListLocked() []model.Policy {
	out := make([]model.Policy, 0, len(v.policies))
	for _, p := range v.policies {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b model.Policy) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (v *Vhost) reapplyPoliciesLocked(fx *effects) {
	v.matcher = model.NewPolicyMatcher(v.policyListLocked())
	for _, q := range v.queues {
		p := v.matcher.ForQueue(&q.decl)
		q.mu.Lock()
		q.reconfigureLocked(p, fx)
		q.mu.Unlock()
	}
	v.changed()
}

func policyError(format string, args ...any) error {
	return errorf(CodePreconditionFailed, format, args...)
}

// validatePolicy checks what rabbit_policy's validators check for the keys
// core acts on.
func validatePolicy(p model.Policy) error {
	if p.Name == "" {
		return policyError("policy name must not be empty")
	}
	if _, err := regexp.Compile(p.Pattern); err != nil {
		return policyError("invalid pattern %q for policy '%s': %v", p.Pattern, p.Name, err)
	}
	switch p.ApplyTo {
	case "", "all", "exchanges", "queues", "classic_queues", "quorum_queues", "streams":
	default:
		return policyError("invalid apply-to '%s' for policy '%s'", p.ApplyTo, p.Name)
	}
	if len(p.Definition) == 0 {
		return policyError("policy '%s' has an empty definition", p.Name)
	}
	for k, val := range p.Definition {
		switch k {
		case "alternate-exchange", "dead-letter-exchange", "dead-letter-routing-key":
			if val.Type != model.TypeLongstr {
				return policyError("%s must be a string, got %s", k, val.Literal())
			}
		case "message-ttl", "max-length", "max-length-bytes", "expires":
			n, ok := intSetting(val)
			if !ok || n < 0 || (k == "expires" && n < 1) {
				return policyError("%s must be a non-negative integer, got %s", k, val.Literal())
			}
		case "overflow":
			if val.Type != model.TypeLongstr || (val.Str != "drop-head" && val.Str != "reject-publish" && val.Str != "reject-publish-dlx") {
				return policyError("overflow must be drop-head, reject-publish or reject-publish-dlx, got %s", val.Literal())
			}
		}
	}
	return nil
}
