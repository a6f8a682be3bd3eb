package core

import (
	"github.com/kaiten-bus/kaiten/model"
)

// Consume is basic.consume. It returns the consumer tag (generated as
// "amq.ctag-…" when tag is empty). The outbox gets the consume-ok (unless
// noWait) ahead of the first delivery. Errors, in RabbitMQ's order: a tag
// already used on the channel is 530 NOT_ALLOWED (a connection error), a
// missing queue 404, another connection's exclusive queue 405, bad
// arguments 406, and a queue with an exclusive consumer (or any consumer,
// for an exclusive consume) 403 "in exclusive use".
//
// Consuming from "amq.rabbitmq.reply-to" sets up direct reply-to.
func (ch *Channel) Consume(queue, tag string, noAck, exclusive, noWait bool, args model.Table) (string, error) {
	name, err := ch.expandQueue(stripCRLF(queue))
	if err != nil {
		return "", err
	}
	ch.mu.Lock()
	closed, used := ch.closed, ch.tagUsedLocked(tag)
	ch.mu.Unlock()
	switch {
	case closed:
		return "", errChannelClosed()
	case used:
		return "", errorf(CodeNotAllowed, "attempt to reuse consumer tag '%s'", tag)
	}
	if name == ReplyToQueue {
		return ch.consumeReplyTo(tag, noAck, noWait)
	}
	if tag == "" {
		tag = genName("amq.ctag")
	}
	q, err := ch.v.queueFor(ch.conn, name)
	if err != nil {
		return "", err
	}
	if err := checkConsumeArgs(args, rs("queue", name, ch.v.name)); err != nil {
		return "", err
	}
	ch.mu.Lock()
	prefetch := ch.prefetch
	ch.mu.Unlock()
	c := &consumer{
		tag: tag, ch: ch, q: q, noAck: noAck, exclusive: exclusive,
		prefetch: prefetch, args: args,
	}
	if err := q.addConsumer(c, noWait); err != nil {
		return "", err
	}
	return tag, nil
}

func (ch *Channel) tagUsedLocked(tag string) bool {
	if tag == "" {
		return false
	}
	if _, ok := ch.consumers[tag]; ok {
		return true
	}
	return ch.reply != nil && ch.reply.tag == tag
}

// expandQueue applies RabbitMQ's shortcut: an empty queue name means the
// queue last declared on the channel.
func (ch *Channel) expandQueue(name string) (string, error) {
	if name != "" {
		return name, nil
	}
	ch.mu.Lock()
	last := ch.lastQueue
	ch.mu.Unlock()
	if last == "" {
		return "", errorf(CodeNotFound, "no previously declared queue")
	}
	return last, nil
}

// addConsumer registers c with the queue and its channel, then delivers.
func (q *queue) addConsumer(c *consumer, noWait bool) error {
	var fx effects
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return errNoQueue(q.name, q.v.name)
	}
	if len(q.consumers) > 0 && (c.exclusive || q.consumers[0].exclusive) {
		q.mu.Unlock()
		return errorf(CodeAccessRefused, "%s in exclusive use", rs("queue", q.name, q.v.name))
	}
	if err := c.ch.register(c, noWait); err != nil {
		q.mu.Unlock()
		return err
	}
	q.consumers = append(q.consumers, c)
	q.available++
	q.stopExpiresLocked()
	q.dispatchLocked(&fx)
	q.mu.Unlock()
	fx.run(q.v)
	return nil
}

// register adds the consumer to the channel and queues its consume-ok.
func (ch *Channel) register(c *consumer, noWait bool) error {
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return errChannelClosed()
	}
	if ch.tagUsedLocked(c.tag) {
		ch.mu.Unlock()
		return errorf(CodeNotAllowed, "attempt to reuse consumer tag '%s'", c.tag)
	}
	ch.consumers[c.tag] = c
	wake := false
	if !noWait {
		wake = ch.pushLocked(Delivery{Kind: KindConsumeOK, ConsumerTag: c.tag})
	}
	ch.mu.Unlock()
	if wake {
		ch.notify()
	}
	return nil
}

// removeConsumer takes c off the queue; it reports whether the queue is
// an auto-delete queue left without consumers.
func (q *queue) removeConsumer(c *consumer) bool {
	var fx effects
	q.mu.Lock()
	if c.removed || q.deleted {
		q.mu.Unlock()
		return false
	}
	c.removed = true
	for i, x := range q.consumers {
		if x == c {
			q.consumers = append(q.consumers[:i], q.consumers[i+1:]...)
			if i < q.rr {
				q.rr--
			}
			break
		}
	}
	if !c.blocked {
		q.available--
	}
	empty := len(q.consumers) == 0
	if empty {
		q.touchLocked()
	} else if q.cfg.sac {
		q.dispatchLocked(&fx) // the next consumer becomes active
	}
	q.mu.Unlock()
	fx.run(q.v)
	return empty && q.decl.AutoDelete
}

// kick tells the queue a blocked consumer can take deliveries again.
func (q *queue) kick(c *consumer) {
	var fx effects
	q.mu.Lock()
	if !c.blocked || c.removed || q.deleted {
		q.mu.Unlock()
		return
	}
	c.blocked = false
	q.available++
	q.dispatchLocked(&fx)
	q.mu.Unlock()
	fx.run(q.v)
}

// Cancel is basic.cancel. Cancelling an unknown tag succeeds, as the spec
// requires. Deliveries already in the outbox still go out, before the
// cancel-ok; unacknowledged messages stay unacknowledged. An auto-delete
// queue left without consumers is deleted.
func (ch *Channel) Cancel(tag string, noWait bool) error {
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return errChannelClosed()
	}
	var c *consumer
	var reply *replyConsumer
	if ch.reply != nil && ch.reply.tag == tag {
		reply, ch.reply = ch.reply, nil
	} else if c = ch.consumers[tag]; c != nil {
		delete(ch.consumers, tag)
		c.cancelled = true
		if c.starved {
			c.starved = false
			ch.starved--
		}
	}
	wake := false
	if !noWait {
		wake = ch.pushLocked(Delivery{Kind: KindCancelOK, ConsumerTag: tag})
	}
	ch.mu.Unlock()
	if wake {
		ch.notify()
	}
	if reply != nil {
		ch.v.b.replyTo.Delete(reply.key)
	}
	if c != nil && c.q.removeConsumer(c) {
		ch.v.autoDeleteQueue(c.q)
	}
	return nil
}

// Qos is basic.qos. A prefetch size other than 0 is 540 NOT_IMPLEMENTED (a
// connection error), as in RabbitMQ. With global=false the count applies
// to consumers started afterwards on this channel, and (a RabbitMQ quirk)
// clears any channel-wide limit; with global=true it limits the
// channel's unacknowledged consumer deliveries together.
func (ch *Channel) Qos(prefetchSize uint32, prefetchCount uint16, global bool) error {
	if prefetchSize != 0 {
		return errorf(CodeNotImplemented, "prefetch_size!=0 (%d)", prefetchSize)
	}
	ch.mu.Lock()
	if global {
		ch.globalPrefetch = int(prefetchCount)
	} else {
		ch.prefetch = int(prefetchCount)
		ch.globalPrefetch = 0
	}
	var kbuf [4]*consumer
	kicks := ch.collectKicksLocked(kbuf[:0])
	ch.mu.Unlock()
	kick(kicks)
	return nil
}
