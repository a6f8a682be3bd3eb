package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// TraceOptions say how much a trace explains.
type TraceOptions struct {
	// NearMisses is how many bindings that did not match to explain at
	// each exchange, closest first: 0 none, negative all.
	NearMisses int
	// NoDeadLetters leaves out the dead-letter "what if" branches.
	NoDeadLetters bool
}

// Trace is a route with the reasons: every exchange the walk expanded,
// every binding it looked at and why it matched or not, which alternate
// exchange was taken, and where each reached queue would dead-letter.
type Trace struct {
	Exchange    string      `json:"exchange"`
	RoutingKey  string      `json:"routing_key"`
	RoutingKeys []string    `json:"routing_keys"`
	Queues      []string    `json:"queues"`
	Unroutable  bool        `json:"unroutable"`
	Error       *RouteError `json:"error,omitempty"`
	// Why says in words why the message is unroutable or refused.
	Why         string             `json:"why,omitempty"`
	Hops        []Hop              `json:"hops"`
	DeadLetters []DeadLetterBranch `json:"dead_letters,omitempty"`
}

// How a hop was reached.
const (
	ViaPublish   = "publish"
	ViaBinding   = "binding"
	ViaAlternate = "alternate-exchange"
)

// Hop is one exchange the walk expanded.
type Hop struct {
	Exchange string `json:"exchange"`
	Type     string `json:"type"`
	// Parent is the index of the hop whose binding or alternate exchange
	// led here; -1 for the exchange the message was published to.
	Parent int    `json:"parent"`
	Via    string `json:"via"`
	// ViaBinding is the binding that led here when Via is "binding".
	ViaBinding *BindingRef `json:"via_binding,omitempty"`
	Policy     string      `json:"policy,omitempty"`
	// Bindings are the bindings that matched, then the near misses asked for.
	Bindings []BindingCheck `json:"bindings"`
	// Total is how many bindings the exchange has (implicit ones for the
	// default exchange: one per routing key).
	Total     int            `json:"total"`
	Alternate *AlternateStep `json:"alternate_exchange,omitempty"`
}

// BindingRef names a binding.
type BindingRef struct {
	Source          string `json:"source"`
	Destination     string `json:"destination"`
	DestinationType string `json:"destination_type"`
	RoutingKey      string `json:"routing_key"`
	Arguments       Table  `json:"arguments,omitempty"`
}

// Binding outcomes for a matched binding.
const (
	OutcomeQueue    = "queue"         // a queue gets the message
	OutcomeExchange = "exchange"      // the exchange is expanded as a hop
	OutcomeSeen     = "already-seen"  // the exchange was expanded already
	OutcomeNoQueue  = "no-such-queue" // default exchange: no queue has the name
)

// BindingCheck is one binding looked at, matched or not, and why.
type BindingCheck struct {
	BindingRef
	Matched bool `json:"matched"`
	// Key is the routing key that matched (the first one, with CC/BCC).
	Key     string `json:"key,omitempty"`
	Reason  string `json:"reason"`
	Outcome string `json:"outcome,omitempty"`
}

// AlternateStep is an exchange's alternate exchange and what became of it.
type AlternateStep struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Taken  bool   `json:"taken"`
	Why    string `json:"why"`
}

// Trace routes the message and explains the route. Its Queues are always
// the ones Route returns.
func (r *Router) Trace(m Message, opts TraceOptions) Trace {
	t := Trace{Exchange: m.Exchange, RoutingKey: m.RoutingKey, Queues: []string{}, Hops: []Hop{}}
	id, keys, err := r.publishError(&m)
	if err != nil {
		t.Error = err
		t.RoutingKeys = []string{m.RoutingKey}
		t.Why = refusalWhy(err, m)
		return t
	}
	t.RoutingKeys = keys
	t.Queues, t.Hops = r.traceWalk(id, keys, m.Headers, opts)
	t.Unroutable = len(t.Queues) == 0
	if t.Unroutable {
		t.Why = unroutableWhy(t.Hops)
	}
	if !opts.NoDeadLetters {
		t.DeadLetters = r.deadLetterBranches(t.Queues, m, keys)
	}
	return t
}

func refusalWhy(err *RouteError, m Message) string {
	switch err.Code {
	case CodeNotFound:
		return fmt.Sprintf("there is no exchange %s: the broker closes the channel with 404 NOT_FOUND", quoteName(m.Exchange))
	case CodeAccessRefused:
		return fmt.Sprintf("%s is internal: only other exchanges (bindings, alternate exchanges) may route into it; a client publish is refused with 403", quoteName(m.Exchange))
	}
	return "the broker refuses the publish: " + err.Text
}

type traceItem struct {
	id     int32
	parent int
	via    string
	ref    *BindingRef
}

// traceWalk is walk with a record of every step, in RabbitMQ's order.
func (r *Router) traceWalk(id int32, keys []string, headers Table, opts TraceOptions) ([]string, []Hop) {
	var hops []Hop
	var qs []int32
	seen := map[int32]bool{id: true}
	stack := []traceItem{{id: id, parent: -1, via: ViaPublish}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		xi := &r.exchanges[it.id]
		hop := Hop{Exchange: xi.x.Name, Type: xi.x.Type, Parent: it.parent, Via: it.via, ViaBinding: it.ref}
		if xi.policy != nil {
			hop.Policy = xi.policy.Name
		}
		dests := dedupTargets(r.match(xi, keys, headers, nil))
		hop.Bindings, hop.Total = r.explainMatched(xi, dests, keys, headers)
		self := len(hops)
		if xi.ae.Set {
			hop.Alternate = r.alternateStep(xi, len(dests) > 0)
			if len(dests) == 0 && xi.aeID >= 0 {
				dests = append(dests, target{id: xi.aeID, exchange: true, binding: -1})
			}
		}
		var push []traceItem
		for i, d := range dests {
			outcome := OutcomeQueue
			if d.exchange {
				outcome = OutcomeSeen
				if !seen[d.id] {
					seen[d.id] = true
					outcome = OutcomeExchange
					via, ref := ViaAlternate, (*BindingRef)(nil)
					if d.binding >= 0 {
						b := hop.Bindings[i].BindingRef
						via, ref = ViaBinding, &b
					}
					push = append(push, traceItem{id: d.id, parent: self, via: via, ref: ref})
				}
			} else {
				qs = append(qs, d.id)
			}
			if i < len(hop.Bindings) {
				hop.Bindings[i].Outcome = outcome
			} else if hop.Alternate != nil && outcome == OutcomeSeen {
				hop.Alternate.Why += "; it was expanded already in this walk, so it adds nothing"
			}
		}
		if xi.x.Name == DefaultExchange {
			hop.Bindings = append(hop.Bindings, r.defaultMisses(keys)...)
		} else if opts.NearMisses != 0 {
			hop.Bindings = append(hop.Bindings, r.nearMisses(xi, dests, keys, headers, opts.NearMisses)...)
		}
		hops = append(hops, hop)
		// RabbitMQ conses each new exchange onto its work list, so the
		// last one found is expanded first.
		stack = append(stack, push...)
	}
	return r.queueNames(qs), hops
}

// explainMatched explains each matched destination, one check per target,
// in the same order.
func (r *Router) explainMatched(xi *xindex, dests []target, keys []string, headers Table) ([]BindingCheck, int) {
	checks := make([]BindingCheck, len(dests))
	for i, d := range dests {
		if d.binding < 0 { // the default exchange's implicit binding
			name := r.queues[d.id].q.Name
			checks[i] = BindingCheck{
				BindingRef: BindingRef{Source: "", Destination: name, DestinationType: "queue", RoutingKey: name},
				Matched:    true, Key: name,
				Reason: fmt.Sprintf("the default exchange delivers to the queue named by the key: %s exists", quoteName(name)),
			}
			continue
		}
		checks[i] = r.explainBinding(xi, d.binding, keys, headers)
	}
	total := len(xi.bindings)
	if xi.x.Name == DefaultExchange {
		total = len(uniqueKeys(keys))
	}
	return checks, total
}

func (r *Router) bindingRef(bi int32) BindingRef {
	b := &r.vhost.Bindings[bi]
	return BindingRef{Source: b.Source, Destination: b.Destination, DestinationType: b.DestinationType.String(), RoutingKey: b.RoutingKey, Arguments: b.Arguments}
}

// explainBinding says whether one binding matches, for which key, and why.
func (r *Router) explainBinding(xi *xindex, bi int32, keys []string, headers Table) BindingCheck {
	c := BindingCheck{BindingRef: r.bindingRef(bi)}
	b := &r.vhost.Bindings[bi]
	switch xi.x.Type {
	case ExchangeFanout:
		c.Matched, c.Reason = true, "fanout: every binding gets the message, whatever the key"
	case ExchangeDirect:
		c.Matched, c.Key, c.Reason = explainDirect(b.RoutingKey, keys)
	case ExchangeTopic:
		var reasons []string
		for _, k := range uniqueKeys(keys) {
			ok, why := ExplainTopic(b.RoutingKey, k)
			if ok {
				c.Matched, c.Key, c.Reason = true, k, why
				break
			}
			reasons = append(reasons, why)
		}
		if !c.Matched {
			c.Reason = strings.Join(reasons, "; ")
		}
	case ExchangeHeaders:
		c.Matched, c.Reason = ExplainHeaders(b.Arguments, headers, r.opts.HeadersEquality)
	default:
		c.Reason = fmt.Sprintf("exchange type %q is not modelled", xi.x.Type)
	}
	if len(keys) > 1 && c.Matched && c.Key != "" && c.Key != keys[0] {
		c.Reason += fmt.Sprintf(" (key %s came from the CC/BCC header)", quote(c.Key))
	}
	return c
}

func explainDirect(bindingKey string, keys []string) (bool, string, string) {
	for _, k := range keys {
		if k == bindingKey {
			return true, k, fmt.Sprintf("binding key %s equals the routing key", quote(bindingKey))
		}
	}
	k := keys[0]
	why := fmt.Sprintf("binding key %s is not the routing key %s; direct compares whole keys byte for byte", quote(bindingKey), quote(k))
	if strings.EqualFold(bindingKey, k) {
		why += " (they differ only in case)"
	} else if strings.ContainsAny(bindingKey, "*#") {
		why += " (`*` and `#` are wildcards only on topic exchanges)"
	}
	if len(keys) > 1 {
		why += fmt.Sprintf(", nor any of the %d CC/BCC keys", len(keys)-1)
	}
	return false, "", why
}

// dedupTargets drops repeats (a trie can reach one binding by two paths,
// CC can repeat a key); they would only add copies RabbitMQ de-duplicates.
func dedupTargets(ts []target) []target {
	out := ts[:0]
	seen := make(map[target]bool, len(ts))
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func uniqueKeys(keys []string) []string {
	if len(keys) == 1 {
		return keys
	}
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}

// defaultMisses explains the default exchange's keys that name no queue.
func (r *Router) defaultMisses(keys []string) []BindingCheck {
	var out []BindingCheck
	for _, k := range uniqueKeys(keys) {
		if _, ok := r.qByName[k]; ok {
			continue
		}
		out = append(out, BindingCheck{
			BindingRef: BindingRef{Destination: k, DestinationType: "queue", RoutingKey: k},
			Reason:     fmt.Sprintf("no queue is named %s (the default exchange routes by queue name)", quote(k)),
			Outcome:    OutcomeNoQueue,
		})
	}
	return out
}

// nearMisses explains up to limit bindings that did not match, closest first.
func (r *Router) nearMisses(xi *xindex, matched []target, keys []string, headers Table, limit int) []BindingCheck {
	hit := make(map[int32]bool, len(matched))
	for _, d := range matched {
		hit[d.binding] = true
	}
	type scored struct {
		bi    int32
		score int
	}
	var misses []scored
	for _, bi := range xi.bindings {
		if !hit[bi] {
			misses = append(misses, scored{bi, closeness(xi.x.Type, r.vhost.Bindings[bi].RoutingKey, keys[0])})
		}
	}
	sort.SliceStable(misses, func(i, j int) bool { return misses[i].score > misses[j].score })
	if limit >= 0 && len(misses) > limit {
		misses = misses[:limit]
	}
	out := make([]BindingCheck, len(misses))
	for i, m := range misses {
		out[i] = r.explainBinding(xi, m.bi, keys, headers)
	}
	return out
}

// closeness ranks a missed binding key by how much of the routing key it
// shares from the start: words for topic, bytes for direct.
func closeness(typ, bindingKey, key string) int {
	if typ == ExchangeTopic {
		p, k := SplitTopic(bindingKey), SplitTopic(key)
		n := 0
		for n < len(p) && n < len(k) && (p[n] == "*" || p[n] == "#" || p[n] == k[n]) {
			n++
		}
		return n
	}
	n := 0
	for n < len(bindingKey) && n < len(key) && bindingKey[n] == key[n] {
		n++
	}
	return n
}

func (r *Router) alternateStep(xi *xindex, ownMatched bool) *AlternateStep {
	a := &AlternateStep{Name: xi.ae.Value, Source: xi.ae.Source}
	switch {
	case ownMatched:
		a.Why = fmt.Sprintf("not taken: %s's own bindings matched", quoteName(xi.x.Name))
	case xi.aeID < 0:
		a.Why = fmt.Sprintf("%s does not exist, so it is skipped", quoteName(xi.ae.Value))
	default:
		a.Taken = true
		a.Why = fmt.Sprintf("taken: none of %s's own bindings matched", quoteName(xi.x.Name))
	}
	return a
}

// unroutableWhy says why a walk reached no queue, hop by hop.
func unroutableWhy(hops []Hop) string {
	var parts []string
	for _, h := range hops {
		matched := 0
		for _, b := range h.Bindings {
			if b.Matched {
				matched++
			}
		}
		name := quoteName(h.Exchange)
		switch {
		case h.Exchange == DefaultExchange:
			parts = append(parts, "the default exchange found no queue named by the key")
		case h.Total == 0:
			parts = append(parts, fmt.Sprintf("%s has no bindings", name))
		case matched == 0:
			parts = append(parts, fmt.Sprintf("none of %s's %d bindings matches", name, h.Total))
		default:
			parts = append(parts, fmt.Sprintf("%s matched only exchanges, which route nowhere", name))
		}
		if h.Alternate != nil && !h.Alternate.Taken && matched == 0 {
			parts[len(parts)-1] += " and its alternate exchange " + h.Alternate.Why
		} else if h.Alternate == nil && matched == 0 && h.Exchange != DefaultExchange {
			parts[len(parts)-1] += " and it has no alternate exchange"
		}
	}
	return strings.Join(parts, "; ") + ". With mandatory the broker returns it (312 NO_ROUTE); without, it is dropped."
}

// quoteName shows an exchange or queue name; the default exchange by name.
func quoteName(name string) string {
	if name == "" {
		return "the default exchange"
	}
	return "`" + name + "`"
}
