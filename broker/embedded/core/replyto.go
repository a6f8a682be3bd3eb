package core

import "strings"

// Direct reply-to: a channel consumes from the pseudo-queue
// "amq.rabbitmq.reply-to" (no-ack only); messages it publishes with that
// reply_to get "amq.rabbitmq.reply-to.<key>" instead, and publishing to the
// default exchange with that key delivers straight to the consumer. No
// queue is involved.
const (
	// ReplyToQueue is the pseudo-queue name.
	ReplyToQueue  = "amq.rabbitmq.reply-to"
	replyToPrefix = ReplyToQueue + "."
)

// replyConsumer is a channel's direct reply-to consumer.
type replyConsumer struct {
	tag string
	key string // opaque, unguessable: the part after the prefix
}

func isReplyKey(k string) bool { return strings.HasPrefix(k, replyToPrefix) }

// consumeReplyTo is basic.consume on the pseudo-queue. RabbitMQ checks
// no-ack before "already set".
func (ch *Channel) consumeReplyTo(tag string, noAck, noWait bool) (string, error) {
	if !noAck {
		return "", errorf(CodePreconditionFailed, "reply consumer cannot acknowledge")
	}
	if tag == "" {
		tag = genName("amq.ctag")
	}
	ch.mu.Lock()
	if ch.closed {
		ch.mu.Unlock()
		return "", errChannelClosed()
	}
	if ch.reply != nil {
		ch.mu.Unlock()
		return "", errorf(CodePreconditionFailed, "reply consumer already set")
	}
	rc := &replyConsumer{tag: tag, key: genKey()}
	ch.reply = rc
	wake := false
	if !noWait {
		wake = ch.pushLocked(Delivery{Kind: KindConsumeOK, ConsumerTag: tag})
	}
	ch.mu.Unlock()
	ch.v.b.replyTo.Store(rc.key, ch)
	if wake {
		ch.notify()
	}
	return tag, nil
}

// replyKey returns the channel's reply-to key, if it consumes replies.
func (ch *Channel) replyKey() (string, bool) {
	if ch == nil {
		return "", false
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.reply == nil {
		return "", false
	}
	return ch.reply.key, true
}

// deliverReply delivers a reply to its requester's channel; a reply to a
// requester that is gone is dropped silently, as in RabbitMQ.
func (b *Broker) deliverReply(rk string, m *Message) {
	key := rk[len(replyToPrefix):]
	v, ok := b.replyTo.Load(key)
	if !ok {
		return
	}
	ch := v.(*Channel)
	ch.mu.Lock()
	if ch.closed || ch.reply == nil || ch.reply.key != key || len(ch.outbox) >= 16*ch.outboxCap {
		ch.mu.Unlock()
		return
	}
	ch.nextTag++
	wake := ch.pushLocked(Delivery{
		Kind: KindDeliver, ConsumerTag: ch.reply.tag, DeliveryTag: ch.nextTag,
		Queue: rk, Message: m,
	})
	ch.mu.Unlock()
	ch.v.stats.deliverNoAck.Add(1)
	ch.stats.deliverNoAck.Add(1)
	if wake {
		ch.notify()
	}
}

// declareReplyTo answers queue.declare of the pseudo-queue: it exists, with
// one consumer, for the bare name or a live reply key.
func (ch *Channel) declareReplyTo(name string) (QueueDeclareOK, bool) {
	if name == ReplyToQueue {
		return QueueDeclareOK{Name: name, Consumers: 1}, true
	}
	if isReplyKey(name) {
		if v, ok := ch.v.b.replyTo.Load(name[len(replyToPrefix):]); ok {
			c := v.(*Channel)
			if _, live := c.replyKey(); live {
				return QueueDeclareOK{Name: name, Consumers: 1}, true
			}
		}
	}
	return QueueDeclareOK{}, false
}
