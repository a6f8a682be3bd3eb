package embedded

import (
	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// method runs one method of an open channel: core decides, this writes
// the reply. Replies that must keep their place among deliveries
// (consume-ok, cancel-ok, get-ok, get-empty) come from core's outbox.
func (ch *channel) method(m wire.Method, cc *core.Channel) error {
	w, num := ch.c.w, ch.num
	switch m := m.(type) {
	case *wire.BasicPublish:
		return ch.publish(m, cc)
	case *wire.BasicAck:
		return cc.Ack(m.DeliveryTag, m.Multiple)
	case *wire.BasicNack:
		return cc.Nack(m.DeliveryTag, m.Multiple, m.Requeue)
	case *wire.BasicReject:
		return cc.Reject(m.DeliveryTag, m.Requeue)
	case *wire.BasicConsume:
		_, err := cc.Consume(m.Queue, m.ConsumerTag, m.NoAck, m.Exclusive, m.NoWait, m.Arguments)
		return err
	case *wire.BasicCancel:
		return cc.Cancel(m.ConsumerTag, m.NoWait)
	case *wire.BasicGet:
		return cc.Get(m.Queue, m.NoAck)
	case *wire.BasicQos:
		return reply(w, num, cc.Qos(m.PrefetchSize, m.PrefetchCount, m.Global), &wire.BasicQosOk{}, false)
	case *wire.BasicRecoverAsync:
		return cc.Recover(m.Requeue)
	case *wire.BasicRecover:
		return reply(w, num, cc.Recover(m.Requeue), &wire.BasicRecoverOk{}, false)
	case *wire.ConfirmSelect:
		return reply(w, num, cc.ConfirmSelect(), &wire.ConfirmSelectOk{}, m.NoWait)
	}
	if handled, err := ch.topology(m, cc); handled {
		return err
	}
	return ch.channelMethod(m, cc)
}

// channelMethod handles the channel, access and tx classes.
func (ch *channel) channelMethod(m wire.Method, cc *core.Channel) error {
	w, num := ch.c.w, ch.num
	switch m := m.(type) {
	case *wire.ChannelClose:
		cc.Close()
		delete(ch.c.channels, num)
		w.send(num, &wire.ChannelCloseOk{})
		return nil
	case *wire.ChannelOpen:
		return newError(wire.ChannelError, m.ID(), "second 'channel.open' seen")
	case *wire.ChannelFlow:
		if !m.Active {
			return newError(wire.NotImplemented, m.ID(), "active=false")
		}
		w.send(num, &wire.ChannelFlowOk{Active: true})
		return nil
	case *wire.AccessRequest:
		w.send(num, &wire.AccessRequestOk{Ticket: 1})
		return nil
	case *wire.TxSelect:
		return reply(w, num, cc.TxSelect(), &wire.TxSelectOk{}, false)
	case *wire.TxCommit:
		return ch.commit(cc)
	case *wire.TxRollback:
		err := cc.TxRollback()
		if err == nil {
			ch.txPubs = ch.txPubs[:0]
		}
		return reply(w, num, err, &wire.TxRollbackOk{}, false)
	}
	return newError(wire.CommandInvalid, m.ID(), "unimplemented method")
}

// topology handles the exchange and queue classes; it reports false for
// a method of another class.
func (ch *channel) topology(m wire.Method, cc *core.Channel) (bool, error) {
	w, num := ch.c.w, ch.num
	switch m := m.(type) {
	case *wire.ExchangeDeclare:
		err := cc.ExchangeDeclare(core.ExchangeDeclare{
			Name: m.Exchange, Type: m.Type, Passive: m.Passive, Durable: m.Durable,
			AutoDelete: m.AutoDelete, Internal: m.Internal, Arguments: m.Arguments,
		})
		return true, reply(w, num, err, &wire.ExchangeDeclareOk{}, m.NoWait)
	case *wire.ExchangeDelete:
		return true, reply(w, num, cc.ExchangeDelete(m.Exchange, m.IfUnused), &wire.ExchangeDeleteOk{}, m.NoWait)
	case *wire.ExchangeBind:
		err := cc.ExchangeBind(m.Destination, m.Source, m.RoutingKey, m.Arguments)
		return true, reply(w, num, err, &wire.ExchangeBindOk{}, m.NoWait)
	case *wire.ExchangeUnbind:
		err := cc.ExchangeUnbind(m.Destination, m.Source, m.RoutingKey, m.Arguments)
		return true, reply(w, num, err, &wire.ExchangeUnbindOk{}, m.NoWait)
	case *wire.QueueDeclare:
		ok, err := cc.QueueDeclare(core.QueueDeclare{
			Name: m.Queue, Passive: m.Passive, Durable: m.Durable, Exclusive: m.Exclusive,
			AutoDelete: m.AutoDelete, Arguments: m.Arguments,
		})
		return true, reply(w, num, err, &wire.QueueDeclareOk{
			Queue: ok.Name, MessageCount: uint32(ok.Messages), ConsumerCount: uint32(ok.Consumers),
		}, m.NoWait)
	case *wire.QueueBind:
		return true, reply(w, num, cc.QueueBind(m.Queue, m.Exchange, m.RoutingKey, m.Arguments), &wire.QueueBindOk{}, m.NoWait)
	case *wire.QueueUnbind:
		return true, reply(w, num, cc.QueueUnbind(m.Queue, m.Exchange, m.RoutingKey, m.Arguments), &wire.QueueUnbindOk{}, false)
	case *wire.QueuePurge:
		n, err := cc.QueuePurge(m.Queue)
		return true, reply(w, num, err, &wire.QueuePurgeOk{MessageCount: uint32(n)}, m.NoWait)
	case *wire.QueueDelete:
		n, err := cc.QueueDelete(m.Queue, m.IfUnused, m.IfEmpty)
		return true, reply(w, num, err, &wire.QueueDeleteOk{MessageCount: uint32(n)}, m.NoWait)
	}
	return false, nil
}

// reply sends ok unless err or noWait, and returns err.
func reply(w *writer, num uint16, err error, ok wire.Method, noWait bool) error {
	if err == nil && !noWait {
		w.send(num, ok)
	}
	return err
}

// publish is basic.publish with its content assembled. The checks core
// cannot make come first, in RabbitMQ's order: immediate, then size (the
// body of an oversized message was never kept).
func (ch *channel) publish(m *wire.BasicPublish, cc *core.Channel) error {
	props, body := ch.takeContent()
	if m.Immediate {
		return newError(wire.NotImplemented, m.ID(), "immediate=true")
	}
	if ch.tooLarge {
		return newError(wire.PreconditionFailed, m.ID(), "message size %d is larger than configured max size %d",
			ch.size, ch.c.b.maxMessageSize)
	}
	ch.c.published = true
	res, err := cc.Publish(m.Exchange, m.RoutingKey, m.Mandatory, props, body)
	if err != nil {
		return err
	}
	if res.Deferred {
		tp := txPublish{exchange: m.Exchange, key: m.RoutingKey}
		if m.Mandatory {
			tp.props, tp.body = new(model.Properties), body
			*tp.props = props
		}
		ch.txPubs = append(ch.txPubs, tp)
		return nil
	}
	if res.Returned {
		p := new(model.Properties)
		*p = props
		ch.returnMessage(m.Exchange, m.RoutingKey, p, body)
	}
	ch.confirm(res)
	return nil
}

// returnMessage sends basic.return 312 NO_ROUTE; it precedes the confirm
// of the same publish on the wire.
func (ch *channel) returnMessage(exchange, key string, props *model.Properties, body []byte) {
	ch.c.w.sendContent(ch.num, &wire.BasicReturn{
		ReplyCode: wire.NoRoute, ReplyText: "NO_ROUTE", Exchange: exchange, RoutingKey: key,
	}, props, body)
}

// confirm acks or nacks a publish in confirm mode.
func (ch *channel) confirm(res core.PublishResult) {
	switch {
	case res.ConfirmTag == 0:
	case res.Nacked:
		ch.c.w.send(ch.num, &wire.BasicNack{DeliveryTag: res.ConfirmTag})
	default:
		ch.c.w.confirm(ch.num, res.ConfirmTag)
	}
}

// commit is tx.commit: the held publishes reach their queues, the
// unroutable mandatory ones come back before commit-ok.
func (ch *channel) commit(cc *core.Channel) error {
	results, err := cc.TxCommit()
	pubs := ch.txPubs
	ch.txPubs = ch.txPubs[:0]
	for i, res := range results {
		if res.Returned && i < len(pubs) && pubs[i].props != nil {
			p := pubs[i]
			ch.returnMessage(p.exchange, p.key, p.props, p.body)
		}
	}
	clear(pubs)
	return reply(ch.c.w, ch.num, err, &wire.TxCommitOk{}, false)
}
