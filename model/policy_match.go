package model

// PolicyMatcher finds the policy in effect for an exchange or a queue the
// way RabbitMQ picks it: the highest-priority policy whose pattern matches
// the name and whose apply-to covers the object. Build one per change of
// the vhost's policies; it is safe for concurrent use.
type PolicyMatcher struct {
	set      policySet
	warnings []Warning
}

// NewPolicyMatcher compiles the policies. Operator policies are left out,
// as the router leaves them out.
func NewPolicyMatcher(ps []Policy) *PolicyMatcher {
	set, warns := compilePolicies(ps)
	return &PolicyMatcher{set: set, warnings: warns}
}

// ForExchange returns the policy in effect for the named exchange, or nil.
func (m *PolicyMatcher) ForExchange(name string) *Policy { return m.set.forExchange(name) }

// ForQueue returns the policy in effect for the queue, or nil.
func (m *PolicyMatcher) ForQueue(q *Queue) *Policy { return m.set.forQueue(q) }

// Warnings lists the policies whose pattern could not be compiled.
func (m *PolicyMatcher) Warnings() []Warning { return m.warnings }
