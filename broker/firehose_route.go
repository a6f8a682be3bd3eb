package broker

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// FirehoseInfo is what the firehose says about a message, beside kaiten's
// own route of the same message on the live topology.
type FirehoseInfo struct {
	// RoutingKeys are the routing key, then the CC and BCC keys.
	RoutingKeys []string
	// RoutedQueues are the queues the broker's routing returned, before
	// it checked that they exist: for the default exchange it can name a
	// queue that is not there.
	RoutedQueues []string
	Node         string
	Connection   string
	Channel      int
	User         string

	// Compared says kaiten routed the message too; Predicted are the
	// queues kaiten's route reaches. NotCompared says why not.
	Compared    bool
	Predicted   []string
	NotCompared string
	// Missing are queues the broker routed to (that exist) which kaiten's
	// route does not reach; Extra are queues kaiten's route reaches which
	// the broker did not route to. A difference points at a topology that
	// changed, a policy, or an exchange type kaiten does not model.
	Missing []string
	Extra   []string
}

// Differs reports whether kaiten's route and the broker's disagree.
func (f *FirehoseInfo) Differs() bool {
	return f != nil && f.Compared && (len(f.Missing) > 0 || len(f.Extra) > 0)
}

// traceMessage converts a publish.* message of the trace exchange: the
// original message, with what the firehose adds.
func traceMessage(d *amqp.Delivery) (Message, bool) {
	h := d.Headers
	x, ok := h["exchange_name"].(string)
	if !ok {
		return Message{}, false
	}
	fi := &FirehoseInfo{
		RoutingKeys:  stringsOf(h["routing_keys"]),
		RoutedQueues: stringsOf(h["routed_queues"]),
	}
	fi.Node, _ = h["node"].(string)
	fi.Connection, _ = h["connection"].(string)
	fi.User, _ = h["user"].(string)
	if n, ok := intValue(valueFromAMQP(h["channel"])); ok {
		fi.Channel = int(n)
	}
	m := Message{Exchange: x, Body: d.Body, Source: TraceExchange, Received: time.Now(), Firehose: fi}
	if len(fi.RoutingKeys) > 0 {
		m.RoutingKey = fi.RoutingKeys[0]
	}
	if props, ok := h["properties"].(amqp.Table); ok {
		m.Properties = propertiesFromTrace(TableFromAMQP(props))
	}
	return m, true
}

// intValue returns an integer or timestamp value; ok is false for any
// other type.
func intValue(v model.Value) (int64, bool) {
	switch v.Type {
	case model.TypeByte, model.TypeUnsignedByte, model.TypeShort, model.TypeUnsignedShort,
		model.TypeSignedInt, model.TypeUnsignedInt, model.TypeLong, model.TypeTimestamp:
		return v.Int, true
	}
	return 0, false
}

func stringsOf(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case []byte:
			out = append(out, string(e))
		}
	}
	return out
}

// propertiesFromTrace reads the properties header of a trace message,
// keyed by the basic properties' field names; unset ones are absent.
func propertiesFromTrace(t model.Table) model.Properties {
	var p model.Properties
	str := func(key string, dst *string, flag model.PropertySet) {
		if v, ok := t[key]; ok {
			*dst, p.Has = v.Str, p.Has|flag
		}
	}
	str("content_type", &p.ContentType, model.HasContentType)
	str("content_encoding", &p.ContentEncoding, model.HasContentEncoding)
	str("correlation_id", &p.CorrelationID, model.HasCorrelationID)
	str("reply_to", &p.ReplyTo, model.HasReplyTo)
	str("expiration", &p.Expiration, model.HasExpiration)
	str("message_id", &p.MessageID, model.HasMessageID)
	str("type", &p.Type, model.HasType)
	str("user_id", &p.UserID, model.HasUserID)
	str("app_id", &p.AppID, model.HasAppID)
	str("cluster_id", &p.ClusterID, model.HasClusterID)
	if v, ok := t["headers"]; ok && v.Type == model.TypeTable {
		p.Headers, p.Has = v.Table, p.Has|model.HasHeaders
	}
	num := func(key string) (int64, bool) { return intValue(t[key]) }
	if n, ok := num("delivery_mode"); ok {
		p.DeliveryMode, p.Has = uint8(n), p.Has|model.HasDeliveryMode
	}
	if n, ok := num("priority"); ok {
		p.Priority, p.Has = uint8(n), p.Has|model.HasPriority
	}
	if n, ok := num("timestamp"); ok {
		p.Timestamp, p.Has = n, p.Has|model.HasTimestamp
	}
	return p
}

// routeChecker routes firehose messages with model.Router on a snapshot
// of the vhost's topology, refreshed every so often and again when a
// difference may come from a topology newer than the snapshot.
type routeChecker struct {
	s     *Session
	vhost string
	every time.Duration

	mu      sync.Mutex
	router  *model.Router
	queues  map[string]bool
	taken   time.Time // when the snapshot was asked for
	lastTry time.Time
}

// minRefresh spaces the refreshes a difference asks for.
const minRefresh = time.Second

// refresh takes a new snapshot of the topology.
func (c *routeChecker) refresh(ctx context.Context) error {
	started := time.Now()
	c.mu.Lock()
	c.lastTry = started
	c.mu.Unlock()
	snap, err := c.s.Snapshot(ctx, SnapshotOptions{Vhost: c.vhost, Kinds: TopologyKinds})
	if err != nil {
		return err
	}
	r, err := snap.Router(c.vhost)
	if err != nil {
		return err
	}
	qs := make(map[string]bool, len(snap.Queues))
	for _, q := range snap.Queues {
		qs[q.Name] = true
	}
	c.mu.Lock()
	c.router, c.queues, c.taken = r, qs, started
	c.mu.Unlock()
	return nil
}

func (c *routeChecker) view() (*model.Router, map[string]bool, time.Time, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.router, c.queues, c.taken, c.lastTry
}

// compare fills the comparison of a firehose message. A difference, or
// a routed queue the snapshot does not know, seen on a snapshot older
// than the message is checked again on a new one: the topology may have
// changed in between. Refreshes are at least minRefresh apart, so a
// stream of such messages slows the firehose down rather than the
// management API.
func (c *routeChecker) compare(ctx context.Context, m *Message) {
	_, _, taken, last := c.view()
	if time.Since(taken) > c.every && time.Since(last) > minRefresh {
		_ = c.refresh(ctx)
	}
	r, qs, taken, last := c.view()
	unknown := c.fill(r, qs, m)
	if (!m.Firehose.Differs() && !unknown) || !taken.Before(m.Received) {
		return
	}
	if wait := minRefresh - time.Since(last); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if c.refresh(ctx) == nil {
		r, qs, _, _ = c.view()
		c.fill(r, qs, m)
	}
}

// fill routes the message and compares; it reports whether the broker
// routed to a queue the snapshot does not have (gone, or too new).
func (c *routeChecker) fill(r *model.Router, qs map[string]bool, m *Message) (unknown bool) {
	fi := m.Firehose
	headers := m.Properties.Headers
	if _, ok := headers["BCC"]; ok { // RabbitMQ routes without it
		headers = maps.Clone(headers)
		delete(headers, "BCC")
	}
	keys := fi.RoutingKeys
	if len(keys) == 0 {
		keys = []string{m.RoutingKey}
	}
	fi.Predicted = r.RouteFrom(m.Exchange, keys, headers)
	fi.Compared = true
	var actual []string
	for _, q := range fi.RoutedQueues {
		if qs[q] {
			actual = append(actual, q)
		} else {
			unknown = true
		}
	}
	slices.Sort(actual)
	actual = slices.Compact(actual)
	fi.Missing, fi.Extra = setDiff(actual, fi.Predicted), setDiff(fi.Predicted, actual)
	return unknown
}

// setDiff returns the elements of sorted a that are not in sorted b.
func setDiff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			out = append(out, s)
		}
	}
	return out
}

// Trace explains kaiten's route of a firehose message on the topology
// the tap routes with.
func (t *Tap) Trace(m Message, opts model.TraceOptions) (model.Trace, error) {
	if t.fh == nil || t.fh.checker == nil {
		return model.Trace{}, errNoFirehose
	}
	r, _, _, _ := t.fh.checker.view()
	return r.Trace(model.Message{Exchange: m.Exchange, RoutingKey: m.RoutingKey, Headers: m.Properties.Headers}, opts), nil
}

// TracingEnabled reports whether this firehose tap shares tracing that
// kaiten turned on (and so turns it off at the end).
func (t *Tap) TracingEnabled() bool { return t.fh != nil && t.fh.enabled }
