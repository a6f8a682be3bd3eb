package mgmt

import (
	"runtime"
	"strconv"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

var (
	overviewStatNames = []string{
		"ack", "confirm", "deliver", "deliver_get", "deliver_no_ack", "disk_reads", "disk_writes",
		"drop_unroutable", "get", "get_empty", "get_no_ack", "publish", "redeliver", "return_unroutable",
	}
	vhostStatNames = []string{
		"ack", "confirm", "deliver", "deliver_get", "deliver_no_ack", "drop_unroutable", "get",
		"get_empty", "get_no_ack", "publish", "redeliver", "return_unroutable",
	}
	churnNames = []string{
		"channel_closed", "channel_created", "connection_closed", "connection_created",
		"queue_created", "queue_declared", "queue_deleted",
	}
)

// exchangeTypes are the exchange types core routes, as /api/overview
// describes them.
func exchangeTypes() []obj {
	d := func(name, desc string) obj { return obj{"name": name, "description": desc, "enabled": true} }
	return []obj{
		d(model.ExchangeDirect, "AMQP direct exchange, as per the AMQP specification"),
		d(model.ExchangeFanout, "AMQP fanout exchange, as per the AMQP specification"),
		d(model.ExchangeHeaders, "AMQP headers exchange, as per the AMQP specification"),
		d(model.ExchangeTopic, "AMQP topic exchange, as per the AMQP specification"),
	}
}

// vhostTotals is what one vhost adds to the overview.
type vhostTotals struct {
	exchanges, queues, consumers int
	messages, ready, unacked     int64
	getEmpty                     int64
}

func totalsOf(s core.VhostSnapshot) vhostTotals {
	t := vhostTotals{exchanges: len(s.Exchanges), queues: len(s.Queues), consumers: len(s.Consumers)}
	for _, q := range s.Queues {
		t.messages += int64(q.Messages())
		t.ready += int64(q.Ready)
		t.unacked += int64(q.Unacked)
		t.getEmpty += q.Counters.GetEmpty
	}
	return t
}

// counterValues lists a vhost's (or the broker's) counters in the order
// of names; get_empty is the sum over the queues that exist.
func counterValues(c core.CounterValues, getEmpty int64, names []string) []int64 {
	m := map[string]int64{
		"ack": c.Ack, "confirm": c.Confirm, "deliver": c.Deliver, "deliver_get": c.DeliverGet,
		"deliver_no_ack": c.DeliverNoAck, "drop_unroutable": c.DropUnroutable, "get": c.Get,
		"get_empty": getEmpty, "get_no_ack": c.GetNoAck, "publish": c.Publish, "redeliver": c.Redeliver,
		"return_unroutable": c.ReturnUnroutable,
	}
	out := make([]int64, len(names))
	for i, n := range names {
		out[i] = m[n]
	}
	return out
}

func getOverview(h *handler, rq *request) error {
	var sum vhostTotals
	for _, name := range h.b.Vhosts() {
		v, ok := h.b.Vhost(name)
		if !ok {
			continue
		}
		t := totalsOf(v.Snapshot())
		sum.exchanges += t.exchanges
		sum.queues += t.queues
		sum.consumers += t.consumers
		sum.messages += t.messages
		sum.ready += t.ready
		sum.unacked += t.unacked
		sum.getEmpty += t.getEmpty
	}
	conns := h.b.Connections()
	channels := 0
	for _, c := range conns {
		channels += len(c.Channels)
	}
	queueTotals := obj{}
	h.setStats(queueTotals, key("overview-depth"), depthNames, []int64{sum.messages, sum.ready, sum.unacked}, false)
	churn := statsObj(churnNames, make([]int64, len(churnNames)), make([]float64, len(churnNames)))
	o := obj{
		"management_version": h.opts.RabbitMQVersion, "rabbitmq_version": h.opts.RabbitMQVersion,
		"product_name": h.opts.ProductName, "product_version": h.opts.ProductVersion,
		"erlang_version": runtime.Version(), "erlang_full_version": "Go " + runtime.Version() + " (kaiten embedded broker)",
		"cluster_name": h.opts.ClusterName, "node": h.opts.Node,
		"rates_mode": "basic", "disable_stats": false, "enable_queue_totals": false,
		"release_series_support_status": "supported", "statistics_db_event_queue": 0,
		"sample_retention_policies": obj{
			"global": []int{600, 3600, 28800, 86400}, "basic": []int{600, 3600}, "detailed": []int{600},
		},
		"exchange_types": exchangeTypes(),
		"object_totals": obj{
			"connections": len(conns), "channels": channels, "exchanges": sum.exchanges,
			"queues": sum.queues, "consumers": sum.consumers,
		},
		"queue_totals":  queueTotals,
		"message_stats": h.counterStats(key("overview"), overviewStatNames, counterValues(h.b.Counters(), sum.getEmpty, overviewStatNames)),
		"churn_rates":   churn,
		"listeners":     h.listeners(),
		"contexts":      h.contexts(),
	}
	return rq.reply(pruneColumns(rq.r.URL.Query(), o))
}

func (h *handler) listeners() []obj {
	out := []obj{}
	for _, l := range h.opts.Listeners {
		out = append(out, obj{
			"node": h.opts.Node, "protocol": l.Protocol, "ip_address": l.IPAddress, "port": l.Port,
			"socket_opts": obj{},
		})
	}
	return out
}

func (h *handler) contexts() []obj {
	out := []obj{}
	for _, l := range h.opts.Listeners {
		if l.Protocol == "http" || l.Protocol == "https" {
			out = append(out, obj{
				"node": h.opts.Node, "description": "RabbitMQ Management", "path": "/",
				"port": strconv.Itoa(l.Port), "ssl_opts": []any{}, "cowboy_opts": "[]",
			})
		}
	}
	return out
}

func getClusterName(h *handler, rq *request) error {
	return rq.reply(obj{"name": h.opts.ClusterName})
}

// nodeJSON is the one node, as /api/nodes lists it.
func (h *handler) nodeJSON() obj {
	bo := h.b.Options()
	limit := bo.MemoryHighWatermark
	if limit <= 0 {
		limit = 1 << 62
	}
	return obj{
		"name": h.opts.Node, "type": "disc", "running": true, "being_drained": false,
		"mem_used": h.b.MemoryUsed(), "mem_limit": limit, "mem_alarm": h.b.Blocked(),
		"disk_free_alarm": false, "fd_used": 0, "sockets_used": len(h.b.Connections()),
		"proc_used": runtime.NumGoroutine(), "processors": runtime.NumCPU(),
		"uptime": h.opts.Clock.Now().Sub(h.started).Milliseconds(), "rates_mode": "basic",
		"partitions": []any{}, "exchange_types": exchangeTypes(), "applications": []any{},
		"enabled_plugins": []string{"rabbitmq_management"}, "os_pid": "",
	}
}

func getNodes(h *handler, rq *request) error {
	return rq.reply([]obj{pruneColumns(rq.r.URL.Query(), h.nodeJSON())})
}

func getNode(h *handler, rq *request) error {
	if rq.arg(0) != h.opts.Node {
		return errNotFound()
	}
	return rq.reply(pruneColumns(rq.r.URL.Query(), h.nodeJSON()))
}
