package core

import (
	"sync"
	"sync/atomic"

	"github.com/kaiten-bus/kaiten/model"
)

// DeliveryKind says what a Delivery asks the server layer to write.
type DeliveryKind uint8

// The frames a channel's outbox carries, in the order they must be
// written. Consume-ok, cancel-ok and get replies travel with deliveries so
// that the wire order is the order core decided: no delivery before its
// consume-ok, none after its cancel-ok, and delivery tags ascending.
const (
	KindDeliver   DeliveryKind = iota // basic.deliver
	KindGetOK                         // basic.get-ok
	KindGetEmpty                      // basic.get-empty
	KindConsumeOK                     // basic.consume-ok
	KindCancelOK                      // basic.cancel-ok
	KindCancel                        // basic.cancel from the server (queue deleted)
)

// Delivery is one frame (with its content, for deliver and get-ok) for the
// server layer to write on a channel.
type Delivery struct {
	Kind        DeliveryKind
	ConsumerTag string // deliver, consume-ok, cancel-ok, cancel
	DeliveryTag uint64 // deliver, get-ok
	Redelivered bool
	Queue       string   // the queue it came from (deliver, get-ok); a direct reply's key
	Count       uint32   // get-ok: ready messages left in the queue
	Message     *Message // deliver, get-ok
}

// Channel is an AMQP channel: its consumers, its unacknowledged
// deliveries, prefetch limits, confirm and transaction modes, and the
// outbox of frames waiting for the connection's writer.
//
// The server layer calls the channel's methods from the connection's
// reader (AMQP serializes a channel's methods), and drains the outbox
// from its writer when notified.
type Channel struct {
	conn   *Conn
	v      *Vhost
	num    uint16
	notify func()

	envMu   sync.Mutex
	lastEnv *Envelope // the last publish's, for the next one to share

	mu        sync.Mutex
	closed    bool
	nextTag   uint64
	outbox    []Delivery
	outboxCap int
	unacked   ackList
	consumers map[string]*consumer
	starved   int // consumers marked starved

	prefetch        int // per-consumer limit for new consumers (qos global=false)
	globalPrefetch  int // channel-wide limit (qos global=true); 0 none
	consumerUnacked int // unacked deliveries to consumers (not basic.get)

	lastQueue  string // for the "" queue-name shortcut
	confirm    bool
	confirmSeq uint64
	tx         *txState
	reply      *replyConsumer

	stats    counters     // this channel's cumulative counters
	getEmpty atomic.Int64 // basic.get finding nothing
}

// consumer is a basic.consume subscription.
type consumer struct {
	tag       string
	ch        *Channel
	q         *queue
	noAck     bool
	exclusive bool
	prefetch  int
	args      model.Table

	// guarded by ch.mu
	unacked   int
	starved   bool // refused a delivery; the queue waits for a kick
	cancelled bool

	// guarded by q.mu
	blocked bool
	removed bool
}

func newChannel(c *Conn, num uint16, notify func()) *Channel {
	return &Channel{
		conn:      c,
		v:         c.v,
		num:       num,
		notify:    notify,
		outboxCap: c.v.b.opts.ChannelBuffer,
		consumers: make(map[string]*consumer),
	}
}

// Number returns the channel number.
func (ch *Channel) Number() uint16 { return ch.num }

// Conn returns the channel's connection.
func (ch *Channel) Conn() *Conn { return ch.conn }

// Vhost returns the channel's vhost.
func (ch *Channel) Vhost() *Vhost { return ch.v }

func errChannelClosed() error { return errorf(CodeChannelError, "channel is closed") }

// pushLocked appends to the outbox and reports whether the writer must be
// notified.
func (ch *Channel) pushLocked(d Delivery) bool {
	ch.outbox = append(ch.outbox, d)
	return len(ch.outbox) == 1
}

// hasCreditLocked reports whether prefetch lets c take one more.
func (ch *Channel) hasCreditLocked(c *consumer) bool {
	if c.noAck {
		return true
	}
	return (c.prefetch == 0 || c.unacked < c.prefetch) &&
		(ch.globalPrefetch == 0 || ch.consumerUnacked < ch.globalPrefetch)
}

// offer is a queue handing c a message; the queue holds its lock. It fails
// when the consumer is gone, out of prefetch credit, or the outbox is full
// (a slow writer); the queue then skips the consumer until kicked.
func (ch *Channel) offer(c *consumer, q *queue, e *entry) bool {
	ch.mu.Lock()
	if c.cancelled || ch.closed {
		ch.mu.Unlock()
		return false
	}
	if len(ch.outbox) >= ch.outboxCap || !ch.hasCreditLocked(c) {
		if !c.starved {
			c.starved = true
			ch.starved++
		}
		ch.mu.Unlock()
		return false
	}
	ch.nextTag++
	tag := ch.nextTag
	wake := ch.pushLocked(Delivery{
		Kind: KindDeliver, ConsumerTag: c.tag, DeliveryTag: tag,
		Redelivered: e.redelivered(), Queue: q.name, Message: e.msg,
	})
	if !c.noAck {
		ch.unacked.push(unackedRec{tag: tag, q: q, c: c, e: *e})
		c.unacked++
		ch.consumerUnacked++
	}
	ch.mu.Unlock()
	if wake {
		ch.notify()
	}
	return true
}

// collectKicksLocked unmarks the starved consumers that could now take a
// delivery, for the caller to kick once the lock is released.
func (ch *Channel) collectKicksLocked(kicks []*consumer) []*consumer {
	if ch.starved == 0 || len(ch.outbox) >= ch.outboxCap {
		return kicks
	}
	for _, c := range ch.consumers {
		if c.starved && ch.hasCreditLocked(c) {
			c.starved = false
			ch.starved--
			kicks = append(kicks, c)
		}
	}
	return kicks
}

func kick(kicks []*consumer) {
	for _, c := range kicks {
		c.q.kick(c)
	}
}

// Drain returns the frames waiting to be written, in order, and takes buf
// (emptied) as the new outbox, so a writer that passes back the slice it
// got last time allocates nothing. The returned slice belongs to the
// caller until it passes it back. Draining makes room for consumers held
// back by a full outbox, and emits the firehose's deliver events.
func (ch *Channel) Drain(buf []Delivery) []Delivery {
	clear(buf)
	ch.mu.Lock()
	out := ch.outbox
	ch.outbox = buf[:0]
	var kbuf [4]*consumer
	kicks := ch.collectKicksLocked(kbuf[:0])
	ch.mu.Unlock()
	kick(kicks)
	if ch.v.tracing.Load() {
		for i := range out {
			if d := &out[i]; d.Kind == KindDeliver || d.Kind == KindGetOK {
				ch.v.traceDeliver(d, ch)
			}
		}
	}
	return out
}

// Pending reports how many frames wait in the outbox.
func (ch *Channel) Pending() int {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return len(ch.outbox)
}

// serverCancel cancels a consumer whose queue was deleted; the outbox gets
// a basic.cancel for the server layer to send if the client announced
// consumer_cancel_notify. The queue holds its lock.
func (ch *Channel) serverCancel(c *consumer) {
	ch.mu.Lock()
	if ch.closed || c.cancelled {
		ch.mu.Unlock()
		return
	}
	c.cancelled = true
	if c.starved {
		c.starved = false
		ch.starved--
	}
	delete(ch.consumers, c.tag)
	wake := ch.pushLocked(Delivery{Kind: KindCancel, ConsumerTag: c.tag})
	ch.mu.Unlock()
	if wake {
		ch.notify()
	}
}

// Close closes the channel as channel.close or a connection close does:
// unacknowledged messages go back to their queues (redelivered), consumers
// are cancelled (auto-delete queues left without consumers are deleted),
// a direct reply-to consumer goes away, and an open transaction is
// dropped. Frames still in the outbox are discarded.
func (ch *Channel) Close() {
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return
	}
	ch.closed = true
	cons := make([]*consumer, 0, len(ch.consumers))
	for _, c := range ch.consumers {
		c.cancelled = true
		cons = append(cons, c)
	}
	ch.consumers = nil
	recs := ch.unacked.takeAll(nil)
	if ch.tx != nil {
		recs = append(recs, ch.tx.ackedRecs()...)
		ch.tx = nil
	}
	reply := ch.reply
	ch.reply = nil
	clear(ch.outbox)
	ch.outbox = nil
	ch.mu.Unlock()

	ch.conn.forgetChannel(ch)
	if reply != nil {
		ch.v.b.replyTo.Delete(reply.key)
	}
	var fx effects
	requeueRecs(recs, &fx)
	for _, c := range cons {
		if c.q.removeConsumer(c) {
			fx.autoDelete = append(fx.autoDelete, c.q)
		}
	}
	fx.run(ch.v)
}

// requeueRecs puts unacknowledged deliveries back into their queues.
func requeueRecs(recs []unackedRec, fx *effects) {
	forEachQueue(recs, func(q *queue, es []entry) { q.requeue(es, fx) })
}

// forEachQueue groups deliveries by queue, keeping their order.
func forEachQueue(recs []unackedRec, f func(*queue, []entry)) {
	if len(recs) == 1 {
		f(recs[0].q, []entry{recs[0].e})
		return
	}
	var order []*queue
	groups := make(map[*queue][]entry)
	for _, r := range recs {
		if _, ok := groups[r.q]; !ok {
			order = append(order, r.q)
		}
		groups[r.q] = append(groups[r.q], r.e)
	}
	for _, q := range order {
		f(q, groups[q])
	}
}

// Counters returns the channel's cumulative counters: what it published,
// had confirmed, returned or dropped as unroutable, and what was delivered
// to it, fetched by it (or found nothing) and acknowledged on it.
func (ch *Channel) Counters() ChannelCounterValues {
	return ChannelCounterValues{CounterValues: ch.stats.values(), GetEmpty: ch.getEmpty.Load()}
}
