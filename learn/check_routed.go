package learn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// traceOptions explain every binding, not only the matching ones: the
// explanations of a miss come from the near misses.
var traceOptions = model.TraceOptions{NearMisses: -1, NoDeadLetters: true}

// evalRouted wants Count messages that pass the check; when there are
// not enough, it explains the newest one that came closest.
func evalRouted(r *RoutedCheck, o *Observation) Result {
	want := max(r.Count, 1)
	good, candidates := 0, 0
	var missed *Event // the newest message that does not pass
	for i := range o.Events {
		e := &o.Events[i]
		if !r.wants(e) {
			continue
		}
		candidates++
		if r.passes(e) {
			good++
		} else {
			missed = e
		}
	}
	switch {
	case good >= want:
		return Result{OK: true}
	case candidates == 0:
		return Result{Why: r.noCandidate(o)}
	case missed == nil:
		return Result{Why: fmt.Sprintf("%d of the %d messages wanted so far: publish %d more", good, want, want-good)}
	}
	return Result{Why: routedMiss(r, missed, o)}
}

// passes reports whether a message passes the check; routedMiss says
// why not, at a cost paid only for the message explained.
func (r *RoutedCheck) passes(e *Event) bool {
	switch {
	case r.ReplyTo != nil && *r.ReplyTo != (e.ReplyTo != ""),
		r.Expires && e.Expiration == "",
		r.Unroutable && len(e.Queues) > 0:
		return false
	}
	for _, q := range r.To {
		if !slices.Contains(e.Queues, q) {
			return false
		}
	}
	for _, q := range r.Not {
		if slices.Contains(e.Queues, q) {
			return false
		}
	}
	return true
}

// wants reports whether the event was published where the check looks.
func (r *RoutedCheck) wants(e *Event) bool {
	return (r.Exchange == nil || e.Exchange == *r.Exchange) && (r.Key == nil || e.RoutingKey == *r.Key)
}

// noCandidate explains why no message was published where the check
// looks: none at all, or the newest one went elsewhere.
func (r *RoutedCheck) noCandidate(o *Observation) string {
	if len(o.Events) == 0 {
		if r.Exchange != nil {
			return "nothing was published to " + code(*r.Exchange) + " yet"
		}
		return "nothing was published yet"
	}
	last := &o.Events[len(o.Events)-1]
	if r.Exchange != nil && last.Exchange != *r.Exchange {
		return fmt.Sprintf("you published to %s, but the task wants a message published to %s", code(last.Exchange), code(*r.Exchange))
	}
	return fmt.Sprintf("you published with routing key %s, but the task wants the key %s", code(last.RoutingKey), code(*r.Key))
}

// routedMiss says what keeps one message from passing the check; "" when
// it passes.
func routedMiss(r *RoutedCheck, e *Event, o *Observation) string {
	msg := "your message " + describe(e)
	switch {
	case r.ReplyTo != nil && *r.ReplyTo && e.ReplyTo == "":
		return msg + " has no reply_to: a call names the queue its answer must come back to"
	case r.ReplyTo != nil && !*r.ReplyTo && e.ReplyTo != "":
		return msg + " carries a reply_to, so it is a call that waits for an answer; a cast sends no reply_to and waits for nothing"
	case r.Expires && e.Expiration == "":
		return msg + " has no expiration: set the expiration property (milliseconds, like 1000)"
	case r.Unroutable && len(e.Queues) > 0:
		return msg + " reached " + codes(e.Queues) + ": the task wants one that no queue takes"
	}
	for _, q := range r.To {
		if slices.Contains(e.Queues, q) {
			continue
		}
		reached := "reached no queue, so not " + code(q)
		if len(e.Queues) > 0 {
			reached = "reached " + codes(e.Queues) + " but not " + code(q)
		}
		return msg + " " + reached + ": " + whyNot(e, q, o)
	}
	for _, q := range r.Not {
		if slices.Contains(e.Queues, q) {
			return msg + " reached " + code(q) + " too: " + whyReached(e, q, o)
		}
	}
	return ""
}

// describe names where a message was published: "to `logs` with key
// `eu.paris`", with its headers when it has some.
func describe(e *Event) string {
	s := "to " + code(e.Exchange)
	switch {
	case e.RoutingKey != "":
		s += " with key " + code(e.RoutingKey)
	case len(e.Headers) == 0:
		s += " with an empty key"
	}
	if len(e.Headers) > 0 {
		var hs []string
		for _, k := range e.Headers.Keys() {
			hs = append(hs, k+"="+headerText(e.Headers[k]))
		}
		s += " with headers " + code(strings.Join(hs, ", "))
	}
	return s
}

// headerText shows a header value as a student wrote it.
func headerText(v model.Value) string {
	if v.Type == model.TypeLongstr {
		return v.Str
	}
	return v.Literal()
}

// traceOf returns the event's trace, or routes it on the observed
// topology when it has none.
func traceOf(e *Event, o *Observation) *model.Trace {
	if e.Trace != nil {
		return e.Trace
	}
	r := model.NewRouter(o.Topology.WithBuiltins(), model.Options{})
	t := r.Trace(model.Message{Exchange: e.Exchange, RoutingKey: e.RoutingKey, Headers: e.Headers}, traceOptions)
	return &t
}

// whyNot explains, with the router's reasons, why a message did not
// reach a queue.
func whyNot(e *Event, q string, o *Observation) string {
	t := traceOf(e, o)
	if t.Error != nil {
		return t.Why
	}
	if _, ok := o.Topology.Queue(q); !ok {
		return "there is no queue " + code(q) + ": declare it first"
	}
	if e.Exchange == "" {
		return fmt.Sprintf("the default exchange delivers to the queue named exactly like the routing key, and %s is not %s", code(e.RoutingKey), code(q))
	}
	leads := o.leadsTo(q)
	for _, h := range t.Hops {
		for _, b := range h.Bindings {
			if b.Matched || !towards(b.BindingRef, q, leads) {
				continue
			}
			return bindingName(b.BindingRef) + " does not match: " + b.Reason
		}
		if a := h.Alternate; a != nil && !a.Taken && leads[a.Name] {
			return "the alternate exchange " + code(a.Name) + " of " + code(h.Exchange) + " was not taken: " + a.Why
		}
	}
	if len(leads) == 0 {
		for _, h := range t.Hops {
			if a := h.Alternate; a != nil && a.Taken {
				return "no binding leads to " + code(q) + " yet; what no binding of " + code(h.Exchange) + " takes goes to its alternate exchange " + code(a.Name) + ": bind " + code(q) + " there"
			}
		}
		return "no binding leads to " + code(q) + " yet: bind it"
	}
	return "nothing links " + code(e.Exchange) + " to " + code(q) + ": " + code(q) + " is bound to " + codes(sortedKeys(leads)) + " only"
}

// whyReached explains which binding took a message to a queue.
func whyReached(e *Event, q string, o *Observation) string {
	t := traceOf(e, o)
	if e.Exchange == "" {
		return "the default exchange sends a message to the queue named like its routing key"
	}
	leads := o.leadsTo(q)
	for _, h := range t.Hops {
		for _, b := range h.Bindings {
			if b.Matched && towards(b.BindingRef, q, leads) {
				return bindingName(b.BindingRef) + " matches: " + b.Reason
			}
		}
		if a := h.Alternate; a != nil && a.Taken && leads[a.Name] {
			return "it went to the alternate exchange " + code(a.Name) + ": " + a.Why
		}
	}
	return "the broker routed it there"
}

// towards reports whether a binding leads to the queue, directly or
// through exchanges.
func towards(b model.BindingRef, q string, leads map[string]bool) bool {
	if b.DestinationType == model.DestQueue.String() {
		return b.Destination == q
	}
	return leads[b.Destination]
}

// bindingName names a binding for people: "the binding `eu.*` (`logs` →
// `q.eu`)", with its arguments for a headers binding.
func bindingName(b model.BindingRef) string {
	what := "the binding"
	switch {
	case b.RoutingKey != "":
		what += " " + code(b.RoutingKey)
	case len(b.Arguments) > 0:
		var as []string
		for _, k := range b.Arguments.Keys() {
			as = append(as, k+"="+headerText(b.Arguments[k]))
		}
		what += " " + code(strings.Join(as, ", "))
	}
	return what + " (" + code(b.Source) + " → " + code(b.Destination) + ")"
}

// sortedKeys returns a set's members, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// evalReplied wants a call that reached the queue and got an answer with
// its correlation_id.
func evalReplied(r *RepliedCheck, o *Observation) Result {
	yes := true
	route := &RoutedCheck{Exchange: r.Exchange, Key: r.Key, To: []string{r.Queue}, ReplyTo: &yes}
	why := ""
	for i := range o.Events {
		req := &o.Events[i]
		if !route.wants(req) {
			continue
		}
		if !route.passes(req) {
			why = routedMiss(route, req, o)
			continue
		}
		if answered(req, o.Events[i+1:]) {
			return Result{OK: true}
		}
		why = fmt.Sprintf("your call reached %s, but no reply with correlation_id %s came back to %s: is a server consuming %s?",
			code(r.Queue), code(req.CorrelationID), code(req.ReplyTo), code(r.Queue))
	}
	if why == "" {
		if len(o.Events) == 0 {
			why = "no call was made yet"
		} else {
			why = route.noCandidate(o)
		}
	}
	return Result{Why: why}
}

// answered reports whether a later message is the reply to req: sent to
// its reply queue with its correlation_id.
func answered(req *Event, later []Event) bool {
	const directReplyTo = "amq.rabbitmq.reply-to"
	for _, e := range later {
		if e.CorrelationID != req.CorrelationID || req.CorrelationID == "" {
			continue
		}
		if e.RoutingKey == req.ReplyTo || (strings.HasPrefix(req.ReplyTo, directReplyTo) && strings.HasPrefix(e.RoutingKey, directReplyTo)) {
			return true
		}
	}
	return false
}
