package mgmt

import (
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

var (
	queueStatNames = []string{
		"publish", "deliver", "deliver_no_ack", "get", "get_no_ack", "deliver_get",
		"get_empty", "ack", "redeliver",
	}
	depthNames = []string{"messages", "messages_ready", "messages_unacknowledged"}
)

// queueView says how much of a queue to show.
type queueView struct {
	stats   bool // rates, message_stats and the rest (not disable_stats)
	totals  bool // depths even without stats (enable_queue_totals)
	opMatch *model.PolicyMatcher
	owners  map[uint64]string // connection names of exclusive owners
}

// queueJSON is a queue as /api/queues lists it.
func (h *handler) queueJSON(vhost string, q core.QueueInfo, cons []core.ConsumerInfo, view queueView) obj {
	typ := q.Type
	if typ == "" {
		typ = "classic"
	}
	o := obj{
		"name": q.Name, "vhost": vhost, "type": typ, "durable": q.Durable,
		"auto_delete": q.AutoDelete, "exclusive": q.Exclusive, "arguments": table(q.Arguments),
		"node": h.opts.Node, "state": "running",
	}
	if q.Policy != "" || view.stats {
		o["policy"] = nullable(q.Policy)
	}
	depths := []int64{int64(q.Messages()), int64(q.Ready), int64(q.Unacked)}
	if !view.stats {
		if view.totals {
			for i, n := range depthNames {
				o[n] = depths[i]
			}
		}
		return o
	}
	h.setStats(o, key("qd", vhost, q.Name), depthNames, depths, false)
	c := q.Counters
	o["message_stats"] = h.counterStats(key("q", vhost, q.Name), queueStatNames, []int64{
		c.Publish, c.Deliver, c.DeliverNoAck, c.Get, c.GetNoAck, c.DeliverGet, c.GetEmpty, c.Ack, c.Redeliver,
	})
	var op any
	if view.opMatch != nil {
		if p := view.opMatch.ForQueue(&q.Queue); p != nil {
			op = p.Name
		}
	}
	capacity := 0.0
	if q.Consumers > 0 {
		capacity = 1.0
	}
	if name, ok := view.owners[q.OwnerConn]; ok && q.OwnerConn != 0 {
		peerHost, peerPort, _, _ := splitConnName(name)
		o["owner_pid_details"] = obj{"name": name, "peer_host": peerHost, "peer_port": peerPort}
	}
	o["operator_policy"] = op
	o["effective_policy_definition"] = table(q.EffectivePolicy)
	o["consumers"] = q.Consumers
	o["consumer_capacity"] = capacity
	o["consumer_utilisation"] = capacity
	o["exclusive_consumer_tag"] = nil
	for _, c := range cons {
		if c.Exclusive {
			o["exclusive_consumer_tag"] = c.Tag
		}
	}
	o["single_active_consumer_tag"] = nullable(q.SingleActiveConsumerTag)
	o["head_message_timestamp"] = nil
	o["recoverable_slaves"] = nil
	if !q.IdleSince.IsZero() {
		o["idle_since"] = q.IdleSince.UTC().Format("2006-01-02T15:04:05.000+00:00")
	}
	o["memory"] = q.ReadyBytes
	o["message_bytes"] = q.ReadyBytes
	o["message_bytes_ready"] = q.ReadyBytes
	o["message_bytes_unacknowledged"] = 0
	o["message_bytes_ram"] = q.ReadyBytes
	o["message_bytes_persistent"] = 0
	o["message_bytes_paged_out"] = 0
	o["messages_ram"] = depths[0]
	o["messages_ready_ram"] = depths[1]
	o["messages_unacknowledged_ram"] = depths[2]
	o["messages_persistent"] = 0
	o["messages_paged_out"] = 0
	return o
}

// owners names the connections that own exclusive queues, when some
// queue has an owner.
func (h *handler) owners(qs ...core.QueueInfo) map[uint64]string {
	need := false
	for _, q := range qs {
		need = need || q.OwnerConn != 0
	}
	if !need {
		return nil
	}
	m := map[uint64]string{}
	for _, c := range h.b.Connections() {
		m[c.ID] = c.Info.Name
	}
	return m
}

// nullable is s, or JSON null for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// opMatcher matches the vhost's operator policies, nil when there are none.
func (h *handler) opMatcher(vhost string) *model.PolicyMatcher {
	ps := h.operatorPolicies(vhost)
	if len(ps) == 0 {
		return nil
	}
	for i := range ps {
		ps[i].Operator = false // the matcher leaves operator policies out; here they are the set
	}
	return model.NewPolicyMatcher(ps)
}

func getQueues(h *handler, rq *request) error {
	return h.listVhosts(rq, true, nameSort, func(v *core.Vhost, lq *listQuery) []obj {
		snap := v.Snapshot()
		view := queueView{stats: lq.stats(), totals: lq.queueTotals, opMatch: h.opMatcher(v.Name())}
		if view.stats {
			view.owners = h.owners(snap.Queues...)
		}
		byQueue := consumersByQueue(snap.Consumers)
		var items []obj
		for _, q := range snap.Queues {
			items = append(items, h.queueJSON(v.Name(), q, byQueue[q.Name], view))
		}
		return items
	})
}

func consumersByQueue(cs []core.ConsumerInfo) map[string][]core.ConsumerInfo {
	m := map[string][]core.ConsumerInfo{}
	for _, c := range cs {
		m[c.Queue] = append(m[c.Queue], c)
	}
	return m
}

func getQueue(h *handler, rq *request) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	q, cons, ok := v.QueueInfo(rq.arg(1))
	if !ok {
		return errNotFound()
	}
	query := rq.r.URL.Query()
	view := queueView{
		stats: query.Get("disable_stats") != "true", totals: query.Get("enable_queue_totals") == "true",
		opMatch: h.opMatcher(v.Name()), owners: h.owners(q),
	}
	o := h.queueJSON(v.Name(), q, cons, view)
	if view.stats {
		details := make([]obj, len(cons))
		for i, c := range cons {
			details[i] = h.consumerJSON(v.Name(), c)
		}
		o["consumer_details"] = details
		o["deliveries"], o["incoming"] = []obj{}, []obj{}
	}
	return rq.reply(pruneColumns(query, o))
}

func putQueue(h *handler, rq *request) error {
	v, body, err := h.writeTo(rq)
	if err != nil {
		return err
	}
	d := core.QueueDeclare{Name: rq.arg(1)}
	if d.Durable, err = boolField(body, "durable", false); err != nil {
		return err
	}
	if d.AutoDelete, err = boolField(body, "auto_delete", false); err != nil {
		return err
	}
	if d.Arguments, err = tableField(body, "arguments"); err != nil {
		return err
	}
	_, _, existed := v.QueueInfo(d.Name)
	if _, err := v.DeclareQueue(nil, d); err != nil {
		return err
	}
	return rq.done(!existed)
}

func deleteQueue(h *handler, rq *request) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	if _, _, ok := v.QueueInfo(rq.arg(1)); !ok {
		return errNotFound()
	}
	q := rq.r.URL.Query()
	if _, err := v.DeleteQueue(nil, rq.arg(1), q.Get("if-unused") == "true", q.Get("if-empty") == "true"); err != nil {
		return err
	}
	return rq.done(false)
}

func deleteQueueContents(h *handler, rq *request) error {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return err
	}
	if _, err := v.PurgeQueue(nil, rq.arg(1)); err != nil {
		return err
	}
	return rq.done(false)
}

func getQueueBindings(h *handler, rq *request) error {
	v, err := h.vhost(rq.arg(0))
	if err != nil {
		return err
	}
	name := rq.arg(1)
	if _, _, ok := v.QueueInfo(name); !ok {
		return errNotFound()
	}
	lq, err := parseList(rq.r.URL.Query(), false, bindingSort...)
	if err != nil {
		return err
	}
	var items []obj
	for _, b := range v.Snapshot().Bindings {
		if b.DestinationType == model.DestQueue && b.Destination == name {
			items = append(items, bindingJSON(v.Name(), b))
		}
	}
	return lq.reply(rq, items)
}

// consumerJSON is a consumer as /api/consumers lists it.
func (h *handler) consumerJSON(vhost string, c core.ConsumerInfo) obj {
	peerHost, peerPort, _, _ := splitConnName(c.ConnName)
	return obj{
		"consumer_tag": c.Tag,
		"queue":        obj{"name": c.Queue, "vhost": vhost},
		"channel_details": obj{
			"name": channelName(c.ConnName, c.Channel), "connection_name": c.ConnName,
			"number": c.Channel, "node": h.opts.Node, "peer_host": peerHost, "peer_port": peerPort,
			"user": c.User,
		},
		"ack_required": c.AckRequired, "exclusive": c.Exclusive, "prefetch_count": c.PrefetchCount,
		"active": c.Active, "activity_status": c.ActivityStatus, "arguments": table(c.Arguments),
	}
}

// getConsumers lists consumers in core's order (by queue) unless asked
// to sort; RabbitMQ does not paginate them.
func getConsumers(h *handler, rq *request) error {
	return h.listVhosts(rq, false, nil, func(v *core.Vhost, _ *listQuery) []obj {
		var items []obj
		for _, c := range v.Snapshot().Consumers {
			items = append(items, h.consumerJSON(v.Name(), c))
		}
		return items
	})
}

// msTime is a time as RabbitMQ's JSON gives it: ms since the epoch.
func msTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
