package broker

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// ConsumeMode is how a consumer takes messages from a queue. Name it on
// screen: two of the three change the queue.
type ConsumeMode uint8

// The consume modes.
const (
	// ModePeek gets messages and puts them back (basic.get, then a nack
	// with requeue). The queue keeps them, but they come back marked
	// redelivered and may change places.
	ModePeek ConsumeMode = iota
	// ModeAck consumes with manual acks: a message stays on the broker,
	// unacked, until it is settled with Ack, Requeue or Reject. What is
	// not settled goes back to the queue when the consumer ends or the
	// connection drops, so nothing is lost.
	ModeAck
	// ModeAuto consumes destructively: kaiten acks each batch as the
	// reader takes it, and the queue loses those messages.
	ModeAuto
)

var modeNames = [...]string{"peek", "ack", "auto"}

// String names the mode as the CLI does: peek, ack or auto.
func (m ConsumeMode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// ParseConsumeMode reads peek, ack or auto.
func ParseConsumeMode(s string) (ConsumeMode, error) {
	for i, n := range modeNames {
		if n == s {
			return ConsumeMode(i), nil
		}
	}
	return 0, fmt.Errorf("consume mode must be peek, ack or auto, not %q", s)
}

// Warning is what to tell the user before consuming in the mode.
func (m ConsumeMode) Warning() string {
	switch m {
	case ModePeek:
		return "peek takes messages and puts them back: they come back marked redelivered, and may change places in the queue"
	case ModeAuto:
		return "auto is destructive: the messages are removed from the queue"
	}
	return "ack holds each message unacked until it is settled: ack removes it, requeue puts it back, reject dead-letters it (or drops it when the queue has no dead-letter exchange)"
}

// DefaultPeekCount is how many messages a peek takes when not told.
const DefaultPeekCount = 10

// ConsumeOptions say which queue to consume and how.
type ConsumeOptions struct {
	Queue string
	Mode  ConsumeMode
	// Count ends the consumer after that many messages; 0 means no end,
	// or DefaultPeekCount for a peek.
	Count int
	// Prefetch is how many unsettled messages the broker may hand over
	// at once; 0 means 100. A Count below it lowers it, so the broker
	// never hands over more than Count.
	Prefetch int
}

// QueueConsumer consumes a queue. Read its batches until the channel closes,
// settle each message in ModeAck, and Close it when done: what is left
// unsettled then goes back to the queue.
type QueueConsumer struct {
	*stream
	s *Session
	o ConsumeOptions

	mu    sync.Mutex
	ch    *amqp.Channel
	epoch uint64
	tag   string
	// settled counts the messages settled and held those whose settling
	// waits, for the Count window; cancelled says the consumer was
	// cancelled.
	settled   int
	held      []held
	cancelled bool
}

// Consume starts a consumer; ctx bounds the setup only. A peek gets its
// messages at once, delivers them in one batch and ends.
func (s *Session) Consume(ctx context.Context, o ConsumeOptions) (*QueueConsumer, error) {
	action := map[ConsumeMode]string{ModePeek: "peek", ModeAck: "consume (with acks)", ModeAuto: "consume destructively"}[o.Mode]
	if err := s.CheckWritable(action + " queue " + strconv.Quote(o.Queue)); err != nil {
		return nil, err
	}
	o.Prefetch = cmp.Or(o.Prefetch, 100)
	if o.Count > 0 {
		o.Prefetch = min(o.Prefetch, o.Count)
	}
	c := &QueueConsumer{s: s, o: o, stream: newStream(0, false, o.Count)}
	if o.Mode == ModePeek {
		msgs, err := s.Peek(ctx, o.Queue, cmp.Or(o.Count, DefaultPeekCount))
		if err != nil {
			c.finish(err)
			close(c.ended)
			return nil, err
		}
		if len(msgs) > 0 {
			c.push(msgs)
		}
		c.finish(nil)
		close(c.ended)
		return c, nil
	}
	c.hold = true
	c.onCount = c.countReached
	if o.Mode == ModeAuto {
		c.taken = c.ackTaken
	}
	if err := c.start(ctx, s, (*consumerAttach)(c)); err != nil {
		return nil, err
	}
	return c, nil
}

// Mode returns the consumer's mode.
func (c *QueueConsumer) Mode() ConsumeMode { return c.o.Mode }

// Ack settles a message of a ModeAck consumer: the queue forgets it.
func (c *QueueConsumer) Ack(m Message) error { return c.settle(m, 1, settleAck) }

// Requeue settles a message of a ModeAck consumer by putting it back in
// the queue, marked redelivered.
func (c *QueueConsumer) Requeue(m Message) error { return c.settle(m, 1, settleRequeue) }

// Reject settles a message of a ModeAck consumer by rejecting it: the
// queue dead-letters it to its dead-letter exchange, or drops it when it
// has none.
func (c *QueueConsumer) Reject(m Message) error { return c.settle(m, 1, settleReject) }

type settlement uint8

const (
	settleAck settlement = iota
	settleRequeue
	settleReject
	settleAckMultiple
)

// settle acks or nacks a delivery. With a Count, the broker may hand
// over Prefetch more messages for every one settled, so a settle that
// would let it go past Count waits, kept here, until the count is reached
// (and the consumer cancelled) or the consumer closes. RabbitMQ fixes a
// consumer's prefetch when it starts, so lowering it later would not do.
func (c *QueueConsumer) settle(m Message, n int, how settlement) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Mode == ModePeek || (c.o.Mode == ModeAuto && how != settleAckMultiple) {
		return fmt.Errorf("a %s consumer does not settle messages by hand", c.o.Mode)
	}
	if c.ch == nil || m.epoch != c.epoch || m.tag == 0 || c.ch.IsClosed() {
		return &Error{
			Kind: ErrStale, Service: ServiceAMQP, Op: "cannot settle the message", Target: "queue " + strconv.Quote(c.o.Queue),
			Reason: "it came on a connection that was lost", Fix: "the broker put it back in the queue and delivers it again, marked redelivered",
		}
	}
	if c.o.Count > 0 && !c.cancelled && (len(c.held) > 0 || c.settled+n > c.o.Count-c.o.Prefetch) {
		c.held = append(c.held, held{m, n, how})
		return nil
	}
	return c.settleNow(m, n, how)
}

// held is a settle kept back by the Count window.
type held struct {
	m   Message
	n   int
	how settlement
}

func (c *QueueConsumer) settleNow(m Message, n int, how settlement) error {
	var err error
	switch how {
	case settleAck:
		err = c.ch.Ack(m.tag, false)
	case settleAckMultiple:
		err = c.ch.Ack(m.tag, true)
	case settleRequeue:
		err = c.ch.Nack(m.tag, false, true)
	case settleReject:
		err = c.ch.Reject(m.tag, false)
	}
	if err != nil {
		return fmt.Errorf("cannot settle the message: %w", err)
	}
	c.settled += n
	return nil
}

// stopConsuming cancels the consumer, so the broker hands over nothing
// more, and settles what the Count window held back. c.mu is held.
func (c *QueueConsumer) stopConsuming() {
	if c.ch == nil || c.cancelled {
		return
	}
	_ = c.ch.Cancel(c.tag, false)
	c.cancelled = true
	for _, h := range c.held {
		if h.m.epoch == c.epoch {
			_ = c.settleNow(h.m, h.n, h.how)
		}
	}
	c.held = nil
}

// countReached stops a consumer that delivered its Count.
func (c *QueueConsumer) countReached() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopConsuming()
}

// ackTaken acks, in one go, the messages of a batch the reader took
// (ModeAuto).
func (c *QueueConsumer) ackTaken(b Batch) {
	c.mu.Lock()
	epoch := c.epoch
	c.mu.Unlock()
	var last Message
	n := 0
	for _, m := range b.Messages {
		if m.epoch == epoch {
			last, n = m, n+1
		}
	}
	if n > 0 {
		_ = c.settle(last, n, settleAckMultiple)
	}
}

// consumerAttach attaches a consumer.
type consumerAttach QueueConsumer

func (a *consumerAttach) attach(_ context.Context, ch *amqp.Channel, epoch uint64) ([]feed, error) {
	c := (*QueueConsumer)(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := ch.Qos(c.o.Prefetch, 0, false); err != nil {
		return nil, fmt.Errorf("cannot set the prefetch: %w", err)
	}
	tag := "kaiten-consume-" + strconv.FormatUint(tapSeq.Add(1), 10)
	d, err := ch.Consume(c.o.Queue, tag, false, false, false, false, nil)
	if err != nil {
		return nil, queueError(c.o.Queue, c.s.Vhost(), err)
	}
	// What was held back came on the lost connection: it comes again.
	c.ch, c.epoch, c.tag, c.held, c.cancelled = ch, epoch, tag, nil, false
	c.dropEpochs(epoch)
	q := c.o.Queue
	return []feed{{deliveries: d, convert: func(d *amqp.Delivery) (Message, bool) {
		return messageFromDelivery(d, q, epoch), true
	}}}, nil
}

func (a *consumerAttach) detach(*amqp.Channel) {
	c := (*QueueConsumer)(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopConsuming()
}

func (a *consumerAttach) lost(cause *amqp.Error) error {
	if cause == nil {
		return fmt.Errorf("the broker cancelled the consumer of queue %q: it was deleted", a.o.Queue)
	}
	return fmt.Errorf("consuming queue %q: %d %s", a.o.Queue, cause.Code, cause.Reason)
}

// queueError says why a queue could not be used.
func queueError(queue, vhost string, err error) error {
	if e, ok := amqpErr(err); ok {
		switch e.Code {
		case amqp.NotFound:
			return fmt.Errorf("no queue %q in vhost %q", queue, vhost)
		case amqp.ResourceLocked:
			return fmt.Errorf("queue %q is exclusive to another connection, or has an exclusive consumer", queue)
		case amqp.AccessRefused:
			return fmt.Errorf("no permission to read queue %q: %s", queue, e.Reason)
		}
	}
	return fmt.Errorf("cannot consume queue %q: %w", queue, err)
}

// Peek gets up to n messages from a queue and puts them back, in one
// go: the queue keeps them, marked redelivered (see ModePeek).
func (s *Session) Peek(ctx context.Context, queue string, n int) ([]Message, error) {
	if err := s.CheckWritable("peek queue " + strconv.Quote(queue)); err != nil {
		return nil, err
	}
	ch, err := s.Channel()
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	var msgs []Message
	var last uint64
	for len(msgs) < n && ctx.Err() == nil {
		d, ok, err := ch.Get(queue, false)
		if err != nil {
			return nil, queueError(queue, s.Vhost(), err)
		}
		if !ok {
			break
		}
		msgs = append(msgs, messageFromDelivery(&d, queue, 0))
		last = d.DeliveryTag
	}
	if last > 0 {
		if err := ch.Nack(last, true, true); err != nil {
			return msgs, fmt.Errorf("cannot put the peeked messages back (they go back when the channel closes): %w", err)
		}
	}
	return msgs, ctx.Err()
}
