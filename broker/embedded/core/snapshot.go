package core

import (
	"slices"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// VhostSnapshot is a view of one vhost for the management API: each object
// is read consistently, the whole only nearly so (queues keep moving while
// it is taken).
type VhostSnapshot struct {
	Name      string
	Tracing   bool
	Counters  CounterValues
	Exchanges []ExchangeInfo
	Queues    []QueueInfo
	// Bindings lists the explicit bindings and, first, the default
	// exchange's implicit ones (source "", key = queue name), as
	// /api/bindings shows them.
	Bindings  []model.Binding
	Consumers []ConsumerInfo
	Policies  []model.Policy
}

// ExchangeInfo is an exchange with its policy and counters.
type ExchangeInfo struct {
	model.Exchange
	Policy     string // name of the policy in effect, "" for none
	PublishIn  int64
	PublishOut int64
}

// QueueInfo is a queue with its state and counters.
type QueueInfo struct {
	model.Queue
	OwnerConn       uint64 // exclusive owner's connection id; 0 none
	Policy          string
	EffectivePolicy model.Table
	Ready           int
	Unacked         int
	ReadyBytes      int64
	Consumers       int
	// SingleActiveConsumerTag names the active consumer of an
	// x-single-active-consumer queue.
	SingleActiveConsumerTag string
	IdleSince               time.Time // zero while consumed
	Counters                QueueCounterValues
}

// Messages is ready plus unacknowledged.
func (q QueueInfo) Messages() int { return q.Ready + q.Unacked }

// ConsumerInfo describes a consumer as /api/consumers does.
type ConsumerInfo struct {
	Queue          string
	Tag            string
	ConnID         uint64
	ConnName       string
	User           string
	Channel        uint16
	AckRequired    bool
	Exclusive      bool
	PrefetchCount  int
	Arguments      model.Table
	Active         bool
	ActivityStatus string // "up", "single_active" or "waiting"
}

// Snapshot reads the vhost.
func (v *Vhost) Snapshot() VhostSnapshot {
	v.mu.Lock()
	snap := VhostSnapshot{
		Name:     v.name,
		Tracing:  v.tracing.Load(),
		Counters: v.stats.values(),
		Policies: v.policyListLocked(),
	}
	for _, x := range v.exchanges {
		info := ExchangeInfo{Exchange: x.decl, PublishIn: x.publishIn.Load(), PublishOut: x.publishOut.Load()}
		if x.decl.Name != model.DefaultExchange {
			if p := v.matcher.ForExchange(x.decl.Name); p != nil {
				info.Policy = p.Name
			}
		}
		snap.Exchanges = append(snap.Exchanges, info)
	}
	qs := make([]*queue, 0, len(v.queues))
	for _, q := range v.queues {
		qs = append(qs, q)
	}
	explicit := v.bindings.list()
	v.mu.Unlock()

	sortBindings(explicit)
	slices.SortFunc(qs, func(a, b *queue) int { return strings.Compare(a.name, b.name) })
	for _, q := range qs {
		info, cons := q.info()
		snap.Queues = append(snap.Queues, info)
		snap.Consumers = append(snap.Consumers, cons...)
		snap.Bindings = append(snap.Bindings, model.Binding{
			Source: model.DefaultExchange, Destination: q.name,
			DestinationType: model.DestQueue, RoutingKey: q.name,
		})
	}
	snap.Bindings = append(snap.Bindings, explicit...)
	slices.SortFunc(snap.Exchanges, func(a, b ExchangeInfo) int { return strings.Compare(a.Name, b.Name) })
	return snap
}

func (q *queue) info() (QueueInfo, []ConsumerInfo) {
	q.mu.Lock()
	defer q.mu.Unlock()
	info := QueueInfo{
		Queue:      q.decl,
		Ready:      q.ready.len(),
		Unacked:    int(q.unackedCnt.Load()),
		ReadyBytes: q.readyBytes,
		Consumers:  len(q.consumers),
		Counters:   q.stats.values(),
	}
	if q.owner != nil {
		info.OwnerConn = q.owner.id
	}
	if q.policy != nil {
		info.Policy, info.EffectivePolicy = q.policy.Name, q.policy.Definition
	}
	if len(q.consumers) == 0 {
		info.IdleSince = time.Unix(0, q.idleSince)
	}
	if q.cfg.sac && len(q.consumers) > 0 {
		info.SingleActiveConsumerTag = q.consumers[0].tag
	}
	cons := make([]ConsumerInfo, 0, len(q.consumers))
	for i, c := range q.consumers {
		ci := ConsumerInfo{
			Queue: q.name, Tag: c.tag, ConnID: c.ch.conn.id, ConnName: c.ch.conn.info.Name,
			User: c.ch.conn.info.User, Channel: c.ch.num, AckRequired: !c.noAck,
			Exclusive: c.exclusive, PrefetchCount: c.prefetch, Arguments: c.args,
			Active: true, ActivityStatus: "up",
		}
		if q.cfg.sac {
			ci.Active, ci.ActivityStatus = i == 0, "single_active"
			if i > 0 {
				ci.ActivityStatus = "waiting"
			}
		}
		cons = append(cons, ci)
	}
	return info, cons
}

// ConnectionInfo describes an open connection.
type ConnectionInfo struct {
	ID       uint64
	Vhost    string
	Info     ConnInfo
	Channels []ChannelInfo
}

// ChannelInfo describes an open channel as /api/channels does.
type ChannelInfo struct {
	Number              uint16
	PrefetchCount       int
	GlobalPrefetchCount int
	Unacked             int
	Consumers           int
	Pending             int // frames waiting for the writer
	Confirm             bool
	Transactional       bool
	Counters            ChannelCounterValues // the channel's cumulative counters
}

// HasConnection reports whether a connection with that id is open.
func (b *Broker) HasConnection(id uint64) bool {
	b.mu.RLock()
	vs := make([]*Vhost, 0, len(b.vhosts))
	for _, v := range b.vhosts {
		vs = append(vs, v)
	}
	b.mu.RUnlock()
	for _, v := range vs {
		v.mu.Lock()
		_, ok := v.conns[id]
		v.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

// Connections lists the open connections of every vhost, by id.
func (b *Broker) Connections() []ConnectionInfo {
	b.mu.RLock()
	vs := make([]*Vhost, 0, len(b.vhosts))
	for _, v := range b.vhosts {
		vs = append(vs, v)
	}
	b.mu.RUnlock()
	var out []ConnectionInfo
	for _, v := range vs {
		v.mu.Lock()
		conns := make([]*Conn, 0, len(v.conns))
		for _, c := range v.conns {
			conns = append(conns, c)
		}
		v.mu.Unlock()
		for _, c := range conns {
			ci := ConnectionInfo{ID: c.id, Vhost: v.name, Info: c.info}
			for _, ch := range c.Channels() {
				ci.Channels = append(ci.Channels, ch.info())
			}
			out = append(out, ci)
		}
	}
	slices.SortFunc(out, func(a, b ConnectionInfo) int { return int(a.ID) - int(b.ID) })
	return out
}

func (ch *Channel) info() ChannelInfo {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	n := len(ch.consumers)
	if ch.reply != nil {
		n++
	}
	return ChannelInfo{
		Number: ch.num, PrefetchCount: ch.prefetch, GlobalPrefetchCount: ch.globalPrefetch,
		Unacked: ch.unacked.len(), Consumers: n, Pending: len(ch.outbox),
		Confirm: ch.confirm, Transactional: ch.tx != nil,
		Counters: ch.Counters(),
	}
}
