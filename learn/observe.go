package learn

import (
	"slices"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// Event is something the student did that the route animation shows: a
// message published and where it went.
type Event struct {
	At         time.Time
	Exchange   string
	RoutingKey string
	Headers    model.Table
	Trace      *model.Trace // the route as model's router explains it
	Queues     []string     // where the broker actually put it (firehose routed_queues)

	// ReplyTo, CorrelationID and Expiration are the message's properties
	// the checks look at (calls, replies, TTL); Body is its body.
	ReplyTo       string
	CorrelationID string
	Expiration    string
	Body          []byte
}

// QueueState is what the management API says about one queue.
type QueueState struct {
	Messages  int64
	Consumers int
	// Delivered counts deliveries and gets, Acked acknowledgements,
	// Redelivered deliveries of messages delivered before, and Received
	// the messages that entered the queue.
	Delivered   int64
	Acked       int64
	Redelivered int64
	Received    int64
	Arguments   model.Table
	// Exclusive queues belong to one connection: taps, reply queues.
	Exclusive bool
}

// Observation is everything the checks see: the lesson vhost's topology
// and counters as of a snapshot, and every message published in it since
// the lesson started. Checks are pure functions of it.
type Observation struct {
	Topology model.Vhost
	Queues   map[string]QueueState
	// Confirmed, Returned and Dropped are the vhost's counters of
	// publisher confirms, mandatory messages returned unroutable and
	// messages dropped unroutable.
	Confirmed int64
	Returned  int64
	Dropped   int64
	Events    []Event
	// Initial is the lesson's own topology, to tell what the student
	// changed, and Baseline the consumers each queue had once the lesson
	// was set up (a lesson's own RPC server, say).
	Initial  model.Vhost
	Baseline map[string]int
}

// Observe builds an observation from a snapshot of the lesson vhost and
// the events seen so far.
func Observe(snap *broker.Snapshot, vhost string, initial model.Vhost, events []Event) Observation {
	o := Observation{Queues: map[string]QueueState{}, Events: events, Initial: initial}
	if snap == nil {
		return o
	}
	if v, err := snap.ModelVhost(vhost); err == nil {
		o.Topology = v
	}
	for _, q := range snap.Queues {
		if q.Vhost != "" && q.Vhost != vhost {
			continue
		}
		o.Queues[q.Name] = QueueState{
			Messages: q.Messages, Consumers: q.Consumers, Arguments: q.Arguments, Exclusive: q.Exclusive,
			Delivered:   int64(q.Stats.Value(broker.StatDeliverGet)),
			Acked:       int64(q.Stats.Value(broker.StatAck)),
			Redelivered: int64(q.Stats.Value(broker.StatRedeliver)),
			Received:    int64(q.Stats.Value(broker.StatPublish)),
		}
	}
	for _, v := range snap.Vhosts {
		if v.Name == vhost {
			o.Confirmed = int64(v.Stats.Value(broker.StatConfirm))
			o.Returned = int64(v.Stats.Value(broker.StatReturnUnroutable))
			o.Dropped = int64(v.Stats.Value(broker.StatDropUnroutable))
		}
	}
	return o
}

// Active reports whether the student has done anything yet: published,
// consumed, or changed the topology. Until then a task that is not done
// has no Why.
func (o *Observation) Active() bool {
	if len(o.Events) > 0 {
		return true
	}
	queues := 0
	for name, q := range o.Queues {
		if q.Exclusive {
			continue
		}
		queues++
		if q.Consumers > o.Baseline[name] || q.Delivered > 0 {
			return true
		}
	}
	bindings := 0
	for _, b := range o.Topology.Bindings {
		if q, ok := o.Queues[b.Destination]; (ok && q.Exclusive && b.DestinationType == model.DestQueue) || b.Source == "" {
			continue
		}
		bindings++
	}
	return bindings != len(o.Initial.Bindings) || queues != len(o.Initial.Queues)
}

// exchangeExists reports whether the topology has the exchange; the
// default exchange always exists.
func (o *Observation) exchangeExists(name string) bool {
	if name == "" {
		return true
	}
	_, ok := o.Topology.Exchange(name)
	return ok
}

// bindingsBetween returns the bindings from source to the destination.
func (o *Observation) bindingsBetween(source, dest string, kind model.DestinationKind) []model.Binding {
	var out []model.Binding
	for _, b := range o.Topology.Bindings {
		if b.Source == source && b.Destination == dest && b.DestinationType == kind {
			out = append(out, b)
		}
	}
	return out
}

// leadsTo returns the exchanges from which some chain of bindings leads
// to the queue.
func (o *Observation) leadsTo(queue string) map[string]bool {
	found := map[string]bool{}
	frontier := []string{queue}
	kind := model.DestQueue
	for len(frontier) > 0 {
		var next []string
		for _, b := range o.Topology.Bindings {
			if b.DestinationType == kind && slices.Contains(frontier, b.Destination) && !found[b.Source] {
				found[b.Source] = true
				next = append(next, b.Source)
			}
		}
		frontier, kind = next, model.DestExchange
	}
	return found
}
