package core

import (
	"github.com/kaiten-bus/kaiten/model"
)

// deadLetter is a message leaving a queue for its dead-letter exchange.
type deadLetter struct {
	msg     *Message
	queue   string
	reason  string
	dlx     string
	dlrk    string
	hasDLRK bool
}

// effects is the work a locked operation leaves for after its locks are
// released: publishing needs other queues' locks, and deleting a queue
// needs the vhost's.
type effects struct {
	drain      []*queue // queues whose dead letters (dlOut) wait to be published
	autoDelete []*queue
}

// maxDeadLettersPerRun bounds one cascade of dead letters; RabbitMQ's cycle
// rule keeps cascades finite, this is a second guard.
const maxDeadLettersPerRun = 1 << 20

// run does the deferred work, including what it causes in turn.
func (fx *effects) run(v *Vhost) {
	n := 0
	for len(fx.drain) > 0 {
		q := fx.drain[0]
		fx.drain = fx.drain[1:]
		n = q.drainDeadLetters(v, fx, n)
	}
	fx.drain = nil
	for _, q := range fx.autoDelete {
		v.autoDeleteQueue(q)
	}
	fx.autoDelete = nil
}

// drainDeadLetters publishes the queue's dead letters in order, unless
// another goroutine is already doing so (it will publish ours too, since it
// drains until the outbox is empty). No lock is held while publishing: a
// dead letter can land in this very queue. n counts the run's dead letters.
func (q *queue) drainDeadLetters(v *Vhost, fx *effects, n int) int {
	q.mu.Lock()
	if q.dlDraining {
		q.mu.Unlock()
		return n
	}
	q.dlDraining = true
	for len(q.dlOut) > 0 {
		batch := q.dlOut
		q.dlOut = nil
		q.mu.Unlock()
		for _, dl := range batch {
			n++
			if n > maxDeadLettersPerRun {
				if n == maxDeadLettersPerRun+1 {
					v.b.log.Warn("dead-letter cascade cut short", "vhost", v.name, "queue", dl.queue)
				}
				continue
			}
			v.publishDeadLetter(dl, fx)
		}
		q.mu.Lock()
	}
	q.dlDraining = false
	q.mu.Unlock()
	return n
}

// publishDeadLetter is rabbit_dead_letter:publish: republish to the
// dead-letter exchange with the x-death history updated, leaving out the
// queues a fully automatic cycle would return it to.
func (v *Vhost) publishDeadLetter(dl deadLetter, fx *effects) {
	s := v.current()
	if _, ok := s.exchanges[dl.dlx]; !ok {
		v.b.log.Warn("dead-letter exchange does not exist; message dropped",
			"vhost", v.name, "queue", dl.queue, "exchange", dl.dlx)
		return
	}
	m := v.makeDeadLetter(dl)
	keys := []string{dl.dlrk}
	if !dl.hasDLRK {
		keys = dl.msg.RoutingKeys()
	}
	var qs []string
	if dl.dlx == model.DefaultExchange {
		qs = defaultRoute(keys)
	} else {
		qs = s.router.RouteFrom(dl.dlx, keys, m.Properties.Headers)
	}
	if dl.reason != model.ReasonRejected {
		deaths := m.Properties.Headers["x-death"].Array
		out := qs[:0]
		for _, name := range qs {
			if isDeathCycle(name, deaths) {
				v.b.log.Warn("dead-letter cycle: message dropped", "vhost", v.name, "queue", name, "reason", dl.reason)
				continue
			}
			out = append(out, name)
		}
		qs = out
	}
	for _, name := range qs {
		if q := v.queueNamed(name); q != nil {
			q.publish(m, fx)
		}
	}
}

// isDeathCycle is rabbit_dead_letter:is_cycle: the queue is in the death
// history and no death since (it included) was a rejection.
func isDeathCycle(queue string, deaths []model.Value) bool {
	for i, d := range deaths {
		if d.Type != model.TypeTable {
			continue
		}
		if q := d.Table["queue"]; q.Type != model.TypeLongstr || q.Str != queue {
			continue
		}
		for _, c := range deaths[:i+1] {
			if c.Type != model.TypeTable {
				return false // a client put it there: not fully automatic
			}
			if r := c.Table["reason"]; r.Type == model.TypeLongstr && r.Str == model.ReasonRejected {
				return false
			}
		}
		return true
	}
	return false
}

// makeDeadLetter builds the republished message: the dead-letter exchange,
// the dead-letter routing key if set (which also drops CC), the x-death
// history, x-first-death-* on the first death, x-last-death-* (3.13+),
// and no per-message TTL (kept as original-expiration).
func (v *Vhost) makeDeadLetter(dl deadLetter) *Message {
	old := dl.msg
	p := old.Properties
	h := make(model.Table, len(p.Headers)+7)
	for k, val := range p.Headers {
		h[k] = val
	}
	deathKeys := []model.Value{model.String(old.RoutingKey)} // CC kept, BCC never
	for _, k := range p.Headers["CC"].Array {
		if k.Type == model.TypeLongstr {
			deathKeys = append(deathKeys, k)
		}
	}
	rk, bcc := old.RoutingKey, old.bcc()
	if dl.hasDLRK {
		rk, bcc = dl.dlrk, nil
		delete(h, "CC")
	}
	info := model.Table{
		"reason":       model.String(dl.reason),
		"queue":        model.String(dl.queue),
		"time":         {Type: model.TypeTimestamp, Int: v.b.clock.Now().Unix()},
		"exchange":     model.String(old.Exchange),
		"routing-keys": {Type: model.TypeArray, Array: deathKeys},
	}
	if p.Has&model.HasExpiration != 0 {
		info["original-expiration"] = model.String(p.Expiration)
		p.Expiration = ""
		p.Has &^= model.HasExpiration
	}
	recordDeath(h, info, dl.queue, dl.reason)
	if v.b.beh.lastDeath {
		h["x-last-death-reason"] = model.String(dl.reason)
		h["x-last-death-queue"] = model.String(dl.queue)
		h["x-last-death-exchange"] = model.String(old.Exchange)
	}
	p.Headers = h
	p.Has |= model.HasHeaders
	return newMessage(newEnvelope(dl.dlx, rk, &p), old.Body, bcc, -1)
}

// recordDeath updates x-death as rabbit_dead_letter:update_x_death_header
// does: the first death also sets x-first-death-*; a later death for the
// same {queue, reason} counts up that entry (keeping its time, exchange
// and keys) and moves it to the front; a new pair goes in front.
func recordDeath(h, info model.Table, queue, reason string) {
	xd, ok := h["x-death"]
	if !ok || xd.Type != model.TypeArray {
		info["count"] = model.Long(1)
		h["x-death"] = model.Value{Type: model.TypeArray, Array: []model.Value{{Type: model.TypeTable, Table: info}}}
		h["x-first-death-reason"] = model.String(reason)
		h["x-first-death-queue"] = model.String(queue)
		h["x-first-death-exchange"] = info["exchange"]
		return
	}
	var match model.Table
	var count int64
	others := make([]model.Value, 0, len(xd.Array))
	for _, d := range xd.Array {
		if d.Type == model.TypeTable && d.Table["queue"].Str == queue && d.Table["reason"].Str == reason &&
			d.Table["queue"].Type == model.TypeLongstr && d.Table["reason"].Type == model.TypeLongstr {
			if match == nil {
				match = d.Table
			}
			if c, ok := intSetting(d.Table["count"]); ok {
				count += c
			} else {
				count++
			}
			continue
		}
		others = append(others, d)
	}
	front := info
	if match != nil {
		front = make(model.Table, len(match))
		for k, val := range match {
			front[k] = val
		}
		front["count"] = model.Long(count + 1)
	} else {
		front["count"] = model.Long(1)
	}
	h["x-death"] = model.Value{Type: model.TypeArray, Array: append([]model.Value{{Type: model.TypeTable, Table: front}}, others...)}
}
