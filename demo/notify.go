package demo

import (
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// notify publishes a notification as oslo's Notifier with the
// messagingv2 driver does: to the control exchange with the key
// notifications.<priority>, after declaring that queue once per channel
// (_publish_and_creates_default_queue), so nothing is lost before a
// listener comes.
func (s *session) notify(exchange, event, priority string, payload model.PyValue, who user) {
	key := model.OsloNotificationKey(notifyTopic, priority)
	err := s.send.prepare(exchange+" "+key, func(ch *amqp.Channel) error {
		return declareNotifyQueue(ch, exchange, priority)
	})
	if err == nil {
		var m model.OsloMessage
		m, err = model.NewOsloNotification(model.OsloNotificationSpec{
			PublisherID: s.p.publisherID(),
			EventType:   event,
			Priority:    priority,
			Payload:     payload,
			Time:        time.Now(),
			Context:     who.context(s.p.rng),
		}, s.p.rng)
		if err == nil {
			err = s.sendOslo(controlExchange(exchange), key, m, 0)
		}
	}
	if err != nil && s.ctx.Err() == nil {
		s.p.log.Warn("notification not sent", "event", event, "err", err)
		return
	}
	s.p.log.Debug("notified", "event", event, "priority", priority)
}

// publisherID names the process in its notifications, as nova and
// neutron do: <service>.<host>.
func (p *process) publisherID() string {
	switch p.name {
	case "nova-compute":
		return "compute." + p.host
	case "nova-scheduler":
		return "scheduler." + p.host
	case "nova-conductor":
		return "conductor." + p.host
	case "neutron-server":
		return "network." + p.host
	}
	return p.name + "." + p.host
}

// listenNotifications is a notification listener on the info priority of
// both control exchanges, as ceilometer's agent is: it binds and consumes
// the shared notifications.info queue, and acks after its callback (a
// listener, unlike an RPC server, acks late).
func listenNotifications(s *session) error {
	ch, err := s.conn.Channel()
	if err != nil {
		return err
	}
	for _, ex := range []string{exNova, exNeutron} {
		if err := declareNotifyQueue(ch, ex, "info"); err != nil {
			return err
		}
	}
	return s.consume(ch, model.OsloNotificationKey(notifyTopic, "info"), func(d amqp.Delivery) {
		m, err := model.DecodeOsloDelivery(deliveryProperties(d), d.Body)
		if err != nil || m.Kind != model.OsloNotification {
			s.p.log.Warn("not a notification", "queue", d.RoutingKey, "kind", m.Kind, "err", err)
		} else {
			s.p.log.Debug("received notification", "event", m.EventType, "from", m.PublisherID)
		}
		_ = d.Ack(false)
	})
}
