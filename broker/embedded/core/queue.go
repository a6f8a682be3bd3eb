package core

import (
	"sync"
	"sync/atomic"

	"github.com/kaiten-bus/kaiten/model"
)

// queue is a queue's runtime: its ready messages, its consumers and the
// timers for TTL and x-expires. Its mutex is taken after the vhost's and
// before any channel's.
type queue struct {
	v     *Vhost
	name  string
	decl  model.Queue
	owner *Conn // exclusive owner

	mu sync.Mutex
	// dlOut holds this queue's dead letters in the order they left it;
	// one goroutine at a time (dlDraining) publishes them, so they reach
	// the dead-letter exchange in that order, as from RabbitMQ's queue
	// process, even when two operations dead-letter at once.
	dlOut      []deadLetter
	dlDraining bool
	cfg        queueConfig
	policy     *model.Policy
	ready      readyList
	readyBytes int64
	seq        uint64
	consumers  []*consumer
	rr         int // round-robin position
	available  int // consumers not blocked
	deleted    bool

	ttlTimer   Timer
	ttlAt      int64  // when ttlTimer fires, Unix ns
	ttlGen     uint64 // tells a stale timer callback from the current one
	expTimer   Timer
	expGen     uint64
	lastUsed   int64 // Unix ns of the last declare, get or consumer change
	idleSince  int64
	unackedCnt atomic.Int64
	stats      queueCounters
}

// publishOutcome is what a queue did with a published message.
type publishOutcome uint8

const (
	outcomeTaken    publishOutcome = iota // enqueued or delivered
	outcomeRejected                       // refused: x-overflow reject-publish
	outcomeGone                           // the queue was deleted meanwhile
)

func newQueue(v *Vhost, decl model.Queue, owner *Conn, p *model.Policy) *queue {
	q := &queue{v: v, name: decl.Name, decl: decl, owner: owner, policy: p}
	q.cfg = effectiveConfig(decl.Arguments, p)
	q.ready = newReadyList(q.cfg.maxPriority)
	now := v.b.now()
	q.lastUsed, q.idleSince = now, now
	return q
}

// checkExclusive is rabbit_amqqueue:check_exclusive_access (lax): only the
// owner may use an exclusive queue. A nil caller is the broker itself (the
// management API) and may.
func (q *queue) checkExclusive(c *Conn) error {
	if q.owner == nil || c == nil || q.owner == c {
		return nil
	}
	return errLocked(q.name, q.v.name)
}

// priorityOf maps a message to its lane: no priority is 0, and priorities
// above the queue's maximum count as the maximum.
func (q *queue) priorityOf(m *Message) uint8 {
	if q.cfg.maxPriority == 0 || m.Properties.Has&model.HasPriority == 0 {
		return 0
	}
	return uint8(min(int(m.Properties.Priority), q.cfg.maxPriority))
}

// ttlFor is the message's TTL in this queue: the smaller of the queue's
// and the message's own, or -1.
func (q *queue) ttlFor(m *Message) int64 {
	t := q.cfg.messageTTL
	if x := m.expiration(); x >= 0 && (t < 0 || x < t) {
		t = x
	}
	return t
}

// wouldOverflow is will_overflow: would one more message exceed the limits?
func (q *queue) wouldOverflow(m *Message) bool {
	return (q.cfg.maxLen >= 0 && int64(q.ready.len()) >= q.cfg.maxLen) ||
		(q.cfg.maxBytes >= 0 && q.readyBytes+m.size() > q.cfg.maxBytes)
}

// publish offers a newly routed message (from a client or a dead letter)
// to the queue, as rabbit_amqqueue_process handles deliver.
func (q *queue) publish(m *Message, fx *effects) publishOutcome {
	b := q.v.b
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return outcomeGone
	}
	if q.cfg.overflow != overflowDropHead && q.wouldOverflow(m) {
		if q.cfg.overflow == overflowRejectPublishDLX {
			q.deadLetterLocked(m, model.ReasonMaxLen, fx)
		}
		q.mu.Unlock()
		return outcomeRejected
	}
	q.stats.publish.Add(1)
	q.seq++
	e := newEntry(m, q.seq, q.priorityOf(m))
	var now int64
	if ttl := q.ttlFor(m); ttl >= 0 {
		now = b.now()
		e.expiry = now + ttl*1e6
		if e.expiry == 0 {
			e.expiry = 1
		}
	}
	m.retain(b)
	if q.ready.len() == 0 && q.available > 0 && q.deliverNew(&e) {
		q.mu.Unlock()
		return outcomeTaken
	}
	q.ready.push(e)
	q.readyBytes += m.size()
	if q.available > 0 {
		q.dispatchLocked(fx)
	}
	q.dropHeadLocked(fx)
	if e.expiry != 0 {
		q.expireLocked(now, fx)
	}
	q.mu.Unlock()
	return outcomeTaken
}

// deliverNew hands a message that never waited straight to a consumer,
// without the expiry check: a TTL of 0 means "deliver now or never".
func (q *queue) deliverNew(e *entry) bool {
	for q.available > 0 {
		c := q.nextConsumer()
		if c == nil {
			return false
		}
		if c.ch.offer(c, q, e) {
			q.delivered(c, e)
			return true
		}
		q.block(c)
	}
	return false
}

// nextConsumer picks the consumer to try next: the single active one, or
// the next unblocked one in round-robin order.
func (q *queue) nextConsumer() *consumer {
	if len(q.consumers) == 0 {
		return nil
	}
	if q.cfg.sac {
		if c := q.consumers[0]; !c.blocked {
			return c
		}
		return nil
	}
	n := len(q.consumers)
	for i := range n {
		idx := (q.rr + i) % n
		if c := q.consumers[idx]; !c.blocked {
			q.rr = idx + 1
			return c
		}
	}
	return nil
}

func (q *queue) block(c *consumer) {
	if !c.blocked {
		c.blocked = true
		q.available--
	}
}

// delivered accounts for a message handed to a consumer.
func (q *queue) delivered(c *consumer, e *entry) {
	v, cs := q.v, &c.ch.stats
	if c.noAck {
		q.stats.deliverNoAck.Add(1)
		v.stats.deliverNoAck.Add(1)
		cs.deliverNoAck.Add(1)
		e.msg.release(v.b)
	} else {
		q.stats.deliver.Add(1)
		v.stats.deliver.Add(1)
		cs.deliver.Add(1)
		q.unackedCnt.Add(1)
	}
	if e.redelivered() {
		q.stats.redeliver.Add(1)
		v.stats.redeliver.Add(1)
		cs.redeliver.Add(1)
	}
}

// dispatchLocked delivers ready messages while a consumer can take them,
// dropping expired ones it meets at the head.
func (q *queue) dispatchLocked(fx *effects) {
	var now int64
	for q.ready.len() > 0 && q.available > 0 {
		e := q.ready.peek()
		if e.expiry != 0 {
			if now == 0 {
				now = q.v.b.now()
			}
			if now >= e.expiry {
				q.expireLocked(now, fx)
				continue
			}
		}
		c := q.nextConsumer()
		if c == nil {
			break
		}
		if !c.ch.offer(c, q, e) {
			q.block(c)
			continue
		}
		q.delivered(c, e)
		q.readyBytes -= e.msg.size()
		q.ready.pop()
	}
	q.armTTLLocked()
}

// takeReady removes the head for basic.get, dropping expired messages
// first; ok is false when the queue is empty.
func (q *queue) takeReady(fx *effects) (entry, bool) {
	if q.ready.len() > 0 && q.ready.earliestHeadExpiry() != 0 {
		q.expireLocked(q.v.b.now(), fx)
	}
	if q.ready.len() == 0 {
		return entry{}, false
	}
	e := q.ready.pop()
	q.readyBytes -= e.msg.size()
	q.armTTLLocked()
	return e, true
}

// requeue puts unacknowledged messages back, marked redelivered, and
// delivers again. Messages of a deleted queue are dropped.
func (q *queue) requeue(es []entry, fx *effects) {
	b := q.v.b
	q.mu.Lock()
	q.unackedCnt.Add(-int64(len(es)))
	if q.deleted {
		q.mu.Unlock()
		for _, e := range es {
			e.msg.release(b)
		}
		return
	}
	for i := range es {
		es[i].setRedelivered()
		q.readyBytes += es[i].msg.size()
	}
	q.ready.requeue(es)
	q.dropHeadLocked(fx)
	q.dispatchLocked(fx)
	q.mu.Unlock()
}

// reject drops unacknowledged messages, dead-lettering them as rejected.
func (q *queue) reject(es []entry, fx *effects) {
	q.mu.Lock()
	q.unackedCnt.Add(-int64(len(es)))
	for _, e := range es {
		if !q.deleted {
			q.deadLetterLocked(e.msg, model.ReasonRejected, fx)
		}
		e.msg.release(q.v.b)
	}
	q.mu.Unlock()
}

// acked accounts for acknowledged messages; it needs no lock.
func (q *queue) acked(n int) {
	q.unackedCnt.Add(-int64(n))
	q.stats.ack.Add(int64(n))
	q.v.stats.ack.Add(int64(n))
}

// purge drops every ready message and returns how many there were.
func (q *queue) purge() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.ready.len()
	q.ready.drain(func(e entry) { e.msg.release(q.v.b) })
	q.readyBytes = 0
	q.armTTLLocked()
	return n
}
