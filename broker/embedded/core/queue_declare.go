package core

import (
	"errors"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// QueueDeclare holds the fields of queue.declare.
type QueueDeclare struct {
	Name       string // "" asks for a server-named queue
	Passive    bool
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	Arguments  model.Table
}

// QueueDeclareOK is queue.declare-ok: the name (server-generated for an
// empty one) and the ready message and consumer counts.
type QueueDeclareOK struct {
	Name      string
	Messages  int
	Consumers int
}

// DeclareQueue is queue.declare on behalf of a connection (nil for the
// broker itself). In RabbitMQ's order: a new or redeclared name starting
// with "amq." is refused (403); an existing queue must be owned by the
// same connection with the same exclusivity (405) and match durable,
// auto_delete and the declare arguments (406); a new queue's arguments are
// validated (406). Quorum and stream types are accepted and behave as
// classic queues.
func (v *Vhost) DeclareQueue(owner *Conn, d QueueDeclare) (QueueDeclareOK, error) {
	name := stripCRLF(d.Name)
	if d.Passive {
		q := v.lookupQueue(name)
		if q == nil {
			return QueueDeclareOK{}, errNoQueue(name, v.name)
		}
		ok := q.stat()
		if err := q.checkExclusive(owner); err != nil {
			return QueueDeclareOK{}, err
		}
		return ok, nil
	}
	switch {
	case name == "":
		name = genName("amq.gen")
	case strings.HasPrefix(name, "amq."):
		return QueueDeclareOK{}, errorf(CodeAccessRefused, "queue name '%s' contains reserved prefix 'amq.*'", name)
	}
	var exclusiveOwner *Conn
	if d.Exclusive {
		exclusiveOwner = owner
	}
	durable := d.Durable && !d.Exclusive
	what := rs("queue", name, v.name)

	v.mu.Lock()
	if q := v.queues[name]; q != nil {
		v.mu.Unlock()
		if q.owner != exclusiveOwner && owner != nil {
			return QueueDeclareOK{}, errLocked(name, v.name)
		}
		if q.decl.Durable != durable {
			return QueueDeclareOK{}, inequivalent("durable", what, quotedBool(durable), quotedBool(q.decl.Durable))
		}
		if q.decl.AutoDelete != d.AutoDelete {
			return QueueDeclareOK{}, inequivalent("auto_delete", what, quotedBool(d.AutoDelete), quotedBool(q.decl.AutoDelete))
		}
		if err := argsEquivalent(q.decl.Arguments, d.Arguments, declareArgKeys, what); err != nil {
			return QueueDeclareOK{}, err
		}
		return q.stat(), nil
	}
	if err := validateQueueArgs(d.Arguments, what, v.b.beh.maxExpiry); err != nil {
		v.mu.Unlock()
		return QueueDeclareOK{}, err
	}
	if v.deleted {
		v.mu.Unlock()
		return QueueDeclareOK{}, errNoQueue(name, v.name)
	}
	typ := "classic"
	if t, ok := d.Arguments.StringValue("x-queue-type"); ok {
		typ = t
	}
	decl := model.Queue{
		Name: name, Type: typ, Durable: durable, AutoDelete: d.AutoDelete,
		Exclusive: d.Exclusive, Arguments: d.Arguments,
	}
	q := newQueue(v, decl, exclusiveOwner, v.matcher.ForQueue(&decl))
	v.queues[name] = q
	v.qindex.Store(name, q)
	v.queueSetChanged()
	v.mu.Unlock()
	if exclusiveOwner != nil && !exclusiveOwner.addExclusive(q) {
		_ = v.deleteQueue(q, nil)
		return QueueDeclareOK{}, errNoQueue(name, v.name)
	}
	return q.stat(), nil
}

// stat answers a declare: it counts as a use for x-expires.
func (q *queue) stat() QueueDeclareOK {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.touchLocked()
	return QueueDeclareOK{Name: q.name, Messages: q.ready.len(), Consumers: len(q.consumers)}
}

func (v *Vhost) lookupQueue(name string) *queue {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.queues[name]
}

// queueFor finds a queue a connection may use: 404 if missing, 405 if
// another connection's exclusive queue.
func (v *Vhost) queueFor(owner *Conn, name string) (*queue, error) {
	q := v.lookupQueue(name)
	if q == nil {
		return nil, errNoQueue(name, v.name)
	}
	if err := q.checkExclusive(owner); err != nil {
		return nil, err
	}
	return q, nil
}

// BindQueue is queue.bind (see bind for the checks).
func (v *Vhost) BindQueue(owner *Conn, queue, exchange, key string, args model.Table) error {
	return v.bind(owner, model.Binding{
		Source: stripCRLF(exchange), Destination: stripCRLF(queue),
		DestinationType: model.DestQueue, RoutingKey: key, Arguments: args,
	}, true)
}

// UnbindQueue is queue.unbind. Removing a binding that does not exist
// succeeds when the queue and the exchange exist.
func (v *Vhost) UnbindQueue(owner *Conn, queue, exchange, key string, args model.Table) error {
	return v.bind(owner, model.Binding{
		Source: stripCRLF(exchange), Destination: stripCRLF(queue),
		DestinationType: model.DestQueue, RoutingKey: key, Arguments: args,
	}, false)
}

// PurgeQueue is queue.purge: it drops the ready messages (not the
// unacknowledged ones) and returns how many it dropped.
func (v *Vhost) PurgeQueue(owner *Conn, name string) (int, error) {
	q, err := v.queueFor(owner, stripCRLF(name))
	if err != nil {
		return 0, err
	}
	return q.purge(), nil
}

// DeleteQueue is queue.delete. Deleting a missing queue succeeds with 0;
// with ifUnused a queue with consumers is refused, with ifEmpty one with
// ready messages (406). It returns the number of ready messages dropped;
// they are not dead-lettered. Consumers get a server-side basic.cancel.
func (v *Vhost) DeleteQueue(owner *Conn, name string, ifUnused, ifEmpty bool) (int, error) {
	name = stripCRLF(name)
	q := v.lookupQueue(name)
	if q == nil {
		return 0, nil
	}
	if err := q.checkExclusive(owner); err != nil {
		return 0, err
	}
	n := 0
	err := v.deleteQueue(q, func(q *queue) error {
		if ifUnused && len(q.consumers) > 0 {
			return errorf(CodePreconditionFailed, "%s in use", rs("queue", name, v.name))
		}
		if ifEmpty && q.ready.len() > 0 {
			return errorf(CodePreconditionFailed, "%s not empty", rs("queue", name, v.name))
		}
		n = q.ready.len()
		return nil
	})
	return n, err
}

var errKeep = errors.New("queue kept")

// deleteQueue deletes q if it is still the vhost's queue of its name and
// cond, checked under the queue's lock, allows it.
func (v *Vhost) deleteQueue(q *queue, cond func(*queue) error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.queues[q.name] != q {
		return nil
	}
	q.mu.Lock()
	if cond != nil {
		if err := cond(q); err != nil {
			q.mu.Unlock()
			if err == errKeep {
				return nil
			}
			return err
		}
	}
	q.terminateLocked()
	q.mu.Unlock()
	delete(v.queues, q.name)
	v.qindex.Delete(q.name)
	v.queueSetChanged()
	v.removeBindingsLocked(v.bindings.keysTouching("", false, destRef{q.name, false}))
	if q.owner != nil {
		q.owner.dropExclusive(q)
	}
	return nil
}

// autoDeleteQueue deletes an auto-delete queue whose last consumer left.
func (v *Vhost) autoDeleteQueue(q *queue) {
	_ = v.deleteQueue(q, func(q *queue) error {
		if !q.decl.AutoDelete || len(q.consumers) > 0 {
			return errKeep
		}
		return nil
	})
}

// expireQueue deletes a queue unused for its x-expires.
func (v *Vhost) expireQueue(q *queue) {
	_ = v.deleteQueue(q, func(q *queue) error {
		if !q.expiredUnusedLocked() {
			q.armExpiresLocked()
			return errKeep
		}
		return nil
	})
}

// terminateLocked ends a deleted queue: its ready messages are dropped,
// its timers stopped and its consumers cancelled.
func (q *queue) terminateLocked() {
	q.deleted = true
	q.stopTTLLocked()
	q.stopExpiresLocked()
	q.ready.drain(func(e entry) { e.msg.release(q.v.b) })
	q.readyBytes = 0
	for _, c := range q.consumers {
		c.removed = true
		c.ch.serverCancel(c)
	}
	q.consumers, q.available = nil, 0
}
