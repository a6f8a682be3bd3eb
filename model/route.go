package model

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
)

// AMQP reply codes that routing can produce.
const (
	CodeAccessRefused      = 403
	CodeNotFound           = 404
	CodePreconditionFailed = 406
	CodeNoRoute            = 312
)

// MaxShortstr is the longest routing key basic.publish can carry.
const MaxShortstr = 255

// RouteError is a publish the broker refuses, with its AMQP reply code.
type RouteError struct {
	Code int    `json:"code"`
	Text string `json:"text"`
}

func (e *RouteError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Text) }

// Message is what routing looks at: where it is published and how.
type Message struct {
	Exchange   string
	RoutingKey string
	Headers    Table
}

// RouteResult is where a message goes.
type RouteResult struct {
	// Queues is every queue that gets a copy, sorted, each once.
	Queues []string
	// Err is set when the broker would refuse the publish.
	Err *RouteError
}

// Unroutable reports whether no queue gets the message.
func (r RouteResult) Unroutable() bool { return r.Err == nil && len(r.Queues) == 0 }

// Warning is something in a topology that routing had to pass over.
type Warning struct {
	Item string `json:"item"`
	Text string `json:"text"`
}

func (w Warning) String() string { return w.Item + ": " + w.Text }

// Options tune routing to a RabbitMQ version.
type Options struct {
	HeadersEquality HeadersEquality
}

// Router routes messages through one vhost's topology exactly as RabbitMQ
// does. It is built once from a Vhost and is safe for concurrent use.
type Router struct {
	vhost     Vhost
	opts      Options
	exchanges []xindex
	xByName   map[string]int32
	queues    []qinfo // sorted by name, so queue ids sort as names do
	qByName   map[string]int32
	policies  policySet
	warnings  []Warning
	scratch   sync.Pool
}

// xindex is one exchange with its bindings indexed by how its type matches.
type xindex struct {
	x        *Exchange
	policy   *Policy
	ae       setting
	aeID     int32 // -1: no AE, or it does not exist
	direct   map[string][]target
	fanout   []target
	topic    *topicTrie
	headers  []headersTarget
	bindings []int32 // every binding from this exchange, for explanations
}

// qinfo is a queue with the policy that applies to it.
type qinfo struct {
	q      *Queue
	policy *Policy
}

// target is one binding's destination: a queue id, or an exchange id with
// exchange set.
type target struct {
	id       int32
	exchange bool
	binding  int32 // index in vhost.Bindings; -1 for the default exchange
}

type headersTarget struct {
	spec headersSpec
	target
}

// NewRouter indexes the vhost for routing. The built-in exchanges are added
// if it lacks them. Bindings whose source or destination does not exist are
// left out, with a warning, as RabbitMQ could not hold them.
func NewRouter(v Vhost, opts Options) *Router {
	v = v.WithBuiltins()
	v.Queues = slices.Clone(v.Queues) // sorted below; the caller's order stays
	sort.Slice(v.Queues, func(i, j int) bool { return v.Queues[i].Name < v.Queues[j].Name })
	r := &Router{vhost: v, opts: opts}
	r.policies, r.warnings = compilePolicies(v.Policies)

	r.qByName = make(map[string]int32, len(v.Queues))
	r.queues = make([]qinfo, len(v.Queues))
	for i := range v.Queues {
		q := &v.Queues[i]
		r.queues[i] = qinfo{q: q, policy: r.policies.forQueue(q)}
		r.qByName[q.Name] = int32(i)
	}
	r.xByName = make(map[string]int32, len(v.Exchanges))
	r.exchanges = make([]xindex, len(v.Exchanges))
	for i := range v.Exchanges {
		x := &v.Exchanges[i]
		r.xByName[x.Name] = int32(i)
		xi := &r.exchanges[i]
		xi.x = x
		if x.Name != DefaultExchange {
			xi.policy = r.policies.forExchange(x.Name)
			xi.ae = argOrPolicy(x.Arguments, "alternate-exchange", xi.policy, "alternate-exchange")
		}
	}
	for i := range r.exchanges {
		xi := &r.exchanges[i]
		xi.aeID = -1
		if xi.ae.Set {
			if id, ok := r.xByName[xi.ae.Value]; ok {
				xi.aeID = id
			}
		}
	}
	for bi := range v.Bindings {
		r.addBinding(int32(bi))
	}
	r.scratch.New = func() any { return &routeScratch{seen: make([]uint32, len(r.exchanges))} }
	return r
}

func (r *Router) addBinding(bi int32) {
	b := &r.vhost.Bindings[bi]
	warn := func(text string) {
		item := fmt.Sprintf("binding %q → %s %q (key %q)", b.Source, b.DestinationType, b.Destination, b.RoutingKey)
		r.warnings = append(r.warnings, Warning{item, text})
	}
	src, ok := r.xByName[b.Source]
	if !ok {
		warn(fmt.Sprintf("source exchange %q does not exist; binding ignored", b.Source))
		return
	}
	if b.Source == DefaultExchange {
		warn("the default exchange cannot have explicit bindings; binding ignored")
		return
	}
	tg := target{binding: bi}
	if b.DestinationType == DestExchange {
		id, ok := r.xByName[b.Destination]
		if !ok {
			warn(fmt.Sprintf("destination exchange %q does not exist; binding ignored", b.Destination))
			return
		}
		tg.id, tg.exchange = id, true
	} else {
		id, ok := r.qByName[b.Destination]
		if !ok {
			warn(fmt.Sprintf("destination queue %q does not exist; binding ignored", b.Destination))
			return
		}
		tg.id = id
	}
	xi := &r.exchanges[src]
	xi.bindings = append(xi.bindings, bi)
	switch xi.x.Type {
	case ExchangeDirect:
		if xi.direct == nil {
			xi.direct = make(map[string][]target)
		}
		xi.direct[b.RoutingKey] = append(xi.direct[b.RoutingKey], tg)
	case ExchangeFanout:
		xi.fanout = append(xi.fanout, tg)
	case ExchangeTopic:
		if xi.topic == nil {
			xi.topic = &topicTrie{}
		}
		xi.topic.add(b.RoutingKey, tg)
	case ExchangeHeaders:
		if _, ok := parseMatchMode(b.Arguments); !ok {
			warn("x-match is not all, any, all-with-x or any-with-x; RabbitMQ 3.x treats it as all, newer versions refuse the binding")
		}
		xi.headers = append(xi.headers, headersTarget{compileHeaders(b.Arguments), tg})
	default:
		warn(fmt.Sprintf("exchange type %q is not modelled; its bindings never match here", xi.x.Type))
	}
}

// Warnings lists what building the router passed over.
func (r *Router) Warnings() []Warning { return r.warnings }

// Vhost returns the topology the router was built from (with built-ins).
func (r *Router) Vhost() *Vhost { return &r.vhost }

// Options returns the options the router was built with.
func (r *Router) Options() Options { return r.opts }

type routeScratch struct {
	gen   uint32
	seen  []uint32
	stack []int32
	dests []target
	qs    []int32
}

// publishError checks what basic.publish checks before routing, in the
// broker's order, and returns the routing keys (key, CC…, BCC…).
func (r *Router) publishError(m *Message) (int32, []string, *RouteError) {
	id, ok := r.xByName[m.Exchange]
	if !ok {
		return 0, nil, &RouteError{CodeNotFound, fmt.Sprintf("NOT_FOUND - no exchange '%s' in vhost '%s'", m.Exchange, r.vhost.Name)}
	}
	if r.exchanges[id].x.Internal {
		return 0, nil, &RouteError{CodeAccessRefused, fmt.Sprintf("ACCESS_REFUSED - cannot publish to internal exchange '%s' in vhost '%s'", m.Exchange, r.vhost.Name)}
	}
	if len(m.RoutingKey) > MaxShortstr {
		return 0, nil, &RouteError{CodePreconditionFailed, fmt.Sprintf("PRECONDITION_FAILED - routing key is %d bytes; basic.publish carries at most %d", len(m.RoutingKey), MaxShortstr)}
	}
	keys, err := RoutingKeys(m.RoutingKey, m.Headers)
	if _, ok := m.Headers["BCC"]; ok && err == nil {
		// RabbitMQ removes BCC before routing: a headers exchange never
		// sees it, and neither does any queue.
		m.Headers = maps.Clone(m.Headers)
		delete(m.Headers, "BCC")
	}
	return id, keys, err
}

// RoutingKeys returns the keys a message is routed with: its routing key,
// then the longstr entries of its CC and BCC headers (sender-selected
// distribution). A CC or BCC header that is not an array is refused.
func RoutingKeys(routingKey string, headers Table) ([]string, *RouteError) {
	keys := []string{routingKey}
	for _, h := range [...]string{"CC", "BCC"} {
		v, ok := headers[h]
		if !ok {
			continue
		}
		if v.Type != TypeArray {
			return nil, &RouteError{CodePreconditionFailed, fmt.Sprintf("PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,%q,%s}", h, v.Type)}
		}
		for _, e := range v.Array {
			if e.Type == TypeLongstr {
				keys = append(keys, e.Str)
			}
		}
	}
	return keys, nil
}

// Route returns the queues that get a copy of the message.
func (r *Router) Route(m Message) RouteResult {
	id, keys, err := r.publishError(&m)
	if err != nil {
		return RouteResult{Err: err}
	}
	return RouteResult{Queues: r.walk(id, keys, m.Headers)}
}

// walk is rabbit_exchange:route/3: expand exchanges from a stack, each at
// most once, take an exchange's alternate exchange when its own bindings
// match nothing, and collect queues. It checks no publish permission, so
// dead-lettering can route from an internal exchange too.
func (r *Router) walk(id int32, keys []string, headers Table) []string {
	s := r.scratch.Get().(*routeScratch)
	defer r.scratch.Put(s)
	s.qs = s.qs[:0]
	s.stack = append(s.stack[:0], id)
	s.gen++
	if s.gen == 0 { // wrapped: old stamps could collide
		clear(s.seen)
		s.gen = 1
	}
	s.seen[id] = s.gen
	for len(s.stack) > 0 {
		xi := &r.exchanges[s.stack[len(s.stack)-1]]
		s.stack = s.stack[:len(s.stack)-1]
		s.dests = r.match(xi, keys, headers, s.dests[:0])
		if len(s.dests) == 0 && xi.aeID >= 0 {
			s.dests = append(s.dests, target{id: xi.aeID, exchange: true, binding: -1})
		}
		for _, d := range s.dests {
			if !d.exchange {
				s.qs = append(s.qs, d.id)
			} else if s.seen[d.id] != s.gen {
				s.seen[d.id] = s.gen
				s.stack = append(s.stack, d.id)
			}
		}
	}
	return r.queueNames(s.qs)
}

// queueNames sorts and de-duplicates queue ids and names them.
func (r *Router) queueNames(ids []int32) []string {
	if len(ids) == 0 {
		return []string{}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = r.queues[id].q.Name
	}
	return names
}

// match appends the destinations the exchange's own type routes to. Only
// destinations that exist are returned: for the default exchange a key
// that names no queue gives nothing.
func (r *Router) match(xi *xindex, keys []string, headers Table, out []target) []target {
	switch {
	case xi.x.Name == DefaultExchange:
		for _, k := range keys {
			if id, ok := r.qByName[k]; ok {
				out = append(out, target{id: id, binding: -1})
			}
		}
	case xi.x.Type == ExchangeDirect:
		for _, k := range keys {
			out = append(out, xi.direct[k]...)
		}
	case xi.x.Type == ExchangeFanout:
		out = append(out, xi.fanout...)
	case xi.x.Type == ExchangeTopic:
		if xi.topic != nil {
			for _, k := range keys {
				out = xi.topic.lookup(k, out)
			}
		}
	case xi.x.Type == ExchangeHeaders:
		for i := range xi.headers {
			if xi.headers[i].spec.match(headers, r.opts.HeadersEquality) {
				out = append(out, xi.headers[i].target)
			}
		}
	}
	return out
}

// RouteFrom routes with the given routing keys from an exchange, with no
// publish checks: dead-lettering republishes this way, and may target an
// internal exchange. A missing exchange routes nowhere.
func (r *Router) RouteFrom(exchange string, keys []string, headers Table) []string {
	id, ok := r.xByName[exchange]
	if !ok {
		return []string{}
	}
	return r.walk(id, keys, headers)
}
