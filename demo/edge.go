package demo

import (
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// The plain-AMQP exchanges the edge publishes to, as declared in
// declareExtras.
func ingressExchange() *exchangeSpec {
	return &exchangeSpec{name: exIngress, kind: amqp.ExchangeTopic, durable: true, args: amqp.Table{"alternate-exchange": exUnrouted}}
}

func imagesExchange() *exchangeSpec {
	return &exchangeSpec{name: exImages, kind: amqp.ExchangeHeaders, durable: true}
}

// edgePublisher is a plain AMQP application in front of the cloud: it
// publishes billing records and audit events to ingress, telemetry that
// nothing is bound for (so the alternate exchange collects it), and image
// events with headers that the headers exchange matches, or does not. It
// declares that part of the topology on each connection, so the bus
// heals when a broker comes back empty.
func edgePublisher(p *process) {
	c := p.cloud
	p.onConnect = append(p.onConnect, func(s *session) error {
		ch, err := s.conn.Channel()
		if err != nil {
			return err
		}
		defer ch.Close()
		return declareExtras(ch)
	})
	p.actions = []action{
		{weight: 4, do: func(s *session) {
			in := pick(s.p.rng, c.instances)
			s.publishJSON(ingressExchange(), "billing.usage", nil, model.PyDict(
				kv("record_id", model.PyStr(s.p.rng.uuid())),
				kv("project_id", model.PyStr(in.owner.projectID)),
				kv("instance_id", model.PyStr(in.uuid)),
				kv("flavor", model.PyStr(in.flavor)),
				kv("hours", model.PyInt(1)),
				kv("valid", model.PyBoolean(!s.p.rng.chance(0.25))), // the worker rejects the rest
			))
		}},
		{weight: 3, do: func(s *session) {
			u := pick(s.p.rng, c.users)
			action := pick(s.p.rng, []string{"login", "logout", "token.issue"})
			result := "ok"
			if s.p.rng.chance(0.1) {
				result = "denied"
			}
			s.publishJSON(ingressExchange(), "audit."+action+"."+result, nil, model.PyDict(
				kv("user", model.PyStr(u.name)), kv("project", model.PyStr(u.project)),
				kv("action", model.PyStr(action)), kv("result", model.PyStr(result)),
				kv("remote_address", model.PyStr(u.address)),
			))
		}},
		{weight: 2, do: func(s *session) {
			in := pick(s.p.rng, c.instances)
			meter := pick(s.p.rng, []string{"cpu.util", "disk.read.bytes", "network.incoming.bytes"})
			s.publishJSON(ingressExchange(), "metering."+meter, nil, model.PyDict(
				kv("resource_id", model.PyStr(in.uuid)), kv("meter", model.PyStr(meter)),
				kv("volume", model.PyFloat(float64(s.p.rng.intn(10000))/100)),
			))
		}},
		{weight: 3, do: func(s *session) {
			format := pick(s.p.rng, []string{"qcow2", "raw", "vmdk", "iso"})
			size := pick(s.p.rng, []string{"small", "large"})
			s.publishJSON(imagesExchange(), "", amqp.Table{"format": format, "size": size}, model.PyDict(
				kv("image_id", model.PyStr(s.p.rng.uuid())),
				kv("name", model.PyStr(fmt.Sprintf("%s-%s-%d", pick(s.p.rng, []string{"debian-12", "ubuntu-24.04", "cirros"}), size, s.p.rng.intn(100)))),
				kv("disk_format", model.PyStr(format)),
				kv("size_class", model.PyStr(size)),
			))
		}},
	}
}

// publishJSON publishes a persistent JSON message.
func (s *session) publishJSON(ex *exchangeSpec, key string, headers amqp.Table, body model.PyValue) {
	err := s.send.send(s.ctx, ex, key, false, amqp.Publishing{
		ContentType: "application/json", DeliveryMode: amqp.Persistent, Headers: headers,
		Body: body.AppendPython(nil),
	})
	if err != nil && s.ctx.Err() == nil {
		s.p.log.Warn("publish failed", "exchange", ex.name, "key", key, "err", err)
	}
}

// billingWorker takes billing records one at a time with basic.get, more
// slowly than they come, so some expire in the queue (its TTL) and
// dead-letter; it rejects the invalid ones, which dead-letter too.
func billingWorker(p *process) {
	p.actions = []action{{weight: 1, do: func(s *session) {
		ch, err := s.channel("billing")
		if err != nil {
			return
		}
		d, ok, err := ch.Get(qBilling, false)
		if err != nil || !ok {
			if err != nil && s.ctx.Err() == nil {
				s.p.log.Warn("basic.get failed", "queue", qBilling, "err", err)
			}
			return
		}
		v, err := model.ParsePyJSON(d.Body)
		if valid, _ := v.Get("valid"); err != nil || !valid.Truthy() {
			s.p.log.Debug("rejecting an invalid billing record")
			_ = d.Reject(false)
			return
		}
		_ = d.Ack(false)
	}}}
}
