package core

import (
	"github.com/kaiten-bus/kaiten/model"
)

// The firehose (rabbit_trace): with tracing on, every publish emits a
// message to amq.rabbitmq.trace with key "publish.<exchange>", and every
// delivery or get "deliver.<queue>", carrying the original body and the
// publish's details in headers. Messages published to the trace exchange
// itself are never traced.

// tracePublish emits the publish event; keys are RK + CC + BCC, routed the
// queue names before the existence check.
func (v *Vhost) tracePublish(m *Message, keys, routed []string, ch *Channel) {
	h := traceHeaders(m, keys, v.b.opts.Node)
	addTraceOrigin(h, v, ch)
	rq := make([]model.Value, len(routed))
	for i, q := range routed {
		rq[i] = model.String(q)
	}
	h["routed_queues"] = model.Value{Type: model.TypeArray, Array: rq}
	v.publishInternal(TraceExchange, "publish."+m.Exchange,
		model.Properties{Headers: h, Has: model.HasHeaders}, m.Body)
}

// traceDeliver emits the deliver event for a delivery or get-ok.
func (v *Vhost) traceDeliver(d *Delivery, ch *Channel) {
	m := d.Message
	if m.Exchange == TraceExchange || isReplyKey(d.Queue) { // direct replies are not traced
		return
	}
	h := traceHeaders(m, m.RoutingKeys(), v.b.opts.Node)
	addTraceOrigin(h, v, ch)
	red := int64(0)
	if d.Redelivered {
		red = 1
	}
	h["redelivered"] = model.Value{Type: model.TypeSignedInt, Int: red}
	v.publishInternal(TraceExchange, "deliver."+d.Queue,
		model.Properties{Headers: h, Has: model.HasHeaders}, m.Body)
}

func traceHeaders(m *Message, keys []string, node string) model.Table {
	rks := make([]model.Value, len(keys))
	for i, k := range keys {
		rks[i] = model.String(k)
	}
	return model.Table{
		"exchange_name": model.String(m.Exchange),
		"routing_keys":  {Type: model.TypeArray, Array: rks},
		"properties":    {Type: model.TypeTable, Table: PropertiesTable(&m.Properties)},
		"node":          model.String(node),
	}
}

func addTraceOrigin(h model.Table, v *Vhost, ch *Channel) {
	h["vhost"] = model.String(v.name)
	conn, user, num := "", "", int64(0)
	if ch != nil {
		conn, user, num = ch.conn.info.Name, ch.conn.info.User, int64(ch.num)
	}
	h["connection"] = model.String(conn)
	h["channel"] = model.Value{Type: model.TypeSignedInt, Int: num}
	h["user"] = model.String(user)
}

// PropertiesTable renders basic properties as rabbit_trace does: keyed by
// their P_basic field names, unset ones left out, integers (delivery_mode,
// priority, timestamp) as signedint, headers as a table, the rest longstr.
func PropertiesTable(p *model.Properties) model.Table {
	t := make(model.Table, 14)
	str := func(flag model.PropertySet, key, val string) {
		if p.Has&flag != 0 {
			t[key] = model.String(val)
		}
	}
	num := func(flag model.PropertySet, key string, val int64) {
		if p.Has&flag != 0 {
			t[key] = model.Value{Type: model.TypeSignedInt, Int: val}
		}
	}
	str(model.HasContentType, "content_type", p.ContentType)
	str(model.HasContentEncoding, "content_encoding", p.ContentEncoding)
	if p.Has&model.HasHeaders != 0 {
		h := p.Headers
		if h == nil {
			h = model.Table{}
		}
		t["headers"] = model.Value{Type: model.TypeTable, Table: h}
	}
	num(model.HasDeliveryMode, "delivery_mode", int64(p.DeliveryMode))
	num(model.HasPriority, "priority", int64(p.Priority))
	str(model.HasCorrelationID, "correlation_id", p.CorrelationID)
	str(model.HasReplyTo, "reply_to", p.ReplyTo)
	str(model.HasExpiration, "expiration", p.Expiration)
	str(model.HasMessageID, "message_id", p.MessageID)
	num(model.HasTimestamp, "timestamp", p.Timestamp)
	str(model.HasType, "type", p.Type)
	str(model.HasUserID, "user_id", p.UserID)
	str(model.HasAppID, "app_id", p.AppID)
	str(model.HasClusterID, "cluster_id", p.ClusterID)
	return t
}
