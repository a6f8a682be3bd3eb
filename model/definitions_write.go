package model

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// sortVhost sorts a vhost's lists the way definitions are written.
func sortVhost(v *Vhost) {
	slices.SortStableFunc(v.Exchanges, func(a, b Exchange) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(v.Queues, func(a, b Queue) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(v.Policies, func(a, b Policy) int {
		if a.Operator != b.Operator {
			if a.Operator {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Name, b.Name)
	})
	slices.SortStableFunc(v.Bindings, func(a, b Binding) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := strings.Compare(a.Destination, b.Destination); c != 0 {
			return c
		}
		if c := cmp.Compare(a.DestinationType, b.DestinationType); c != 0 {
			return c
		}
		if c := strings.Compare(a.RoutingKey, b.RoutingKey); c != 0 {
			return c
		}
		return strings.Compare(bindingKey(&a), bindingKey(&b))
	})
}

// MarshalJSON writes the definitions in the shape and spelling Format
// records, items sorted by vhost and then as sortVhost orders them. Extra
// keys are written back verbatim (compacted); operator policies are
// written from Vhosts, as "operator_policy" parameters unless
// Format.OperatorPolicies is set. Warnings are not written.
func (d *Definitions) MarshalJSON() ([]byte, error) {
	f := d.Format
	if f.OneVhost && len(d.Vhosts) > 1 {
		return nil, fmt.Errorf("a one-vhost definitions export holds one vhost, not %d", len(d.Vhosts))
	}
	l := defsLists{
		policies: []policyJSON{}, opPolicies: []policyJSON{},
		queues: []queueJSON{}, exchanges: []exchangeJSON{}, bindings: []bindingJSON{},
	}
	vhosts := slices.Clone(d.Vhosts)
	slices.SortStableFunc(vhosts, func(a, b Vhost) int { return strings.Compare(a.Name, b.Name) })
	for _, v := range vhosts {
		l.add(v, f)
	}

	w := defsWriter{b: []byte{'{'}, done: map[string]bool{}}
	for _, kv := range [][2]string{
		{"rabbit_version", d.RabbitVersion},
		{"rabbitmq_version", d.RabbitMQVersion},
		{"product_name", d.ProductName},
		{"product_version", d.ProductVersion},
	} {
		if kv[1] != "" {
			w.value(kv[0], kv[1])
		}
	}
	for _, key := range []string{"users", "vhosts", "permissions", "topic_permissions", "parameters", "global_parameters"} {
		if key == "parameters" {
			w.parameters(d.Extra["parameters"], l.opParams)
		} else if raw, ok := d.Extra[key]; ok {
			w.raw(key, raw)
		}
	}
	w.value("policies", l.policies)
	if f.OperatorPolicies {
		w.value("operator_policies", l.opPolicies)
	}
	w.value("queues", l.queues)
	w.value("exchanges", l.exchanges)
	w.value("bindings", l.bindings)
	keys := make([]string, 0, len(d.Extra))
	for key := range d.Extra {
		if !w.done[key] && key != "parameters" {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		w.raw(key, d.Extra[key])
	}
	if w.err != nil {
		return nil, w.err
	}
	return append(w.b, '}'), nil
}

// The items as a definitions export spells them, keys in RabbitMQ's order.
type (
	queueJSON struct {
		Name       string  `json:"name"`
		Vhost      *string `json:"vhost,omitempty"`
		Type       string  `json:"type,omitempty"`
		Durable    bool    `json:"durable"`
		AutoDelete bool    `json:"auto_delete"`
		Arguments  Table   `json:"arguments"`
	}
	exchangeJSON struct {
		Name       string  `json:"name"`
		Vhost      *string `json:"vhost,omitempty"`
		Type       string  `json:"type"`
		Durable    bool    `json:"durable"`
		AutoDelete bool    `json:"auto_delete"`
		Internal   *bool   `json:"internal,omitempty"`
		Arguments  Table   `json:"arguments"`
	}
	bindingJSON struct {
		Source          string  `json:"source"`
		Vhost           *string `json:"vhost,omitempty"`
		Destination     string  `json:"destination"`
		DestinationType string  `json:"destination_type"`
		RoutingKey      string  `json:"routing_key"`
		Arguments       Table   `json:"arguments"`
	}
	policyJSON struct {
		Vhost      *string `json:"vhost,omitempty"`
		Name       string  `json:"name"`
		Pattern    string  `json:"pattern"`
		ApplyTo    string  `json:"apply-to"`
		Definition Table   `json:"definition"`
		Priority   int     `json:"priority"`
	}
	parameterJSON struct {
		Value struct {
			Pattern    string `json:"pattern"`
			Definition Table  `json:"definition"`
			Priority   int    `json:"priority"`
			ApplyTo    string `json:"apply-to"`
		} `json:"value"`
		Vhost     *string `json:"vhost,omitempty"`
		Component string  `json:"component"`
		Name      string  `json:"name"`
	}
)

type defsLists struct {
	policies, opPolicies []policyJSON
	opParams             []parameterJSON
	queues               []queueJSON
	exchanges            []exchangeJSON
	bindings             []bindingJSON
}

// add appends one vhost's items, sorted.
func (l *defsLists) add(v Vhost, f DefinitionsFormat) {
	v.Exchanges, v.Queues = slices.Clone(v.Exchanges), slices.Clone(v.Queues)
	v.Bindings, v.Policies = slices.Clone(v.Bindings), slices.Clone(v.Policies)
	sortVhost(&v)
	name := v.Name
	vhost, policyVhost := &name, &name
	if f.OneVhost {
		vhost = nil
		if !f.PolicyVhost {
			policyVhost = nil
		}
	}
	for _, x := range v.Exchanges {
		xj := exchangeJSON{x.Name, vhost, x.Type, x.Durable, x.AutoDelete, nil, x.Arguments}
		if !f.NoInternal || x.Internal {
			xj.Internal = &x.Internal
		}
		l.exchanges = append(l.exchanges, xj)
	}
	for _, q := range v.Queues {
		qj := queueJSON{q.Name, vhost, "", q.Durable, q.AutoDelete, q.Arguments}
		// Without a "type" key the type is read from x-queue-type, so
		// write one only when that would read back wrong.
		argType, _ := q.Arguments.StringValue("x-queue-type")
		if typ := cmp.Or(q.Type, "classic"); f.QueueType || typ != cmp.Or(argType, "classic") {
			qj.Type = typ
		}
		l.queues = append(l.queues, qj)
	}
	for _, b := range v.Bindings {
		l.bindings = append(l.bindings, bindingJSON{b.Source, vhost, b.Destination, b.DestinationType.String(), b.RoutingKey, b.Arguments})
	}
	for _, p := range v.Policies {
		pol := policyJSON{policyVhost, p.Name, p.Pattern, p.ApplyTo, p.Definition, p.Priority}
		switch {
		case !p.Operator:
			l.policies = append(l.policies, pol)
		case f.OperatorPolicies:
			l.opPolicies = append(l.opPolicies, pol)
		default:
			pj := parameterJSON{Vhost: policyVhost, Component: componentOperatorPolicy, Name: p.Name}
			pj.Value.Pattern, pj.Value.Definition, pj.Value.Priority, pj.Value.ApplyTo = p.Pattern, p.Definition, p.Priority, p.ApplyTo
			l.opParams = append(l.opParams, pj)
		}
	}
}

// defsWriter writes the members of the top-level object; the first error
// sticks.
type defsWriter struct {
	b    []byte
	done map[string]bool
	err  error
}

func (w *defsWriter) raw(key string, raw []byte) {
	if w.err != nil {
		return
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		w.err = fmt.Errorf("definitions key %q: %w", key, err)
		return
	}
	if len(w.b) > 1 {
		w.b = append(w.b, ',')
	}
	k, _ := json.Marshal(key)
	w.b = append(append(append(w.b, k...), ':'), c.Bytes()...)
	w.done[key] = true
}

func (w *defsWriter) value(key string, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && w.err == nil {
		w.err = fmt.Errorf("definitions key %q: %w", key, err)
	}
	w.raw(key, b.Bytes())
}

// parameters writes the runtime parameters kept verbatim, less the
// operator policies, which come from the model.
func (w *defsWriter) parameters(raw json.RawMessage, ops []parameterJSON) {
	if raw == nil && len(ops) == 0 {
		return
	}
	var items []json.RawMessage
	if raw != nil {
		if err := json.Unmarshal(raw, &items); err != nil {
			w.err = cmp.Or(w.err, fmt.Errorf("definitions key \"parameters\": %w", err))
			return
		}
	}
	out := make([]any, 0, len(items)+len(ops))
	for _, it := range items {
		var c struct {
			Component any `json:"component"`
		}
		if json.Unmarshal(it, &c) != nil || c.Component != componentOperatorPolicy {
			out = append(out, it)
		}
	}
	for _, op := range ops {
		out = append(out, op)
	}
	w.value("parameters", out)
}
