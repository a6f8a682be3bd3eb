package demo

import (
	"context"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// Names on the demo bus. The oslo.messaging ones follow from oslo's rules
// (control exchanges, <topic>, <topic>.<host>, <topic>_fanout, …); these are
// the rest.
const (
	exNova         = "nova"    // nova's control exchange
	exNeutron      = "neutron" // neutron's
	notifyTopic    = "notifications"
	exIngress      = "ingress"  // a gateway's topic exchange, its strays go to unrouted
	exUnrouted     = "unrouted" // the alternate exchange of ingress
	qUnrouted      = "unrouted"
	qBilling       = "billing" // dead-letters expired and rejected messages
	qAudit         = "audit"
	exDLX          = "dlx"
	qDeadLetters   = "dead.letters"
	exImages       = "images.match" // headers exchange
	qImagesQcow2   = "images.qcow2-large"
	qImagesRaw     = "images.raw-or-small"
	exMonitoring   = "monitoring" // bound to the control exchanges for their notifications
	qMonitorErrors = "monitoring.errors"
)

// Queue arguments.
const (
	transientTTL = 1800000 // rabbit_transient_queues_ttl (1800 s) as x-expires, in ms
	billingTTL   = 10000   // how long a billing record waits for the worker
	keepAtMost   = 1000    // x-max-length of the queues nothing consumes
)

// controlExchange is a control exchange as oslo declares it with its
// defaults (amqp_durable_queues and amqp_auto_delete false).
func controlExchange(name string) *exchangeSpec {
	return &exchangeSpec{name: name, kind: amqp.ExchangeTopic}
}

// fanoutExchange is <topic>_fanout: transient and auto-deleted.
func fanoutExchange(topic string) *exchangeSpec {
	return &exchangeSpec{name: model.OsloFanoutExchange(topic), kind: amqp.ExchangeFanout, autoDelete: true}
}

func transientArgs() amqp.Table { return amqp.Table{"x-expires": int32(transientTTL)} }

// declareTopic declares a queue as oslo's topic consumers do (kombu's
// Queue.declare): the exchange, the queue with args, and the binding.
func declareTopic(ch *amqp.Channel, ex *exchangeSpec, queue, key string, args amqp.Table) error {
	if err := ch.ExchangeDeclare(ex.name, ex.kind, ex.durable, ex.autoDelete, false, false, ex.args); err != nil {
		return fmt.Errorf("declare exchange %s: %w", ex.name, err)
	}
	if _, err := ch.QueueDeclare(queue, false, false, false, false, args); err != nil {
		return fmt.Errorf("declare queue %s: %w", queue, err)
	}
	if err := ch.QueueBind(queue, key, ex.name, false, nil); err != nil {
		return fmt.Errorf("bind queue %s to %s: %w", queue, ex.name, err)
	}
	return nil
}

// declareReplyQueue declares a caller's reply queue: no binding, it is
// reached through the default exchange.
func declareReplyQueue(ch *amqp.Channel, queue string) error {
	if _, err := ch.QueueDeclare(queue, false, false, false, false, transientArgs()); err != nil {
		return fmt.Errorf("declare reply queue %s: %w", queue, err)
	}
	return nil
}

// declareNotifyQueue declares notifications.<priority> on exchange as the
// notifier does before its first notification at that priority (and as
// a listener does).
func declareNotifyQueue(ch *amqp.Channel, exchange, priority string) error {
	key := model.OsloNotificationKey(notifyTopic, priority)
	return declareTopic(ch, controlExchange(exchange), key, key, amqp.Table{})
}

// declareTopology declares everything on the bus over one connection, so
// the topology is whole before (and without) the services: the services'
// own declarations, as they repeat them on each connection, and the rest.
func (d *Demo) declareTopology(ctx context.Context) error {
	conn, err := d.dial(ctx, "kaiten-demo", 0, newRNG(d.seed, 0))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer conn.Close()
	if err := declareAll(conn, d.procs); err != nil {
		return fmt.Errorf("demo: %w (start the demo on an empty vhost, or one of its own, that the user may configure)", err)
	}
	return nil
}

func declareAll(conn *amqp.Connection, procs []*process) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	for _, p := range procs {
		for _, srv := range p.servers {
			if err := srv.declare(ch); err != nil {
				return err
			}
		}
	}
	for _, ex := range []string{exNova, exNeutron} {
		for _, prio := range []string{"info", "error"} {
			if err := declareNotifyQueue(ch, ex, prio); err != nil {
				return err
			}
		}
	}
	return declareExtras(ch)
}

// declareExtras declares the plain-AMQP part of the bus: an alternate
// exchange, dead-lettering, a headers exchange and exchange-to-exchange
// bindings from the control exchanges (declared too, as oslo does).
func declareExtras(ch *amqp.Channel) error {
	type exchange struct {
		name, kind string
		args       amqp.Table
	}
	for _, x := range []string{exNova, exNeutron} {
		ex := controlExchange(x)
		if err := ch.ExchangeDeclare(ex.name, ex.kind, ex.durable, ex.autoDelete, false, false, nil); err != nil {
			return fmt.Errorf("declare exchange %s: %w", ex.name, err)
		}
	}
	for _, e := range []exchange{
		{exUnrouted, amqp.ExchangeFanout, nil},
		{exIngress, amqp.ExchangeTopic, amqp.Table{"alternate-exchange": exUnrouted}},
		{exDLX, amqp.ExchangeFanout, nil},
		{exImages, amqp.ExchangeHeaders, nil},
		{exMonitoring, amqp.ExchangeTopic, nil},
	} {
		if err := ch.ExchangeDeclare(e.name, e.kind, true, false, false, false, e.args); err != nil {
			return fmt.Errorf("declare exchange %s: %w", e.name, err)
		}
	}
	capped := func(n int) amqp.Table { return amqp.Table{"x-max-length": int32(n)} }
	type queue struct {
		name     string
		args     amqp.Table
		exchange string
		key      string
		bindArgs amqp.Table
	}
	for _, q := range []queue{
		{qUnrouted, capped(keepAtMost), exUnrouted, "", nil},
		{qDeadLetters, capped(keepAtMost), exDLX, "", nil},
		{qBilling, amqp.Table{"x-dead-letter-exchange": exDLX, "x-message-ttl": int32(billingTTL)}, exIngress, "billing.#", nil},
		{qAudit, capped(keepAtMost), exIngress, "audit.#", nil},
		{qImagesQcow2, capped(keepAtMost), exImages, "", amqp.Table{"x-match": "all", "format": "qcow2", "size": "large"}},
		{qImagesRaw, capped(keepAtMost), exImages, "", amqp.Table{"x-match": "any", "format": "raw", "size": "small"}},
		{qMonitorErrors, capped(keepAtMost), exMonitoring, "*.error", nil},
	} {
		if _, err := ch.QueueDeclare(q.name, true, false, false, false, q.args); err != nil {
			return fmt.Errorf("declare queue %s: %w", q.name, err)
		}
		if err := ch.QueueBind(q.name, q.key, q.exchange, false, q.bindArgs); err != nil {
			return fmt.Errorf("bind queue %s to %s: %w", q.name, q.exchange, err)
		}
	}
	// Every service's notifications, from both control exchanges, into one
	// monitoring exchange.
	for _, src := range []string{exNova, exNeutron} {
		if err := ch.ExchangeBind(exMonitoring, notifyTopic+".*", src, false, nil); err != nil {
			return fmt.Errorf("bind exchange %s to %s: %w", exMonitoring, src, err)
		}
	}
	return nil
}
