package mgmt

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// policyJSON is a policy as /api/policies lists it.
func policyJSON(vhost string, p model.Policy) obj {
	applyTo := p.ApplyTo
	if applyTo == "" {
		applyTo = "all"
	}
	return obj{
		"vhost": vhost, "name": p.Name, "pattern": p.Pattern, "apply-to": applyTo,
		"definition": table(p.Definition), "priority": p.Priority,
	}
}

// policyBody reads a PUT policy body (pattern and definition required).
func policyBody(rq *request, name string) (model.Policy, error) {
	body, err := rq.body()
	if err != nil {
		return model.Policy{}, err
	}
	if err := missingKeys(body, "pattern", "definition"); err != nil {
		return model.Policy{}, err
	}
	p := model.Policy{Name: name}
	if p.Pattern, err = stringField(body, "pattern", ""); err != nil {
		return p, err
	}
	if p.ApplyTo, err = stringField(body, "apply-to", "all"); err != nil {
		return p, err
	}
	prio, err := intField(body, "priority", 0)
	if err != nil {
		return p, err
	}
	p.Priority = int(prio)
	if p.Definition, err = tableField(body, "definition"); err != nil {
		return p, err
	}
	return p, nil
}

func getPolicies(h *handler, rq *request) error {
	return listPolicies(h, rq, (*core.Vhost).Policies)
}

func getPolicy(h *handler, rq *request) error {
	return onePolicy(h, rq, (*core.Vhost).Policies)
}

// listPolicies lists the policies of the vhosts in scope.
func listPolicies(h *handler, rq *request, of func(*core.Vhost) []model.Policy) error {
	return h.listVhosts(rq, false, nameSort, func(v *core.Vhost, _ *listQuery) []obj {
		var items []obj
		for _, p := range of(v) {
			items = append(items, policyJSON(v.Name(), p))
		}
		return items
	})
}

// onePolicy answers the policy a path names.
func onePolicy(h *handler, rq *request, of func(*core.Vhost) []model.Policy) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	for _, p := range of(v) {
		if p.Name == rq.arg(1) {
			return rq.reply(policyJSON(v.Name(), p))
		}
	}
	return errNotFound()
}

func putPolicy(h *handler, rq *request) error {
	return putAnyPolicy(h, rq, func(v *core.Vhost, p model.Policy) (bool, error) {
		existed := slices.ContainsFunc(v.Policies(), func(q model.Policy) bool { return q.Name == p.Name })
		return !existed, v.SetPolicy(p)
	})
}

// putAnyPolicy reads a policy from a PUT and sets it; set reports whether
// the name is new.
func putAnyPolicy(h *handler, rq *request, set func(*core.Vhost, model.Policy) (bool, error)) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	p, err := policyBody(rq, rq.arg(1))
	if err != nil {
		return err
	}
	created, err := set(v, p)
	if err != nil {
		return err
	}
	return rq.done(created)
}

func deletePolicy(h *handler, rq *request) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	if !v.DeletePolicy(rq.arg(1)) {
		return errNotFound()
	}
	return rq.done(false)
}

// Operator policies are recorded, listed and exported, and have no effect
// on the embedded broker.

// operatorPolicies returns a vhost's operator policies, by name.
func (h *handler) operatorPolicies(vhost string) []model.Policy {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	out := make([]model.Policy, 0, len(h.st.opPolicies[vhost]))
	for _, p := range h.st.opPolicies[vhost] {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b model.Policy) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// setOperatorPolicy records an operator policy; it reports whether the
// name is new.
func (h *handler) setOperatorPolicy(vhost string, p model.Policy) (bool, error) {
	if _, err := regexp.Compile(p.Pattern); err != nil {
		return false, badRequest("invalid pattern %q for operator policy '%s': %v", p.Pattern, p.Name, err)
	}
	if len(p.Definition) == 0 {
		return false, badRequest("operator policy '%s' has an empty definition", p.Name)
	}
	if p.ApplyTo == "" {
		p.ApplyTo = "all"
	}
	p.Operator = true
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	m := h.st.opPolicies[vhost]
	if m == nil {
		m = map[string]model.Policy{}
		h.st.opPolicies[vhost] = m
	}
	_, existed := m[p.Name]
	m[p.Name] = p
	return !existed, nil
}

func getOperatorPolicies(h *handler, rq *request) error {
	return listPolicies(h, rq, h.operatorPoliciesOf)
}

func getOperatorPolicy(h *handler, rq *request) error {
	return onePolicy(h, rq, h.operatorPoliciesOf)
}

func (h *handler) operatorPoliciesOf(v *core.Vhost) []model.Policy {
	return h.operatorPolicies(v.Name())
}

func putOperatorPolicy(h *handler, rq *request) error {
	return putAnyPolicy(h, rq, func(v *core.Vhost, p model.Policy) (bool, error) {
		return h.setOperatorPolicy(v.Name(), p)
	})
}

func deleteOperatorPolicy(h *handler, rq *request) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	h.st.mu.Lock()
	_, ok := h.st.opPolicies[v.Name()][rq.arg(1)]
	delete(h.st.opPolicies[v.Name()], rq.arg(1))
	h.st.mu.Unlock()
	if !ok {
		return errNotFound()
	}
	return rq.done(false)
}
