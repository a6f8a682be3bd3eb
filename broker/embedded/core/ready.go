package core

import "sort"

// entry is one message in one queue, 24 bytes: a queue holds one per
// ready message in a ring, and a channel one per unacked delivery.
type entry struct {
	msg    *Message
	expiry int64  // Unix ns when it expires; 0 never
	meta   uint64 // seq<<metaSeqShift | prio<<1 | redelivered
}

// The packing of entry.meta. The seq is the queue-local publish order
// (requeued messages keep theirs): 55 bits are 3.6e16 publishes, a
// thousand years of a million a second.
const (
	metaRedelivered = 1
	metaPrioShift   = 1
	metaPrioMask    = 0xff << metaPrioShift
	metaSeqShift    = 9
)

func newEntry(m *Message, seq uint64, prio uint8) entry {
	return entry{msg: m, meta: seq<<metaSeqShift | uint64(prio)<<metaPrioShift}
}

// seq is the queue-local publish order.
func (e *entry) seq() uint64 { return e.meta >> metaSeqShift }

// prio is the priority lane.
func (e *entry) prio() uint8 { return uint8(e.meta >> metaPrioShift) }

func (e *entry) setPrio(p uint8) {
	e.meta = e.meta&^metaPrioMask | uint64(p)<<metaPrioShift
}

// redelivered: the message was delivered before and requeued.
func (e *entry) redelivered() bool { return e.meta&metaRedelivered != 0 }

func (e *entry) setRedelivered() { e.meta |= metaRedelivered }

// ring is a FIFO of entries in a circular buffer, kept sorted by seq.
type ring struct {
	buf  []entry
	head int
	n    int
}

func (r *ring) grow() {
	size := max(16, 2*len(r.buf))
	r.resize(size)
}

func (r *ring) resize(size int) {
	buf := make([]entry, size)
	if r.n > 0 {
		if r.head+r.n <= len(r.buf) {
			copy(buf, r.buf[r.head:r.head+r.n])
		} else {
			k := copy(buf, r.buf[r.head:])
			copy(buf[k:], r.buf[:r.n-k])
		}
	}
	r.buf, r.head = buf, 0
}

func (r *ring) at(i int) *entry { return &r.buf[(r.head+i)%len(r.buf)] }

func (r *ring) pushBack(e entry) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

func (r *ring) pushFront(e entry) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.head = (r.head - 1 + len(r.buf)) % len(r.buf)
	r.buf[r.head] = e
	r.n++
}

func (r *ring) front() *entry { return &r.buf[r.head] }

func (r *ring) popFront() entry {
	e := r.buf[r.head]
	r.buf[r.head] = entry{}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	if len(r.buf) > 1024 && r.n < len(r.buf)/8 { // give a drained burst's memory back
		r.resize(len(r.buf) / 4)
	}
	return e
}

// insertSorted puts e where its seq belongs.
func (r *ring) insertSorted(e entry) {
	i := sort.Search(r.n, func(i int) bool { return r.at(i).seq() > e.seq() })
	if i == 0 {
		r.pushFront(e)
		return
	}
	r.pushBack(e)
	for j := r.n - 1; j > i; j-- {
		*r.at(j) = *r.at(j - 1)
	}
	*r.at(i) = e
}

// readyList holds a queue's ready messages: one FIFO, or one per priority
// for a priority queue (x-max-priority), highest served first.
type readyList struct {
	lanes []ring
	n     int
}

func newReadyList(maxPriority int) readyList {
	return readyList{lanes: make([]ring, maxPriority+1)}
}

func (l *readyList) len() int { return l.n }

func (l *readyList) push(e entry) {
	l.lanes[e.prio()].pushBack(e)
	l.n++
}

// top returns the lane served next, or nil when empty.
func (l *readyList) top() *ring {
	for i := len(l.lanes) - 1; i >= 0; i-- {
		if l.lanes[i].n > 0 {
			return &l.lanes[i]
		}
	}
	return nil
}

// peek returns the next message to deliver, or nil.
func (l *readyList) peek() *entry {
	if r := l.top(); r != nil {
		return r.front()
	}
	return nil
}

func (l *readyList) pop() entry {
	l.n--
	return l.top().popFront()
}

// requeue puts messages back where their seq puts them, so requeued
// messages come back in their original order ahead of newer ones.
func (l *readyList) requeue(es []entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].seq() < es[j].seq() })
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		lane := min(int(e.prio()), len(l.lanes)-1)
		r := &l.lanes[lane]
		e.setPrio(uint8(lane))
		if r.n == 0 || e.seq() < r.front().seq() {
			r.pushFront(e)
		} else {
			r.insertSorted(e)
		}
		l.n++
	}
}

// drain removes every message, oldest first per lane.
func (l *readyList) drain(f func(entry)) {
	for i := range l.lanes {
		r := &l.lanes[i]
		for r.n > 0 {
			f(r.popFront())
		}
		r.buf, r.head = nil, 0
	}
	l.n = 0
}

// earliestHeadExpiry returns the soonest expiry among the lanes' heads, or
// 0 when none of them expires: only heads expire, as in RabbitMQ.
func (l *readyList) earliestHeadExpiry() int64 {
	var at int64
	for i := range l.lanes {
		r := &l.lanes[i]
		if r.n > 0 {
			if x := r.front().expiry; x != 0 && (at == 0 || x < at) {
				at = x
			}
		}
	}
	return at
}

// dropExpired removes the expired messages at the lanes' heads.
func (l *readyList) dropExpired(now int64, f func(entry)) {
	for i := range l.lanes {
		r := &l.lanes[i]
		for r.n > 0 {
			x := r.front().expiry
			if x == 0 || now < x {
				break
			}
			f(r.popFront())
			l.n--
		}
	}
}
