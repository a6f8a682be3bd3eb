package model

import "sort"

// Exchange types RabbitMQ has in its core.
const (
	ExchangeDirect  = "direct"
	ExchangeFanout  = "fanout"
	ExchangeTopic   = "topic"
	ExchangeHeaders = "headers"
)

// DefaultExchange is the name of the default exchange: every queue is bound
// to it implicitly with its own name as the key.
const DefaultExchange = ""

// Exchange is an exchange of one vhost.
type Exchange struct {
	Name       string
	Type       string
	Durable    bool
	AutoDelete bool
	Internal   bool
	Arguments  Table
	// Builtin marks the exchanges every vhost has (the default exchange
	// and amq.*), which definitions exports leave out.
	Builtin bool
}

// Queue is a queue of one vhost.
type Queue struct {
	Name       string
	Type       string // classic, quorum, stream; "" is classic
	Durable    bool
	AutoDelete bool
	Exclusive  bool
	Arguments  Table
}

// DestinationKind says whether a binding feeds a queue or an exchange.
type DestinationKind uint8

// The two kinds of binding destination.
const (
	DestQueue DestinationKind = iota
	DestExchange
)

// String returns "queue" or "exchange", as the management API names them.
func (k DestinationKind) String() string {
	if k == DestExchange {
		return "exchange"
	}
	return "queue"
}

// Binding binds a source exchange to a queue or an exchange.
type Binding struct {
	Source          string
	Destination     string
	DestinationType DestinationKind
	RoutingKey      string
	Arguments       Table
}

// Policy is a vhost policy (or an operator policy when Operator is set).
type Policy struct {
	Name       string
	Pattern    string
	ApplyTo    string // all, exchanges, queues, classic_queues, quorum_queues, streams
	Priority   int
	Definition Table
	Operator   bool
}

// Vhost is one virtual host's whole topology.
type Vhost struct {
	Name      string
	Exchanges []Exchange
	Queues    []Queue
	Bindings  []Binding
	Policies  []Policy
}

// BuiltinExchanges returns the exchanges RabbitMQ declares in every vhost.
func BuiltinExchanges() []Exchange {
	b := func(name, typ string, internal bool) Exchange {
		return Exchange{Name: name, Type: typ, Durable: true, Internal: internal, Builtin: true}
	}
	return []Exchange{
		b(DefaultExchange, ExchangeDirect, false),
		b("amq.direct", ExchangeDirect, false),
		b("amq.fanout", ExchangeFanout, false),
		b("amq.headers", ExchangeHeaders, false),
		b("amq.match", ExchangeHeaders, false),
		b("amq.rabbitmq.trace", ExchangeTopic, true),
		b("amq.topic", ExchangeTopic, false),
	}
}

// WithBuiltins returns the vhost with every built-in exchange it lacks
// added, as a real broker has them.
func (v Vhost) WithBuiltins() Vhost {
	have := make(map[string]bool, len(v.Exchanges))
	for _, x := range v.Exchanges {
		have[x.Name] = true
	}
	out := v
	out.Exchanges = append([]Exchange(nil), v.Exchanges...)
	for _, x := range BuiltinExchanges() {
		if !have[x.Name] {
			out.Exchanges = append(out.Exchanges, x)
		}
	}
	sort.Slice(out.Exchanges, func(i, j int) bool { return out.Exchanges[i].Name < out.Exchanges[j].Name })
	return out
}

// Exchange returns the exchange with that name.
func (v *Vhost) Exchange(name string) (*Exchange, bool) {
	for i := range v.Exchanges {
		if v.Exchanges[i].Name == name {
			return &v.Exchanges[i], true
		}
	}
	return nil, false
}

// Queue returns the queue with that name.
func (v *Vhost) Queue(name string) (*Queue, bool) {
	for i := range v.Queues {
		if v.Queues[i].Name == name {
			return &v.Queues[i], true
		}
	}
	return nil, false
}
