package broker

import (
	"cmp"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// ObjectKey identifies an exchange, a queue, a connection or a channel:
// its vhost and its name.
type ObjectKey struct {
	Vhost string
	Name  string
}

// Compare orders keys by vhost, then name.
func (k ObjectKey) Compare(o ObjectKey) int {
	return cmp.Or(strings.Compare(k.Vhost, o.Vhost), strings.Compare(k.Name, o.Name))
}

// BindingKey identifies a binding: its ends and its properties key, which
// RabbitMQ derives from the routing key and the arguments.
type BindingKey struct {
	Vhost           string
	Source          string
	DestinationType string
	Destination     string
	Properties      string
}

// Compare orders binding keys by vhost, source, destination and
// properties.
func (k BindingKey) Compare(o BindingKey) int {
	return cmp.Or(
		strings.Compare(k.Vhost, o.Vhost), strings.Compare(k.Source, o.Source),
		strings.Compare(k.DestinationType, o.DestinationType), strings.Compare(k.Destination, o.Destination),
		strings.Compare(k.Properties, o.Properties),
	)
}

// ConsumerKey identifies a consumer: its queue, its channel and its tag.
type ConsumerKey struct {
	Vhost   string
	Queue   string
	Channel string
	Tag     string
}

// Compare orders consumer keys by vhost, queue, channel and tag.
func (k ConsumerKey) Compare(o ConsumerKey) int {
	return cmp.Or(
		strings.Compare(k.Vhost, o.Vhost), strings.Compare(k.Queue, o.Queue),
		strings.Compare(k.Channel, o.Channel), strings.Compare(k.Tag, o.Tag),
	)
}

// PolicyKey identifies a policy: its vhost, whether it is an operator
// policy, and its name.
type PolicyKey struct {
	Vhost    string
	Operator bool
	Name     string
}

// Compare orders policy keys by vhost, then policies before operator
// policies, then name.
func (k PolicyKey) Compare(o PolicyKey) int {
	b := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	return cmp.Or(strings.Compare(k.Vhost, o.Vhost), b(k.Operator)-b(o.Operator), strings.Compare(k.Name, o.Name))
}

// Key identifies the exchange.
func (x Exchange) Key() ObjectKey { return ObjectKey{x.Vhost, x.Name} }

// Key identifies the queue.
func (q Queue) Key() ObjectKey { return ObjectKey{q.Vhost, q.Name} }

// Key identifies the connection.
func (c Connection) Key() ObjectKey { return ObjectKey{c.Vhost, c.Name} }

// Key identifies the channel.
func (ch Channel) Key() ObjectKey { return ObjectKey{ch.Vhost, ch.Name} }

// Key identifies the consumer.
func (c Consumer) Key() ConsumerKey { return ConsumerKey{c.Vhost, c.Queue, c.Channel, c.Tag} }

// Key identifies the policy.
func (p Policy) Key() PolicyKey { return PolicyKey{p.Vhost, p.Operator, p.Name} }

// Key identifies the binding. A server that sends no properties_key gets
// one made of the routing key and the arguments, which is what
// RabbitMQ's is made of.
func (b Binding) Key() BindingKey {
	props := b.PropertiesKey
	if props == "" {
		props = b.RoutingKey
		if len(b.Arguments) > 0 {
			js, _ := b.Arguments.MarshalJSON()
			props += "\x00" + string(js)
		}
	}
	return BindingKey{b.Vhost, b.Source, b.DestinationType, b.Destination, props}
}

// The equalities the diff uses: everything a view could show.

func (x Exchange) equal(o Exchange) bool {
	return x.Vhost == o.Vhost && x.Name == o.Name && x.Type == o.Type && x.Durable == o.Durable &&
		x.AutoDelete == o.AutoDelete && x.Internal == o.Internal && x.Policy == o.Policy &&
		x.Stats == o.Stats && tablesEqual(x.Arguments, o.Arguments)
}

func (q Queue) equal(o Queue) bool {
	return q.Vhost == o.Vhost && q.Name == o.Name && q.Type == o.Type && q.State == o.State &&
		q.Node == o.Node && q.Durable == o.Durable && q.AutoDelete == o.AutoDelete &&
		q.Exclusive == o.Exclusive && q.Policy == o.Policy && q.OperatorPolicy == o.OperatorPolicy &&
		q.Consumers == o.Consumers && q.Messages == o.Messages && q.Ready == o.Ready &&
		q.Unacked == o.Unacked && q.ConsumerCapacity == o.ConsumerCapacity &&
		q.HasCapacity == o.HasCapacity && q.Stats == o.Stats && tablesEqual(q.Arguments, o.Arguments)
}

func (b Binding) equal(o Binding) bool {
	return b.Key() == o.Key() && b.RoutingKey == o.RoutingKey && b.Implicit == o.Implicit &&
		tablesEqual(b.Arguments, o.Arguments)
}

func (c Connection) equal(o Connection) bool { return c == o }

func (ch Channel) equal(o Channel) bool { return ch == o }

func (c Consumer) equal(o Consumer) bool {
	return c.core() == o.core() && tablesEqual(c.Arguments, o.Arguments)
}

// consumerCore is a consumer without its arguments, so that == applies.
type consumerCore struct {
	Vhost, Queue, Tag, Channel, Connection, PeerHost string
	PeerPort                                         int
	User                                             string
	AckRequired, Exclusive, Active                   bool
	ActivityStatus                                   string
	Prefetch                                         int
}

func (c Consumer) core() consumerCore {
	return consumerCore{
		c.Vhost, c.Queue, c.Tag, c.Channel, c.Connection, c.PeerHost, c.PeerPort, c.User,
		c.AckRequired, c.Exclusive, c.Active, c.ActivityStatus, c.Prefetch,
	}
}

func (p Policy) equal(o Policy) bool {
	return p.Vhost == o.Vhost && p.Name == o.Name && p.Pattern == o.Pattern && p.ApplyTo == o.ApplyTo &&
		p.Priority == o.Priority && p.Operator == o.Operator && tablesEqual(p.Definition, o.Definition)
}

func (v VhostInfo) equal(o VhostInfo) bool {
	return v.Name == o.Name && v.Description == o.Description && v.Tracing == o.Tracing &&
		v.DefaultQueueType == o.DefaultQueueType && v.Messages == o.Messages && v.Ready == o.Ready &&
		v.Unacked == o.Unacked && v.Stats == o.Stats && strings.Join(v.Tags, ",") == strings.Join(o.Tags, ",")
}

// tablesEqual compares tables value by value; nil equals empty.
func tablesEqual(a, b model.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}
