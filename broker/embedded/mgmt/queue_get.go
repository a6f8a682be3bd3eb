package mgmt

import (
	"encoding/base64"
	"errors"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
)

// postQueueGet is rabbit_mgmt_wm_queue_get: basic.get up to count
// messages on a channel of the API's own, then per ackmode:
// ack_requeue_false gets with no-ack, reject_requeue_false rejects them
// (dead-lettering), reject_requeue_true rejects them with requeue, and
// ack_requeue_true leaves them unacknowledged until the channel closes,
// which requeues them. Requeued messages come back redelivered.
func postQueueGet(h *handler, rq *request) error {
	v, body, err := h.writeTo(rq)
	if err != nil {
		return err
	}
	if err := missingKeys(body, "ackmode", "count", "encoding"); err != nil {
		return err
	}
	count, err := intField(body, "count", 1)
	if err != nil {
		return err
	}
	mode, _ := body["ackmode"].(string)
	switch mode {
	case "ack_requeue_true", "ack_requeue_false", "reject_requeue_true", "reject_requeue_false":
	default:
		return badRequest("Unsupported ackmode %v. Please use ack_requeue_true, ack_requeue_false, "+
			"reject_requeue_true or reject_requeue_false.", body["ackmode"])
	}
	enc, _ := body["encoding"].(string)
	if enc != "auto" && enc != "base64" {
		return badRequest("Unsupported encoding. Please use auto or base64.")
	}
	truncate, err := intField(body, "truncate", -1)
	if err != nil {
		return err
	}
	if _, _, ok := v.QueueInfo(rq.arg(1)); !ok {
		return &apiError{
			status: 404, err: "not_found",
			reason: "no queue '" + rq.arg(1) + "' in vhost '" + v.Name() + "'",
		}
	}
	conn, err := h.b.Connect(v.Name(), core.ConnInfo{Name: "management API (" + rq.user.Name + ")", User: rq.user.Name})
	if err != nil {
		return toAPIError(err)
	}
	defer conn.Close()
	ch, err := conn.OpenChannel(1, nil)
	if err != nil {
		return toAPIError(err)
	}
	noAck := mode == "ack_requeue_false"
	msgs := []obj{}
	var tags []uint64
	var buf []core.Delivery
	for range count {
		if err := ch.Get(rq.arg(1), noAck); err != nil {
			return withChannelError(err)
		}
		buf = ch.Drain(buf)
		if len(buf) == 0 || buf[0].Kind != core.KindGetOK {
			break
		}
		d := buf[0]
		msgs = append(msgs, getReply(d, enc, truncate))
		tags = append(tags, d.DeliveryTag)
	}
	if mode == "reject_requeue_true" || mode == "reject_requeue_false" {
		for _, tag := range tags {
			if err := ch.Reject(tag, mode == "reject_requeue_true"); err != nil {
				return toAPIError(err)
			}
		}
	}
	return rq.reply(msgs)
}

// withChannelError is how rabbit_mgmt_util:with_channel reports an AMQP
// error on the API's own channel: 404 for NOT_FOUND, 401 for
// ACCESS_REFUSED, else 400 "<code> <text>".
func withChannelError(err error) error {
	var ce *core.Error
	if errors.As(err, &ce) && (ce.Code == core.CodeNotFound || ce.Code == core.CodeAccessRefused) {
		return toAPIError(err)
	}
	return channelError(err)
}

// getReply is one message of a queue get reply.
func getReply(d core.Delivery, enc string, truncate int64) obj {
	m := d.Message
	payload := m.Body
	if truncate >= 0 && int64(len(payload)) > truncate {
		payload = payload[:truncate]
	}
	o := obj{
		"payload_bytes": len(m.Body), "redelivered": d.Redelivered, "exchange": m.Exchange,
		"routing_key": m.RoutingKey, "message_count": d.Count,
		"properties": core.PropertiesTable(&m.Properties),
	}
	if enc == "auto" && utf8.Valid(payload) {
		o["payload"], o["payload_encoding"] = string(payload), "string"
	} else {
		o["payload"], o["payload_encoding"] = base64.StdEncoding.EncodeToString(payload), "base64"
	}
	return o
}
