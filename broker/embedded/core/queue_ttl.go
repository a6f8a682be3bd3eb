package core

import (
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// dropHeadLocked enforces x-max-length and x-max-length-bytes in drop-head
// mode: the oldest ready messages go, dead-lettered as maxlen.
func (q *queue) dropHeadLocked(fx *effects) {
	if q.cfg.overflow != overflowDropHead {
		return
	}
	for q.ready.len() > 0 &&
		((q.cfg.maxLen >= 0 && int64(q.ready.len()) > q.cfg.maxLen) ||
			(q.cfg.maxBytes >= 0 && q.readyBytes > q.cfg.maxBytes)) {
		e := q.ready.pop()
		q.readyBytes -= e.msg.size()
		q.deadLetterLocked(e.msg, model.ReasonMaxLen, fx)
		e.msg.release(q.v.b)
	}
	q.armTTLLocked()
}

// expireLocked drops the expired messages at the head, dead-lettered as
// expired, and re-arms the TTL timer for the new head.
func (q *queue) expireLocked(now int64, fx *effects) {
	q.ready.dropExpired(now, func(e entry) {
		q.readyBytes -= e.msg.size()
		q.deadLetterLocked(e.msg, model.ReasonExpired, fx)
		e.msg.release(q.v.b)
	})
	q.armTTLLocked()
}

// armTTLLocked makes sure a timer fires when the earliest head expires, so
// expired messages leave even when nothing consumes.
func (q *queue) armTTLLocked() {
	at := q.ready.earliestHeadExpiry()
	if at == 0 || q.deleted {
		q.stopTTLLocked()
		return
	}
	if q.ttlTimer != nil && q.ttlAt <= at {
		return // fires first; it re-arms for later heads
	}
	q.stopTTLLocked()
	q.ttlGen++
	gen := q.ttlGen
	q.ttlAt = at
	d := time.Duration(max(0, at-q.v.b.now()))
	q.ttlTimer = q.v.b.afterFunc(d, func() { q.onTTLTimer(gen) })
}

func (q *queue) stopTTLLocked() {
	if q.ttlTimer != nil {
		q.ttlTimer.Stop()
		q.ttlTimer = nil
	}
}

func (q *queue) onTTLTimer(gen uint64) {
	var fx effects
	q.mu.Lock()
	if gen != q.ttlGen || q.deleted {
		q.mu.Unlock()
		return
	}
	q.ttlTimer = nil
	q.expireLocked(q.v.b.now(), &fx)
	q.mu.Unlock()
	fx.run(q.v)
}

// touchLocked records a use of the queue (declare, get, consumer change)
// for x-expires, and arms the expiry timer if nothing consumes.
func (q *queue) touchLocked() {
	now := q.v.b.now()
	q.lastUsed = now
	if len(q.consumers) == 0 {
		q.idleSince = now
	}
	q.armExpiresLocked()
}

func (q *queue) armExpiresLocked() {
	if q.cfg.expires <= 0 || q.deleted || len(q.consumers) > 0 {
		q.stopExpiresLocked()
		return
	}
	if q.expTimer != nil {
		return // it checks lastUsed when it fires and re-arms
	}
	q.expGen++
	gen := q.expGen
	d := time.Duration(max(0, q.lastUsed+q.cfg.expires*1e6-q.v.b.now()))
	q.expTimer = q.v.b.afterFunc(d, func() { q.onExpiresTimer(gen) })
}

func (q *queue) stopExpiresLocked() {
	if q.expTimer != nil {
		q.expTimer.Stop()
		q.expTimer = nil
	}
}

// unusedSince reports whether the queue has been unused for its x-expires.
func (q *queue) expiredUnusedLocked() bool {
	return q.cfg.expires > 0 && !q.deleted && len(q.consumers) == 0 &&
		q.v.b.now() >= q.lastUsed+q.cfg.expires*1e6
}

func (q *queue) onExpiresTimer(gen uint64) {
	q.mu.Lock()
	if gen != q.expGen || q.deleted {
		q.mu.Unlock()
		return
	}
	q.expTimer = nil
	if !q.expiredUnusedLocked() {
		q.armExpiresLocked()
		q.mu.Unlock()
		return
	}
	q.mu.Unlock()
	q.v.expireQueue(q)
}

// deadLetterLocked queues a dead letter for publishing once the lock is
// released; a queue without a dead-letter exchange drops it.
func (q *queue) deadLetterLocked(m *Message, reason string, fx *effects) {
	if !q.cfg.hasDLX {
		return
	}
	q.dlOut = append(q.dlOut, deadLetter{
		msg: m, queue: q.name, reason: reason,
		dlx: q.cfg.dlx, dlrk: q.cfg.dlrk, hasDLRK: q.cfg.hasDLRK,
	})
	fx.drain = append(fx.drain, q)
}

// reconfigureLocked applies a new policy: limits and timers take effect
// at once, as RabbitMQ's queue process re-reads its policy.
func (q *queue) reconfigureLocked(p *model.Policy, fx *effects) {
	q.policy = p
	old := q.cfg
	q.cfg = effectiveConfig(q.decl.Arguments, p)
	q.cfg.maxPriority = old.maxPriority // lanes are fixed at declare
	q.dropHeadLocked(fx)
	if old.expires != q.cfg.expires {
		q.stopExpiresLocked()
		q.armExpiresLocked()
	}
}
