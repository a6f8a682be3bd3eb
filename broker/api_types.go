package broker

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// The objects the management API lists, as kaiten reads them. Decoding is
// tolerant: a missing field is zero, a field of an unexpected type is left
// zero, message_stats may be [], and the fields that changed names across
// RabbitMQ versions are read under either name.

// Overview is GET /api/overview: the broker as a whole.
type Overview struct {
	RabbitMQVersion   string       `json:"rabbitmq_version"`
	ManagementVersion string       `json:"management_version"`
	ProductName       string       `json:"product_name"`
	ProductVersion    string       `json:"product_version"`
	ErlangVersion     string       `json:"erlang_version"`
	ClusterName       string       `json:"cluster_name"`
	Node              string       `json:"node"`
	RatesMode         string       `json:"rates_mode"`
	DisableStats      bool         `json:"disable_stats"`
	EnableQueueTotals bool         `json:"enable_queue_totals"`
	ExchangeTypes     []string     `json:"exchange_types"` // their names
	ObjectTotals      ObjectTotals `json:"object_totals"`
	QueueTotals       QueueTotals  `json:"queue_totals"`
	Stats             Counters     `json:"message_stats"` // with StatMessages from queue_totals
	Listeners         []Listener   `json:"listeners"`
}

// ObjectTotals counts the broker's objects.
type ObjectTotals struct {
	Connections int `json:"connections"`
	Channels    int `json:"channels"`
	Exchanges   int `json:"exchanges"`
	Queues      int `json:"queues"`
	Consumers   int `json:"consumers"`
}

// QueueTotals sums the depths of all queues.
type QueueTotals struct {
	Messages int64 `json:"messages"`
	Ready    int64 `json:"messages_ready"`
	Unacked  int64 `json:"messages_unacknowledged"`
}

// Listener is a port a node listens on.
type Listener struct {
	Node      string `json:"node"`
	Protocol  string `json:"protocol"` // amqp, amqp/ssl, http, clustering, ...
	IPAddress string `json:"ip_address"`
	Port      int    `json:"port"`
}

// Version returns the broker's version: rabbitmq_version, else the product
// or management version.
func (o *Overview) Version() string {
	return cmp.Or(o.RabbitMQVersion, o.ProductVersion, o.ManagementVersion)
}

// UnmarshalJSON reads the overview tolerantly.
func (o *Overview) UnmarshalJSON(b []byte) error {
	type plain Overview
	w := struct {
		*plain
		Types []struct {
			Name string `json:"name"`
		} `json:"exchange_types"`
	}{plain: (*plain)(o)}
	err := decodeTolerant(b, &w)
	for _, t := range w.Types {
		o.ExchangeTypes = append(o.ExchangeTypes, t.Name)
	}
	o.Stats.Set(StatMessages, uint64(max(o.QueueTotals.Messages, 0)))
	return err
}

// VhostInfo is an item of GET /api/vhosts.
type VhostInfo struct {
	Name             string   `json:"name"`
	Description      string   `json:"description"`
	Tags             []string `json:"tags"`
	Tracing          bool     `json:"tracing"`
	DefaultQueueType string   `json:"default_queue_type"`
	Messages         int64    `json:"messages"`
	Ready            int64    `json:"messages_ready"`
	Unacked          int64    `json:"messages_unacknowledged"`
	Stats            Counters `json:"message_stats"` // with recv_oct, send_oct and messages
}

// UnmarshalJSON reads a vhost tolerantly; tags come as a list, or as a
// comma-separated string from older versions.
func (v *VhostInfo) UnmarshalJSON(b []byte) error {
	type plain VhostInfo
	w := struct {
		*plain
		Tags    json.RawMessage `json:"tags"`
		RecvOct json.RawMessage `json:"recv_oct"`
		SendOct json.RawMessage `json:"send_oct"`
		HasMsgs *int64          `json:"messages"`
	}{plain: (*plain)(v)}
	err := decodeTolerant(b, &w)
	v.Tags = stringList(w.Tags)
	setOpt(&v.Stats, StatRecvOct, w.RecvOct)
	setOpt(&v.Stats, StatSendOct, w.SendOct)
	if w.HasMsgs != nil {
		v.Messages = *w.HasMsgs
		v.Stats.Set(StatMessages, uint64(max(*w.HasMsgs, 0)))
	}
	return err
}

// Exchange is an item of GET /api/exchanges.
type Exchange struct {
	Vhost      string      `json:"vhost"`
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	Durable    bool        `json:"durable"`
	AutoDelete bool        `json:"auto_delete"`
	Internal   bool        `json:"internal"`
	Arguments  model.Table `json:"arguments"`
	Policy     string      `json:"policy"`
	Stats      Counters    `json:"message_stats"` // publish_in, publish_out
}

// UnmarshalJSON reads an exchange tolerantly.
func (x *Exchange) UnmarshalJSON(b []byte) error {
	type plain Exchange
	w := struct {
		*plain
		Arguments json.RawMessage `json:"arguments"`
	}{plain: (*plain)(x)}
	err := decodeTolerant(b, &w)
	x.Arguments = parseArguments(w.Arguments)
	return err
}

// Queue is an item of GET /api/queues.
type Queue struct {
	Vhost          string      `json:"vhost"`
	Name           string      `json:"name"`
	Type           string      `json:"type"`  // classic, quorum, stream
	State          string      `json:"state"` // running, idle, flow, down, ...
	Node           string      `json:"node"`
	Durable        bool        `json:"durable"`
	AutoDelete     bool        `json:"auto_delete"`
	Exclusive      bool        `json:"exclusive"`
	Arguments      model.Table `json:"arguments"`
	Policy         string      `json:"policy"`
	OperatorPolicy string      `json:"operator_policy"`
	Consumers      int         `json:"consumers"`
	Messages       int64       `json:"messages"`
	Ready          int64       `json:"messages_ready"`
	Unacked        int64       `json:"messages_unacknowledged"`
	// ConsumerCapacity is consumer_capacity (consumer_utilisation before
	// RabbitMQ 3.12 named it so), 0..1; HasCapacity says it was reported.
	ConsumerCapacity float64  `json:"consumer_capacity"`
	HasCapacity      bool     `json:"-"`
	Stats            Counters `json:"message_stats"` // with StatMessages, the depth
}

// UnmarshalJSON reads a queue tolerantly.
func (q *Queue) UnmarshalJSON(b []byte) error {
	type plain Queue
	w := struct {
		*plain
		Arguments   json.RawMessage `json:"arguments"`
		Capacity    json.RawMessage `json:"consumer_capacity"`
		Utilisation json.RawMessage `json:"consumer_utilisation"`
		Messages    *int64          `json:"messages"`
	}{plain: (*plain)(q)}
	err := decodeTolerant(b, &w)
	q.Arguments = parseArguments(w.Arguments)
	if q.Type == "" {
		t, _ := q.Arguments.StringValue("x-queue-type")
		q.Type = cmp.Or(t, "classic")
	}
	for _, raw := range []json.RawMessage{w.Capacity, w.Utilisation} {
		var f float64
		if string(bytes.TrimSpace(raw)) != "null" && json.Unmarshal(raw, &f) == nil {
			q.ConsumerCapacity, q.HasCapacity = f, true
			break
		}
	}
	if w.Messages != nil {
		q.Messages = *w.Messages
		q.Stats.Set(StatMessages, uint64(max(*w.Messages, 0)))
	}
	return err
}

// Binding is an item of GET /api/bindings: an edge from an exchange to a
// queue or an exchange.
type Binding struct {
	Vhost           string      `json:"vhost"`
	Source          string      `json:"source"`
	Destination     string      `json:"destination"`
	DestinationType string      `json:"destination_type"` // "queue" or "exchange"
	RoutingKey      string      `json:"routing_key"`
	Arguments       model.Table `json:"arguments"`
	PropertiesKey   string      `json:"properties_key"`
	// Implicit marks the default exchange's binding to every queue, which
	// RabbitMQ lists but nobody declared and nobody can delete.
	Implicit bool `json:"implicit"`
}

// UnmarshalJSON reads a binding tolerantly.
func (bd *Binding) UnmarshalJSON(b []byte) error {
	type plain Binding
	w := struct {
		*plain
		Arguments json.RawMessage `json:"arguments"`
	}{plain: (*plain)(bd)}
	err := decodeTolerant(b, &w)
	bd.Arguments = parseArguments(w.Arguments)
	bd.Implicit = bd.Source == model.DefaultExchange
	return err
}

// Connection is an item of GET /api/connections.
type Connection struct {
	Name        string `json:"name"`
	Vhost       string `json:"vhost"`
	User        string `json:"user"`
	Node        string `json:"node"`
	Protocol    string `json:"protocol"`
	State       string `json:"state"`
	PeerHost    string `json:"peer_host"`
	PeerPort    int    `json:"peer_port"`
	Channels    int    `json:"channels"`
	TLS         bool   `json:"ssl"`
	ConnectedAt int64  `json:"connected_at"` // milliseconds since the epoch
	// ClientName, Product, ClientVersion and Platform come from the
	// client's properties (connection_name, product, version, platform).
	ClientName    string   `json:"client_name"`
	Product       string   `json:"product"`
	ClientVersion string   `json:"client_version"`
	Platform      string   `json:"platform"`
	Stats         Counters `json:"stats"` // recv_oct, send_oct
}

// UnmarshalJSON reads a connection tolerantly.
func (c *Connection) UnmarshalJSON(b []byte) error {
	type plain Connection
	w := struct {
		*plain
		Props   map[string]json.RawMessage `json:"client_properties"`
		RecvOct json.RawMessage            `json:"recv_oct"`
		SendOct json.RawMessage            `json:"send_oct"`
	}{plain: (*plain)(c)}
	err := decodeTolerant(b, &w)
	c.ClientName = propString(w.Props, "connection_name")
	c.Product = propString(w.Props, "product")
	c.ClientVersion = propString(w.Props, "version")
	c.Platform = propString(w.Props, "platform")
	setOpt(&c.Stats, StatRecvOct, w.RecvOct)
	setOpt(&c.Stats, StatSendOct, w.SendOct)
	return err
}

// Channel is an item of GET /api/channels.
type Channel struct {
	Name           string   `json:"name"`
	Vhost          string   `json:"vhost"`
	User           string   `json:"user"`
	Node           string   `json:"node"`
	State          string   `json:"state"`
	Number         int      `json:"number"`
	Connection     string   `json:"connection"` // connection_details.name
	PeerHost       string   `json:"peer_host"`
	PeerPort       int      `json:"peer_port"`
	Consumers      int      `json:"consumer_count"`
	Unacked        int64    `json:"messages_unacknowledged"`
	Unconfirmed    int64    `json:"messages_unconfirmed"`
	Prefetch       int      `json:"prefetch_count"`
	GlobalPrefetch int      `json:"global_prefetch_count"`
	Confirm        bool     `json:"confirm"`
	Transactional  bool     `json:"transactional"`
	Stats          Counters `json:"message_stats"`
}

// UnmarshalJSON reads a channel tolerantly.
func (ch *Channel) UnmarshalJSON(b []byte) error {
	type plain Channel
	w := struct {
		*plain
		Details struct {
			Name     string `json:"name"`
			PeerHost string `json:"peer_host"`
			PeerPort int    `json:"peer_port"`
		} `json:"connection_details"`
	}{plain: (*plain)(ch)}
	err := decodeTolerant(b, &w)
	ch.Connection, ch.PeerHost, ch.PeerPort = w.Details.Name, w.Details.PeerHost, w.Details.PeerPort
	return err
}

// Consumer is an item of GET /api/consumers.
type Consumer struct {
	Vhost          string      `json:"vhost"` // queue.vhost
	Queue          string      `json:"queue"` // queue.name
	Tag            string      `json:"consumer_tag"`
	Channel        string      `json:"channel"`    // channel_details.name
	Connection     string      `json:"connection"` // channel_details.connection_name
	PeerHost       string      `json:"peer_host"`
	PeerPort       int         `json:"peer_port"`
	User           string      `json:"user"`
	AckRequired    bool        `json:"ack_required"`
	Exclusive      bool        `json:"exclusive"`
	Active         bool        `json:"active"`
	ActivityStatus string      `json:"activity_status"` // up, single_active, waiting, ...
	Prefetch       int         `json:"prefetch_count"`
	Arguments      model.Table `json:"arguments"`
}

// UnmarshalJSON reads a consumer tolerantly.
func (c *Consumer) UnmarshalJSON(b []byte) error {
	type plain Consumer
	w := struct {
		*plain
		Q struct {
			Name  string `json:"name"`
			Vhost string `json:"vhost"`
		} `json:"queue"`
		Ch struct {
			Name           string `json:"name"`
			ConnectionName string `json:"connection_name"`
			PeerHost       string `json:"peer_host"`
			PeerPort       int    `json:"peer_port"`
			User           string `json:"user"`
		} `json:"channel_details"`
		Arguments json.RawMessage `json:"arguments"`
	}{plain: (*plain)(c)}
	err := decodeTolerant(b, &w)
	c.Vhost, c.Queue = w.Q.Vhost, w.Q.Name
	c.Channel, c.Connection, c.PeerHost, c.PeerPort, c.User = w.Ch.Name, w.Ch.ConnectionName, w.Ch.PeerHost, w.Ch.PeerPort, w.Ch.User
	c.Arguments = parseArguments(w.Arguments)
	return err
}

// Policy is an item of GET /api/policies or /api/operator-policies.
type Policy struct {
	Vhost      string      `json:"vhost"`
	Name       string      `json:"name"`
	Pattern    string      `json:"pattern"`
	ApplyTo    string      `json:"apply-to"`
	Priority   int         `json:"priority"`
	Definition model.Table `json:"definition"`
	Operator   bool        `json:"operator"`
}

// UnmarshalJSON reads a policy tolerantly.
func (p *Policy) UnmarshalJSON(b []byte) error {
	type plain Policy
	w := struct {
		*plain
		Definition json.RawMessage `json:"definition"`
	}{plain: (*plain)(p)}
	err := decodeTolerant(b, &w)
	p.Definition = parseArguments(w.Definition)
	p.ApplyTo = cmp.Or(p.ApplyTo, "all")
	return err
}

// decodeTolerant unmarshals, leaving a field of an unexpected type zero
// rather than failing the whole object.
func decodeTolerant(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return nil
	}
	return err
}

// parseArguments reads an arguments table; RabbitMQ writes an empty one
// as [] in places, and a table kaiten cannot read is left out.
func parseArguments(raw json.RawMessage) model.Table {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	t, err := model.ParseTableJSON(raw)
	if err != nil {
		return nil
	}
	return t
}

func propString(props map[string]json.RawMessage, key string) string {
	var s string
	if json.Unmarshal(props[key], &s) != nil {
		return ""
	}
	return s
}

// stringList reads a JSON list of strings, or a comma-separated string.
func stringList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return nil
	}
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			list = append(list, t)
		}
	}
	return list
}

// setOpt records a counter that is a top-level key, when present.
func setOpt(c *Counters, s Stat, raw json.RawMessage) {
	if n, ok := counterValue(raw); ok && raw != nil {
		c.Set(s, n)
	}
}
