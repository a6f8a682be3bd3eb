package core

import "sort"

// unackedRec is a delivery awaiting its ack.
type unackedRec struct {
	tag uint64
	q   *queue
	c   *consumer // nil for basic.get
	e   entry
}

// ackList holds a channel's unacknowledged deliveries in tag order. Acks
// usually come in order, so records are taken from the front; an ack out
// of order leaves a hole that the front skips later.
type ackList struct {
	recs  []unackedRec
	start int
	live  int
}

func (l *ackList) len() int { return l.live }

func (l *ackList) push(r unackedRec) {
	l.recs = append(l.recs, r)
	l.live++
}

func (l *ackList) find(tag uint64) int {
	recs := l.recs[l.start:]
	i := sort.Search(len(recs), func(i int) bool { return recs[i].tag >= tag })
	if i < len(recs) && recs[i].tag == tag && recs[i].q != nil {
		return l.start + i
	}
	return -1
}

// take removes the delivery with the tag, or with multiple every delivery
// up to and including it (tag 0: all), appending them to dst. ok is false
// for an unknown tag, and then nothing is taken.
func (l *ackList) take(tag uint64, multiple bool, dst []unackedRec) ([]unackedRec, bool) {
	if multiple && tag == 0 {
		return l.takeAll(dst), true
	}
	i := l.find(tag)
	if i < 0 {
		return dst, false
	}
	from := i
	if multiple {
		from = l.start
	}
	for j := from; j <= i; j++ {
		if l.recs[j].q != nil {
			dst = append(dst, l.recs[j])
			l.recs[j] = unackedRec{tag: l.recs[j].tag} // a hole keeps its tag: the search needs order
			l.live--
		}
	}
	l.compact()
	return dst, true
}

func (l *ackList) takeAll(dst []unackedRec) []unackedRec {
	for _, r := range l.recs[l.start:] {
		if r.q != nil {
			dst = append(dst, r)
		}
	}
	clear(l.recs)
	l.recs, l.start, l.live = l.recs[:0], 0, 0
	return dst
}

// restore puts records back (a rolled-back transaction), in tag order.
func (l *ackList) restore(rs []unackedRec) {
	if len(rs) == 0 {
		return
	}
	all := make([]unackedRec, 0, l.live+len(rs))
	for _, r := range l.recs[l.start:] {
		if r.q != nil {
			all = append(all, r)
		}
	}
	all = append(all, rs...)
	sort.Slice(all, func(i, j int) bool { return all[i].tag < all[j].tag })
	l.recs, l.start, l.live = all, 0, len(all)
}

func (l *ackList) compact() {
	for l.start < len(l.recs) && l.recs[l.start].q == nil {
		l.start++
	}
	if l.start == len(l.recs) {
		l.recs, l.start = l.recs[:0], 0
		return
	}
	if l.start > 64 && l.start > len(l.recs)/2 {
		n := copy(l.recs, l.recs[l.start:])
		clear(l.recs[n:])
		l.recs, l.start = l.recs[:n], 0
	}
}

// ackOp is what an ack-like method does with the deliveries it takes.
type ackOp uint8

const (
	opAck     ackOp = iota // basic.ack
	opRequeue              // nack/reject with requeue, basic.recover
	opReject               // nack/reject without requeue: dead-letter
)

// Ack is basic.ack. An unknown tag is 406 "unknown delivery tag N".
func (ch *Channel) Ack(tag uint64, multiple bool) error {
	return ch.settle(tag, multiple, opAck)
}

// Nack is basic.nack: requeued messages go back to their queue's head in
// their original order, marked redelivered; the others are dead-lettered
// (reason rejected) or dropped.
func (ch *Channel) Nack(tag uint64, multiple, requeue bool) error {
	if requeue {
		return ch.settle(tag, multiple, opRequeue)
	}
	return ch.settle(tag, multiple, opReject)
}

// Reject is basic.reject: Nack of one delivery.
func (ch *Channel) Reject(tag uint64, requeue bool) error {
	return ch.Nack(tag, false, requeue)
}

func (ch *Channel) settle(tag uint64, multiple bool, op ackOp) error {
	var one [1]unackedRec
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return errChannelClosed()
	}
	recs, ok := ch.unacked.take(tag, multiple, one[:0])
	if !ok {
		ch.mu.Unlock()
		return errorf(CodePreconditionFailed, "unknown delivery tag %d", tag)
	}
	if ch.tx != nil {
		ch.tx.addAcks(op, recs)
		ch.mu.Unlock()
		return nil
	}
	ch.releaseCreditLocked(recs)
	var kbuf [4]*consumer
	kicks := ch.collectKicksLocked(kbuf[:0])
	ch.mu.Unlock()
	applySettle(ch, op, recs)
	kick(kicks)
	return nil
}

// releaseCreditLocked gives back the prefetch credit the deliveries held.
func (ch *Channel) releaseCreditLocked(recs []unackedRec) {
	for i := range recs {
		if c := recs[i].c; c != nil {
			c.unacked--
			ch.consumerUnacked--
		}
	}
}

// applySettle does to the queues what an ack, requeue or reject decided.
func applySettle(ch *Channel, op ackOp, recs []unackedRec) {
	if len(recs) == 0 {
		return
	}
	v := ch.v
	var fx effects
	switch op {
	case opAck:
		b := v.b
		for i := range recs {
			recs[i].q.acked(1)
			recs[i].e.msg.release(b)
		}
		ch.stats.ack.Add(int64(len(recs)))
	case opRequeue:
		requeueRecs(recs, &fx)
	case opReject:
		forEachQueue(recs, func(q *queue, es []entry) { q.reject(es, &fx) })
	}
	fx.run(v)
}

// Recover is basic.recover (and recover-async): every unacknowledged
// delivery goes back to its queue. requeue=false is 540 NOT_IMPLEMENTED, a
// connection error, as in RabbitMQ.
func (ch *Channel) Recover(requeue bool) error {
	if !requeue {
		return errorf(CodeNotImplemented, "requeue=false")
	}
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return errChannelClosed()
	}
	recs := ch.unacked.takeAll(nil)
	ch.releaseCreditLocked(recs)
	var kbuf [4]*consumer
	kicks := ch.collectKicksLocked(kbuf[:0])
	ch.mu.Unlock()
	applySettle(ch, opRequeue, recs)
	kick(kicks)
	return nil
}

// Unacked returns how many deliveries on the channel await an ack.
func (ch *Channel) Unacked() int {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.unacked.len()
}

// Get is basic.get: the queue's next message goes into the outbox as a
// get-ok (with the count of messages left), or a get-empty. Errors: 404
// for a missing queue, 405 for another connection's exclusive queue.
func (ch *Channel) Get(queue string, noAck bool) error {
	name, err := ch.expandQueue(stripCRLF(queue))
	if err != nil {
		return err
	}
	q, err := ch.v.queueFor(ch.conn, name)
	if err != nil {
		return err
	}
	var fx effects
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return errNoQueue(name, ch.v.name)
	}
	q.touchLocked()
	e, ok := q.takeReady(&fx)
	if err := ch.pushGet(q, e, ok, noAck); err != nil {
		if ok { // the channel closed meanwhile: put it back
			q.ready.requeue([]entry{e})
			q.readyBytes += e.msg.size()
		}
		q.mu.Unlock()
		fx.run(ch.v)
		return err
	}
	if ok {
		v := q.v
		if noAck {
			q.stats.getNoAck.Add(1)
			v.stats.getNoAck.Add(1)
			ch.stats.getNoAck.Add(1)
			e.msg.release(v.b)
		} else {
			q.stats.get.Add(1)
			v.stats.get.Add(1)
			ch.stats.get.Add(1)
			q.unackedCnt.Add(1)
		}
		if e.redelivered() {
			q.stats.redeliver.Add(1)
			v.stats.redeliver.Add(1)
			ch.stats.redeliver.Add(1)
		}
	} else {
		q.stats.getEmpty.Add(1)
		ch.getEmpty.Add(1)
	}
	q.mu.Unlock()
	fx.run(ch.v)
	return nil
}

// pushGet queues the get reply; the queue holds its lock.
func (ch *Channel) pushGet(q *queue, e entry, ok, noAck bool) error {
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return errChannelClosed()
	}
	var wake bool
	if !ok {
		wake = ch.pushLocked(Delivery{Kind: KindGetEmpty})
	} else {
		ch.nextTag++
		tag := ch.nextTag
		wake = ch.pushLocked(Delivery{
			Kind: KindGetOK, DeliveryTag: tag, Redelivered: e.redelivered(),
			Queue: q.name, Count: uint32(q.ready.len()), Message: e.msg,
		})
		if !noAck {
			ch.unacked.push(unackedRec{tag: tag, q: q, e: e})
		}
	}
	ch.mu.Unlock()
	if wake {
		ch.notify()
	}
	return nil
}
