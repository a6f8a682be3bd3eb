package mgmt

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

var exchangeStatNames = []string{"publish_in", "publish_out"}

// exchangeJSON is an exchange as /api/exchanges lists it.
func (h *handler) exchangeJSON(vhost string, x core.ExchangeInfo, stats bool) obj {
	o := obj{
		"name": x.Name, "vhost": vhost, "type": x.Type, "durable": x.Durable,
		"auto_delete": x.AutoDelete, "internal": x.Internal, "arguments": table(x.Arguments),
		"user_who_performed_action": "",
	}
	if x.Builtin {
		o["user_who_performed_action"] = "rmq-internal"
	}
	if x.Policy != "" {
		o["policy"] = x.Policy
	}
	if stats {
		o["message_stats"] = h.counterStats(key("x", vhost, x.Name), exchangeStatNames,
			[]int64{x.PublishIn, x.PublishOut})
	}
	return o
}

// table returns t, or an empty table for nil, so it is written as {}.
func table(t model.Table) model.Table {
	if t == nil {
		return model.Table{}
	}
	return t
}

// key names an object in the rate table.
func key(kind string, parts ...string) string {
	return kind + "\x00" + strings.Join(parts, "\x00")
}

func getExchanges(h *handler, rq *request) error {
	return h.listVhosts(rq, true, nameSort, func(v *core.Vhost, lq *listQuery) []obj {
		var items []obj
		for _, x := range v.Snapshot().Exchanges {
			items = append(items, h.exchangeJSON(v.Name(), x, lq.stats()))
		}
		return items
	})
}

// nameSort is the default order of most lists.
var nameSort = []string{"vhost", "name"}

func getExchange(h *handler, rq *request) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	x, ok := v.ExchangeInfo(exchangeName(rq.arg(1)))
	if !ok {
		return errNotFound()
	}
	q := rq.r.URL.Query()
	o := h.exchangeJSON(v.Name(), x, q.Get("disable_stats") != "true")
	o["incoming"], o["outgoing"] = []obj{}, []obj{}
	return rq.reply(pruneColumns(q, o))
}

func putExchange(h *handler, rq *request) error {
	v, body, err := h.writeTo(rq)
	if err != nil {
		return err
	}
	d := core.ExchangeDeclare{Name: exchangeName(rq.arg(1))}
	if d.Type, err = stringField(body, "type", model.ExchangeDirect); err != nil {
		return err
	}
	if d.Durable, err = boolField(body, "durable", false); err != nil {
		return err
	}
	if d.AutoDelete, err = boolField(body, "auto_delete", false); err != nil {
		return err
	}
	if d.Internal, err = boolField(body, "internal", false); err != nil {
		return err
	}
	if d.Arguments, err = tableField(body, "arguments"); err != nil {
		return err
	}
	_, existed := v.ExchangeInfo(d.Name)
	if err := v.DeclareExchange(d); err != nil {
		return err
	}
	return rq.done(!existed)
}

func deleteExchange(h *handler, rq *request) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	name := exchangeName(rq.arg(1))
	if _, ok := v.ExchangeInfo(name); !ok {
		return errNotFound()
	}
	if err := v.DeleteExchange(name, rq.r.URL.Query().Get("if-unused") == "true"); err != nil {
		return err
	}
	return rq.done(false)
}

func getExchangeBindingsSource(h *handler, rq *request) error {
	return exchangeBindings(h, rq, func(b model.Binding, x string) bool { return b.Source == x })
}

func getExchangeBindingsDestination(h *handler, rq *request) error {
	return exchangeBindings(h, rq, func(b model.Binding, x string) bool {
		return b.DestinationType == model.DestExchange && b.Destination == x
	})
}

func exchangeBindings(h *handler, rq *request, keep func(model.Binding, string) bool) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	name := exchangeName(rq.arg(1))
	if _, ok := v.ExchangeInfo(name); !ok {
		return errNotFound()
	}
	lq, err := parseList(rq.r.URL.Query(), false, bindingSort...)
	if err != nil {
		return err
	}
	var items []obj
	for _, b := range v.Snapshot().Bindings {
		if keep(b, name) {
			items = append(items, bindingJSON(v.Name(), b))
		}
	}
	return lq.reply(rq, items)
}

// postExchangePublish publishes a message as rabbit_mgmt_wm_exchange_publish
// does: mandatory, and "routed" false when it was returned.
func postExchangePublish(h *handler, rq *request) error {
	v, body, err := h.writeTo(rq)
	if err != nil {
		return err
	}
	if err := missingKeys(body, "routing_key", "properties", "payload", "payload_encoding"); err != nil {
		return err
	}
	payload, ok := body["payload"].(string)
	if !ok {
		return badRequest("payload_not_string")
	}
	rk, err := stringField(body, "routing_key", "")
	if err != nil {
		return err
	}
	var data []byte
	switch enc := body["payload_encoding"]; enc {
	case "string":
		data = []byte(payload)
	case "base64":
		if data, err = base64.StdEncoding.DecodeString(payload); err != nil {
			return badRequest("not_base64")
		}
	default:
		return badRequest("{unsupported_encoding,%v}", enc)
	}
	props, err := parseProperties(body["properties"])
	if err != nil {
		return err
	}
	res, err := v.Publish(exchangeName(rq.arg(1)), rk, true, props, data)
	if err != nil {
		return channelError(err)
	}
	if res.Nacked {
		return badRequest("rejected Unable to publish message. Check queue limits.")
	}
	return rq.reply(obj{"routed": !res.Returned})
}

// parseProperties reads basic properties as
// rabbit_mgmt_format:to_basic_properties does.
func parseProperties(raw any) (model.Properties, error) {
	var p model.Properties
	m, ok := raw.(map[string]any)
	if !ok {
		if l, isList := raw.([]any); isList && len(l) == 0 {
			return p, nil
		}
		return p, badRequest("properties must be a JSON object")
	}
	strs := []struct {
		key  string
		flag model.PropertySet
		dst  *string
	}{
		{"content_type", model.HasContentType, &p.ContentType},
		{"content_encoding", model.HasContentEncoding, &p.ContentEncoding},
		{"correlation_id", model.HasCorrelationID, &p.CorrelationID},
		{"reply_to", model.HasReplyTo, &p.ReplyTo},
		{"expiration", model.HasExpiration, &p.Expiration},
		{"message_id", model.HasMessageID, &p.MessageID},
		{"type", model.HasType, &p.Type},
		{"user_id", model.HasUserID, &p.UserID},
		{"app_id", model.HasAppID, &p.AppID},
		{"cluster_id", model.HasClusterID, &p.ClusterID},
	}
	for _, s := range strs {
		switch v := m[s.key].(type) {
		case nil:
		case string:
			*s.dst, p.Has = v, p.Has|s.flag
		default:
			return p, badRequest("{not_string,%s}", s.key)
		}
	}
	ints := []struct {
		key  string
		flag model.PropertySet
		max  int64
		set  func(int64)
	}{
		{"delivery_mode", model.HasDeliveryMode, 255, func(n int64) { p.DeliveryMode = uint8(n) }},
		{"priority", model.HasPriority, 255, func(n int64) { p.Priority = uint8(n) }},
		{"timestamp", model.HasTimestamp, 1<<63 - 1, func(n int64) { p.Timestamp = n }},
	}
	for _, f := range ints {
		raw, present := m[f.key]
		if !present || raw == nil {
			continue
		}
		num, isNum := raw.(json.Number)
		n, err := num.Int64()
		if !isNum || err != nil || n < 0 || n > f.max {
			return p, badRequest("{not_int,%s}", f.key)
		}
		f.set(n)
		p.Has |= f.flag
	}
	if hv, ok := m["headers"]; ok && hv != nil {
		hm, isMap := hv.(map[string]any)
		if !isMap {
			return p, badRequest("headers must be a JSON object")
		}
		t, err := model.TableFromJSON(hm)
		if err != nil {
			return p, badRequest("headers: %v", err)
		}
		p.Headers, p.Has = t, p.Has|model.HasHeaders
	}
	return p, nil
}

// errMethodNotAllowed is a 405 for an endpoint this server cannot serve.
func errMethodNotAllowed(reason string) error {
	return &apiError{status: http.StatusMethodNotAllowed, err: "method_not_allowed", reason: reason}
}
