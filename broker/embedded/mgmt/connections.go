package mgmt

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
)

var octetNames = []string{"recv_oct", "send_oct"}

// splitConnName reads "127.0.0.1:54474 -> 127.0.0.1:5672", RabbitMQ's
// connection name, into the peer's and the broker's host and port.
func splitConnName(name string) (peerHost string, peerPort int, host string, port int) {
	peer, local, _ := strings.Cut(name, " -> ")
	peerHost, peerPort = splitHostPort(peer)
	host, port = splitHostPort(local)
	return peerHost, peerPort, host, port
}

func splitHostPort(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	p, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s, 0
	}
	return strings.Trim(s[:i], "[]"), p
}

// channelName is RabbitMQ's channel name: "<connection> (<number>)".
func channelName(conn string, num uint16) string {
	return conn + " (" + strconv.Itoa(int(num)) + ")"
}

// octets reads a connection's byte counters, zero when the server layer
// does not count them.
func octets(info core.ConnInfo) (recv, sent int64) {
	if info.Octets == nil {
		return 0, 0
	}
	r, s := info.Octets()
	return int64(r), int64(s)
}

// connectionJSON is a connection as /api/connections lists it.
func (h *handler) connectionJSON(c core.ConnectionInfo, stats bool) obj {
	info := c.Info
	peerHost, peerPort, host, port := splitConnName(info.Name)
	props := table(info.ClientProperties)
	o := obj{
		"name": info.Name, "vhost": c.Vhost, "user": info.User, "user_who_performed_action": info.User,
		"node": h.opts.Node, "type": "network", "protocol": "AMQP 0-9-1", "state": "running",
		"peer_host": peerHost, "peer_port": peerPort, "host": host, "port": port,
		"channels": len(c.Channels), "client_properties": props, "connected_at": msTime(info.ConnectedAt),
		"auth_mechanism": info.AuthMechanism, "frame_max": info.FrameMax, "channel_max": info.ChannelMax,
		"timeout": info.Heartbeat, "ssl": false, "ssl_protocol": nil, "ssl_key_exchange": nil,
		"ssl_cipher": nil, "ssl_hash": nil, "peer_cert_subject": nil, "peer_cert_issuer": nil,
		"peer_cert_validity": nil,
	}
	if stats {
		recv, sent := octets(info)
		h.setStats(o, key("c", strconv.FormatUint(c.ID, 10)), octetNames, []int64{recv, sent}, true)
		o["recv_cnt"], o["send_cnt"], o["send_pend"] = 0, 0, 0
	}
	return o
}

// A channel's message_stats, as RabbitMQ names them, come in two groups:
// the publishing ones, shown once the channel published, and the
// delivering ones, shown once something was delivered to it or it did a
// basic.get. A channel that did neither has an empty message_stats.
var (
	channelPublishNames = []string{"confirm", "drop_unroutable", "publish", "return_unroutable"}
	channelDeliverNames = []string{
		"ack", "deliver", "deliver_get", "deliver_no_ack", "get", "get_empty", "get_no_ack", "redeliver",
	}
	channelStatNames = append(slices.Clone(channelPublishNames), channelDeliverNames...)
)

// channelStats is a channel's message_stats. Rates are sampled over all
// the counters, so a group appearing does not restart them.
func (h *handler) channelStats(c core.ConnectionInfo, ch core.ChannelInfo) obj {
	cv := ch.Counters
	vals := counterValues(cv.CounterValues, cv.GetEmpty, channelStatNames)
	rates := h.rates.rates(key("ch", strconv.FormatUint(c.ID, 10), strconv.FormatUint(uint64(ch.Number), 10)), vals, true)
	np := len(channelPublishNames)
	o := obj{}
	if cv.Publish+cv.Confirm+cv.ReturnUnroutable+cv.DropUnroutable > 0 {
		addStats(o, channelPublishNames, vals[:np], rates[:np])
	}
	if cv.DeliverGet+cv.GetEmpty+cv.Ack+cv.Redeliver > 0 {
		addStats(o, channelDeliverNames, vals[np:], rates[np:])
	}
	return o
}

// channelJSON is a channel as /api/channels lists it, with its
// message_stats (and their rates) unless stats are off.
func (h *handler) channelJSON(c core.ConnectionInfo, ch core.ChannelInfo, stats bool) obj {
	peerHost, peerPort, _, _ := splitConnName(c.Info.Name)
	o := obj{
		"name": channelName(c.Info.Name, ch.Number), "number": ch.Number, "vhost": c.Vhost,
		"user": c.Info.User, "user_who_performed_action": c.Info.User, "node": h.opts.Node,
		"state": "running", "connection_details": obj{"name": c.Info.Name, "peer_host": peerHost, "peer_port": peerPort},
		"consumer_count": ch.Consumers, "messages_unacknowledged": ch.Unacked, "messages_unconfirmed": 0,
		"messages_uncommitted": 0, "acks_uncommitted": 0, "pending_raft_commands": 0,
		"prefetch_count": ch.PrefetchCount, "global_prefetch_count": ch.GlobalPrefetchCount,
		"confirm": ch.Confirm, "transactional": ch.Transactional,
	}
	if stats {
		o["message_stats"] = h.channelStats(c, ch)
	}
	return o
}

// connections lists the open connections, of one vhost when vhost != "".
func (h *handler) connections(vhost string) []core.ConnectionInfo {
	all := h.b.Connections()
	if vhost == "" {
		return all
	}
	var out []core.ConnectionInfo
	for _, c := range all {
		if c.Vhost == vhost {
			out = append(out, c)
		}
	}
	return out
}

func (h *handler) connectionNamed(name string) (core.ConnectionInfo, bool) {
	for _, c := range h.b.Connections() {
		if c.Info.Name == name {
			return c, true
		}
	}
	return core.ConnectionInfo{}, false
}

func listConnections(h *handler, rq *request, vhost string) error {
	lq, err := parseList(rq.r.URL.Query(), true, "vhost", "name")
	if err != nil {
		return err
	}
	items := []obj{}
	for _, c := range h.connections(vhost) {
		items = append(items, h.connectionJSON(c, lq.stats()))
	}
	return lq.reply(rq, items)
}

func listChannels(h *handler, rq *request, conns []core.ConnectionInfo, paginated bool) error {
	lq, err := parseList(rq.r.URL.Query(), paginated, "vhost", "name")
	if err != nil {
		return err
	}
	items := []obj{}
	for _, c := range conns {
		for _, ch := range c.Channels {
			items = append(items, h.channelJSON(c, ch, lq.stats()))
		}
	}
	return lq.reply(rq, items)
}

func getConnections(h *handler, rq *request) error { return listConnections(h, rq, "") }

func getVhostConnections(h *handler, rq *request) error {
	if _, err := h.vhost(rq.arg(0)); err != nil {
		return err
	}
	return listConnections(h, rq, rq.arg(0))
}

func getChannels(h *handler, rq *request) error {
	return listChannels(h, rq, h.connections(""), true)
}

func getVhostChannels(h *handler, rq *request) error {
	if _, err := h.vhost(rq.arg(0)); err != nil {
		return err
	}
	return listChannels(h, rq, h.connections(rq.arg(0)), true)
}

func getConnection(h *handler, rq *request) error {
	c, ok := h.connectionNamed(rq.arg(0))
	if !ok {
		return errNotFound()
	}
	q := rq.r.URL.Query()
	return rq.reply(pruneColumns(q, h.connectionJSON(c, q.Get("disable_stats") != "true")))
}

func getConnectionChannels(h *handler, rq *request) error {
	c, ok := h.connectionNamed(rq.arg(0))
	if !ok {
		return errNotFound()
	}
	return listChannels(h, rq, []core.ConnectionInfo{c}, false)
}

// deleteConnection closes a connection through the server layer, with
// the reason of the X-Reason header as RabbitMQ takes it.
func deleteConnection(h *handler, rq *request) error {
	c, ok := h.connectionNamed(rq.arg(0))
	if !ok {
		return errNotFound()
	}
	if h.opts.CloseConnection == nil {
		return errMethodNotAllowed("this server cannot close connections")
	}
	reason := rq.r.Header.Get("X-Reason")
	if reason == "" {
		reason = "Closed via management plugin"
	}
	if !h.opts.CloseConnection(c.ID, reason) {
		return errNotFound()
	}
	return rq.done(false)
}

func getChannel(h *handler, rq *request) error {
	name := rq.arg(0)
	open := strings.LastIndex(name, " (")
	if open < 0 || !strings.HasSuffix(name, ")") {
		return errNotFound()
	}
	num, err := strconv.ParseUint(name[open+2:len(name)-1], 10, 16)
	if err != nil {
		return errNotFound()
	}
	c, ok := h.connectionNamed(name[:open])
	if !ok {
		return errNotFound()
	}
	for _, ch := range c.Channels {
		if uint64(ch.Number) != num {
			continue
		}
		o := h.channelJSON(c, ch, rq.r.URL.Query().Get("disable_stats") != "true")
		details := []obj{}
		if v, ok := h.b.Vhost(c.Vhost); ok {
			for _, cons := range v.Snapshot().Consumers {
				if cons.ConnID == c.ID && cons.Channel == ch.Number {
					details = append(details, h.consumerJSON(c.Vhost, cons))
				}
			}
		}
		o["consumer_details"], o["deliveries"], o["publishes"] = details, []obj{}, []obj{}
		return rq.reply(pruneColumns(rq.r.URL.Query(), o))
	}
	return errNotFound()
}
