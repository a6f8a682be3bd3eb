package core

import "github.com/kaiten-bus/kaiten/model"

// The topology methods as a channel receives them: with the connection as
// owner of exclusive queues, and RabbitMQ's shortcuts (an empty queue name
// means the channel's last declared queue; binding it with an empty key
// uses that name as the key).

// ExchangeDeclare is exchange.declare (see Vhost.DeclareExchange).
func (ch *Channel) ExchangeDeclare(d ExchangeDeclare) error { return ch.v.DeclareExchange(d) }

// ExchangeDelete is exchange.delete (see Vhost.DeleteExchange).
func (ch *Channel) ExchangeDelete(name string, ifUnused bool) error {
	return ch.v.DeleteExchange(name, ifUnused)
}

// ExchangeBind is exchange.bind (see Vhost.BindExchange).
func (ch *Channel) ExchangeBind(destination, source, key string, args model.Table) error {
	return ch.v.BindExchange(destination, source, key, args)
}

// ExchangeUnbind is exchange.unbind (see Vhost.UnbindExchange).
func (ch *Channel) ExchangeUnbind(destination, source, key string, args model.Table) error {
	return ch.v.UnbindExchange(destination, source, key, args)
}

// QueueDeclare is queue.declare (see Vhost.DeclareQueue); the declared
// name becomes the channel's last queue. The direct reply-to pseudo-queue
// declares as existing with one consumer.
func (ch *Channel) QueueDeclare(d QueueDeclare) (QueueDeclareOK, error) {
	if name := stripCRLF(d.Name); name == ReplyToQueue || isReplyKey(name) {
		if ok, exists := ch.declareReplyTo(name); exists {
			return ok, nil
		}
		return QueueDeclareOK{}, errNoQueue(name, ch.v.name)
	}
	ok, err := ch.v.DeclareQueue(ch.conn, d)
	if err == nil {
		ch.mu.Lock()
		ch.lastQueue = ok.Name
		ch.mu.Unlock()
	}
	return ok, err
}

// expandBinding applies the queue and routing-key shortcuts of queue.bind.
func (ch *Channel) expandBinding(queue, key string) (string, string, error) {
	name, err := ch.expandQueue(stripCRLF(queue))
	if err != nil {
		return "", "", err
	}
	if queue == "" && key == "" {
		key = name
	}
	return name, key, nil
}

// QueueBind is queue.bind (see Vhost.BindQueue).
func (ch *Channel) QueueBind(queue, exchange, key string, args model.Table) error {
	name, key, err := ch.expandBinding(queue, key)
	if err != nil {
		return err
	}
	return ch.v.BindQueue(ch.conn, name, exchange, key, args)
}

// QueueUnbind is queue.unbind (see Vhost.UnbindQueue).
func (ch *Channel) QueueUnbind(queue, exchange, key string, args model.Table) error {
	name, key, err := ch.expandBinding(queue, key)
	if err != nil {
		return err
	}
	return ch.v.UnbindQueue(ch.conn, name, exchange, key, args)
}

// QueuePurge is queue.purge (see Vhost.PurgeQueue).
func (ch *Channel) QueuePurge(queue string) (int, error) {
	name, err := ch.expandQueue(stripCRLF(queue))
	if err != nil {
		return 0, err
	}
	return ch.v.PurgeQueue(ch.conn, name)
}

// QueueDelete is queue.delete (see Vhost.DeleteQueue).
func (ch *Channel) QueueDelete(queue string, ifUnused, ifEmpty bool) (int, error) {
	name, err := ch.expandQueue(stripCRLF(queue))
	if err != nil {
		return 0, err
	}
	return ch.v.DeleteQueue(ch.conn, name, ifUnused, ifEmpty)
}
