package core

import (
	"sync"
	"sync/atomic"

	"github.com/kaiten-bus/kaiten/model"
)

// Vhost is one virtual host: its topology (exchanges, queues, bindings,
// policies) and the counters of what went through it.
//
// Topology changes take the vhost's mutex and bump a generation number;
// publishing reads an immutable snapshot (a model.Router and the
// exchanges) through an atomic pointer, rebuilt lazily by the first
// publish that finds it stale, so a burst of declares costs one rebuild
// and publishing never waits on the topology lock when nothing changed.
// Queues are found through a concurrent index instead, so declaring or
// deleting a queue without bindings (an RPC reply queue) needs no rebuild
// at all: routing only reaches queues through bindings or the default
// exchange, which core resolves by name itself.
type Vhost struct {
	b    *Broker
	name string

	mu        sync.Mutex // topology; taken before any queue or channel lock
	exchanges map[string]*exchange
	queues    map[string]*queue
	bindings  bindingSet
	policies  map[string]model.Policy
	matcher   *model.PolicyMatcher
	conns     map[uint64]*Conn
	deleted   bool

	qindex  sync.Map      // queue name → *queue, for lock-free lookups
	gen     atomic.Uint64 // routing generation: bumped when routing may change
	full    atomic.Uint64 // topology generation: bumped on any change
	aeDflt  bool          // some alternate exchange names the default exchange
	snap    atomic.Pointer[snapshot]
	buildMu sync.Mutex // one rebuild at a time
	tracing atomic.Bool

	stats counters
}

// exchange is an exchange and its counters.
type exchange struct {
	decl       model.Exchange
	publishIn  atomic.Int64
	publishOut atomic.Int64
}

// snapshot is what publishing reads: consistent with one generation.
type snapshot struct {
	gen       uint64
	full      uint64
	router    *model.Router
	exchanges map[string]*exchange
}

func newVhost(b *Broker, name string) *Vhost {
	v := &Vhost{
		b:         b,
		name:      name,
		exchanges: make(map[string]*exchange),
		queues:    make(map[string]*queue),
		bindings:  newBindingSet(),
		policies:  make(map[string]model.Policy),
		matcher:   model.NewPolicyMatcher(nil),
		conns:     make(map[uint64]*Conn),
	}
	for _, x := range model.BuiltinExchanges() {
		v.exchanges[x.Name] = &exchange{decl: x}
	}
	v.gen.Store(1)
	v.full.Store(1)
	return v
}

// Name returns the vhost's name.
func (v *Vhost) Name() string { return v.name }

// SetTracing turns the firehose on or off for the vhost.
func (v *Vhost) SetTracing(on bool) { v.tracing.Store(on) }

// Tracing reports whether the firehose is on.
func (v *Vhost) Tracing() bool { return v.tracing.Load() }

// Counters returns the vhost's cumulative counters.
func (v *Vhost) Counters() CounterValues { return v.stats.values() }

// changed marks the routing topology as changed; v.mu must be held.
func (v *Vhost) changed() {
	v.gen.Add(1)
	v.full.Add(1)
}

// queueSetChanged marks a queue added or deleted; v.mu must be held.
// Routing only changes if an alternate exchange can reach the default
// exchange, whose router-side expansion needs the queue names.
func (v *Vhost) queueSetChanged() {
	if v.aeDflt {
		v.gen.Add(1)
	}
	v.full.Add(1)
}

// queueNamed finds a queue without the topology lock.
func (v *Vhost) queueNamed(name string) *queue {
	if q, ok := v.qindex.Load(name); ok {
		return q.(*queue)
	}
	return nil
}

// current returns a snapshot of the current topology, rebuilding it if a
// change happened since the last one.
func (v *Vhost) current() *snapshot {
	s := v.snap.Load()
	if s != nil && s.gen == v.gen.Load() {
		return s
	}
	return v.rebuild(false)
}

func (v *Vhost) rebuild(full bool) *snapshot {
	v.buildMu.Lock()
	defer v.buildMu.Unlock()
	if s := v.snap.Load(); s != nil && s.gen == v.gen.Load() && (!full || s.full == v.full.Load()) {
		return s // another publisher rebuilt it meanwhile
	}
	v.mu.Lock()
	gen, fullGen := v.gen.Load(), v.full.Load()
	mv := model.Vhost{
		Name:      v.name,
		Exchanges: make([]model.Exchange, 0, len(v.exchanges)),
		Queues:    make([]model.Queue, 0, len(v.queues)),
		Bindings:  v.bindings.list(),
		Policies:  make([]model.Policy, 0, len(v.policies)),
	}
	xs := make(map[string]*exchange, len(v.exchanges))
	for n, x := range v.exchanges {
		mv.Exchanges = append(mv.Exchanges, x.decl)
		xs[n] = x
	}
	for _, q := range v.queues {
		mv.Queues = append(mv.Queues, q.decl)
	}
	for _, p := range v.policies {
		mv.Policies = append(mv.Policies, p)
	}
	v.mu.Unlock()
	s := &snapshot{
		gen:       gen,
		full:      fullGen,
		router:    model.NewRouter(mv, model.Options{HeadersEquality: v.b.beh.headersEqual}),
		exchanges: xs,
	}
	v.snap.Store(s)
	return s
}

// Router returns a router over the vhost's current topology, every queue
// included, as publishing routes with it; the trace view can explain with
// the very same one.
func (v *Vhost) Router() *model.Router {
	if s := v.snap.Load(); s != nil && s.gen == v.gen.Load() && s.full == v.full.Load() {
		return s.router
	}
	return v.rebuild(true).router
}

// connect registers a connection to the vhost.
func (v *Vhost) connect(info ConnInfo) (*Conn, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.deleted {
		return nil, errorf(CodeNotAllowed, "vhost %s not found", v.name)
	}
	c := newConn(v, info)
	v.conns[c.id] = c
	return c, nil
}

func (v *Vhost) disconnect(c *Conn) {
	v.mu.Lock()
	delete(v.conns, c.id)
	v.mu.Unlock()
}

// destroy deletes every queue of a deleted vhost and marks its
// connections closed.
func (v *Vhost) destroy() {
	v.mu.Lock()
	v.deleted = true
	qs := make([]*queue, 0, len(v.queues))
	for _, q := range v.queues {
		qs = append(qs, q)
	}
	conns := make([]*Conn, 0, len(v.conns))
	for _, c := range v.conns {
		conns = append(conns, c)
	}
	v.mu.Unlock()
	for _, q := range qs {
		_ = v.deleteQueue(q, nil)
	}
	for _, c := range conns {
		c.markVhostDeleted()
	}
}
