package learn

import (
	"fmt"
	"slices"

	"github.com/kaiten-bus/kaiten/model"
)

// evalBinding wants a binding from the source to the destination that
// has the key, or matches and rejects the routing keys.
func evalBinding(c *BindingCheck, o *Observation) Result {
	dest, kind, what := c.Queue, model.DestQueue, "queue"
	if c.Exchange != "" {
		dest, kind, what = c.Exchange, model.DestExchange, "exchange"
	}
	x, ok := o.Topology.Exchange(c.Source)
	if !ok {
		return Result{Why: "there is no exchange " + code(c.Source)}
	}
	if kind == model.DestQueue {
		if _, ok := o.Topology.Queue(dest); !ok {
			return Result{Why: "there is no queue " + code(dest) + ": declare it first"}
		}
	} else if _, ok := o.Topology.Exchange(dest); !ok {
		return Result{Why: "there is no exchange " + code(dest) + ": declare it first"}
	}
	bs := o.bindingsBetween(c.Source, dest, kind)
	if len(bs) == 0 {
		var others []string
		for _, b := range o.Topology.Bindings {
			if b.Destination == dest && b.DestinationType == kind && b.Source != "" {
				others = append(others, b.Source)
			}
		}
		if len(others) > 0 {
			return Result{Why: fmt.Sprintf("the %s %s is bound to %s, not to %s", what, code(dest), codes(others), code(c.Source))}
		}
		return Result{Why: fmt.Sprintf("there is no binding from %s to the %s %s yet: bind it", code(c.Source), what, code(dest))}
	}
	// Explain the student's own binding rather than one the lesson came
	// with.
	why, own := "", false
	for _, b := range bs {
		miss := c.miss(x.Type, b)
		if miss == "" {
			return Result{OK: true}
		}
		if mine := !slices.ContainsFunc(o.Initial.Bindings, func(i model.Binding) bool { return sameBinding(i, b) }); mine || !own {
			why, own = miss, mine
		}
	}
	return Result{Why: why}
}

// miss says what is wrong with one binding; "" when it is what the check
// wants.
func (c *BindingCheck) miss(typ string, b model.Binding) string {
	ref := model.BindingRef{Source: b.Source, Destination: b.Destination, DestinationType: b.DestinationType.String(), RoutingKey: b.RoutingKey}
	name := bindingName(ref)
	if c.Key != nil && b.RoutingKey != *c.Key {
		return fmt.Sprintf("%s has the key %s; the task wants %s", name, code(b.RoutingKey), code(*c.Key))
	}
	for _, k := range c.Matches {
		if ok, why := keyMatches(typ, b.RoutingKey, k); !ok {
			return fmt.Sprintf("%s does not match the routing key %s: %s", name, code(k), why)
		}
	}
	for _, k := range c.Rejects {
		if ok, why := keyMatches(typ, b.RoutingKey, k); ok {
			return fmt.Sprintf("%s also matches %s, which it should not: %s", name, code(k), why)
		}
	}
	return ""
}

// keyMatches says whether a binding key of an exchange type matches a
// routing key, and why, in the router's words.
func keyMatches(typ, bindingKey, key string) (bool, string) {
	switch typ {
	case model.ExchangeTopic:
		return model.ExplainTopic(bindingKey, key)
	case model.ExchangeFanout:
		return true, "a fanout exchange ignores keys"
	}
	if bindingKey == key {
		return true, code(key) + " equals the binding key"
	}
	return false, fmt.Sprintf("a direct binding matches only its exact key, and %s is not %s", code(key), code(bindingKey))
}

// evalQueue wants a queue that holds messages.
func evalQueue(c *QueueCheck, o *Observation) Result {
	q, ok := o.Queues[c.Name]
	if !ok {
		return Result{Why: "there is no queue " + code(c.Name) + " yet: declare it"}
	}
	if q.Messages < c.MinMessages {
		return Result{Why: fmt.Sprintf("%s holds %s; the task wants at least %d", code(c.Name), plural(q.Messages, "message"), c.MinMessages)}
	}
	return Result{OK: true}
}

// evalQueueCount checks a queue's consumers, deliveries, acks or
// redeliveries.
func evalQueueCount(c Check, o *Observation) Result {
	cc := c.count()
	q, ok := o.Queues[cc.Queue]
	if !ok {
		return Result{Why: "there is no queue " + code(cc.Queue)}
	}
	want, name := minOf(cc), code(cc.Queue)
	switch {
	case c.Consumers != nil:
		if int64(q.Consumers) >= want {
			return Result{OK: true}
		}
		return Result{Why: fmt.Sprintf("%s has %s; the task wants at least %d: start %d more", name, plural(int64(q.Consumers), "consumer"), want, want-int64(q.Consumers))}
	case c.Delivered != nil:
		if q.Delivered >= want {
			return Result{OK: true}
		}
		taken := "nothing was taken from " + name + " yet"
		if q.Delivered > 0 {
			taken = plural(q.Delivered, "message") + " taken from " + name + " so far"
		}
		return Result{Why: fmt.Sprintf("%s (it holds %s); the task wants %d: consume from it", taken, plural(q.Messages, "message"), want)}
	case c.Acked != nil:
		if q.Acked >= want {
			return Result{OK: true}
		}
		why := fmt.Sprintf("%s acknowledged from %s so far; the task wants %d", plural(q.Acked, "message"), name, want)
		if q.Delivered > q.Acked {
			why += ": a message taken but not acknowledged (a peek, or a consumer that has not acked) goes back to the queue; consume with acks"
		} else if q.Messages > 0 {
			why += fmt.Sprintf(": it holds %s, consume with acks", plural(q.Messages, "message"))
		} else {
			why += ": publish to it, then consume with acks"
		}
		return Result{Why: why}
	default:
		if q.Redelivered >= want {
			return Result{OK: true}
		}
		return Result{Why: fmt.Sprintf("nothing in %s was redelivered yet: a message comes back, redelivered, only when its consumer goes away (or rejects it with requeue) before acknowledging it; an auto-ack consumer never gives one back", name)}
	}
}

// evalDeadLettered wants messages that entered the queue by being
// dead-lettered: they arrived there but were not published there.
func evalDeadLettered(cc *CountCheck, o *Observation) Result {
	q, ok := o.Queues[cc.Queue]
	if !ok {
		return Result{Why: "there is no queue " + code(cc.Queue)}
	}
	direct := int64(0)
	for _, e := range o.Events {
		if slices.Contains(e.Queues, cc.Queue) {
			if _, dead := e.Headers["x-death"]; !dead {
				direct++
			}
		}
	}
	arrived := max(q.Received, q.Messages+q.Delivered)
	if arrived-direct >= minOf(cc) {
		return Result{OK: true}
	}
	why := "nothing was dead-lettered into " + code(cc.Queue) + " yet"
	if direct > 0 {
		why += fmt.Sprintf(" (%s published straight to it do not count)", plural(direct, "message"))
	}
	for _, src := range o.Topology.Queues {
		if !o.deadLettersTo(src, cc.Queue) {
			continue
		}
		why += fmt.Sprintf(": a message rejected without requeue, or expired, in %s goes there", code(src.Name))
		if s := o.Queues[src.Name]; s.Messages > 0 {
			why += fmt.Sprintf("; %s still holds %s, which will stay there until it is rejected without requeue or expires", code(src.Name), plural(s.Messages, "message"))
		}
		break
	}
	return Result{Why: why}
}

// evalConfirmed wants publisher confirms in the vhost.
func evalConfirmed(cc *CountCheck, o *Observation) Result {
	if o.Confirmed >= minOf(cc) {
		return Result{OK: true}
	}
	why := "the broker has confirmed none of your messages: publish with publisher confirms on (confirm mode)"
	if o.Confirmed > 0 {
		why = fmt.Sprintf("the broker confirmed %s; the task wants %d", plural(o.Confirmed, "message"), minOf(cc))
	}
	if n := len(o.Events); n > 0 {
		why += fmt.Sprintf("; you published %s without confirms, so the broker never said whether it took them", plural(int64(n)-o.Confirmed, "message"))
	}
	return Result{Why: why}
}

// evalReturned wants mandatory messages returned unroutable.
func evalReturned(cc *CountCheck, o *Observation) Result {
	if o.Returned >= minOf(cc) {
		return Result{OK: true}
	}
	if o.Dropped > 0 {
		return Result{Why: fmt.Sprintf("%s no queue took %s dropped without a word: it was not mandatory; publish with the mandatory flag to get it back", plural(o.Dropped, "message"), verb(o.Dropped))}
	}
	for i := len(o.Events) - 1; i >= 0; i-- {
		if e := &o.Events[i]; len(e.Queues) > 0 {
			return Result{Why: fmt.Sprintf("your message %s reached %s, so nothing came back: a message is returned only when it is mandatory and no queue takes it", describe(e), codes(e.Queues))}
		}
	}
	return Result{Why: "nothing came back yet: publish a mandatory message that no queue takes"}
}

// verb is "was" or "were".
func verb(n int64) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// sameBinding compares two bindings by source, destination and key.
func sameBinding(a, b model.Binding) bool {
	return a.Source == b.Source && a.Destination == b.Destination && a.DestinationType == b.DestinationType && a.RoutingKey == b.RoutingKey
}

// deadLettersTo reports whether what dies in the queue src is routed to
// the queue q: through its dead-letter exchange, with its dead-letter
// routing key when it has one.
func (o *Observation) deadLettersTo(src model.Queue, q string) bool {
	dlx, ok := src.Arguments.StringValue("x-dead-letter-exchange")
	if !ok {
		return false
	}
	key, ok := src.Arguments.StringValue("x-dead-letter-routing-key")
	if !ok {
		return o.leadsTo(q)[dlx]
	}
	r := model.NewRouter(o.Topology.WithBuiltins(), model.Options{})
	return slices.Contains(r.Route(model.Message{Exchange: dlx, RoutingKey: key}).Queues, q)
}
