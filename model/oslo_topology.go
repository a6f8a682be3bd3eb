package model

import (
	"sort"
	"strings"
)

// OsloTopology is what a vhost's names and bindings say about the
// oslo.messaging bus on it. It is read from names alone (see
// DiscoverOslo), so it is a good guess rather than a certainty.
type OsloTopology struct {
	// ControlExchanges are the topic exchanges with oslo-shaped bindings
	// (openstack, nova, …), sorted.
	ControlExchanges []string
	Targets          []OsloRPCTarget         // RPC topics, sorted
	Fanouts          []OsloFanoutGroup       // sorted by topic
	ReplyQueues      []string                // reply_<hex> or reply_<host>:<proc>:<n>, sorted
	Notifications    []OsloNotificationTopic // sorted by exchange, then topic
	Warnings         []Warning
}

// OsloRPCTarget is an RPC topic and the servers listening on it.
type OsloRPCTarget struct {
	Topic string
	// Exchanges are the control exchanges binding the topic queue (or,
	// without one, any of its server queues); more than one is a pitfall
	// (see Warnings).
	Exchanges []string
	Queue     string // the shared, round-robin topic queue; "" if there is none
	Servers   []OsloRPCServer
	Fanout    string // the topic's fanout exchange, if it exists
}

// OsloRPCServer is one server of a topic, with its own queue
// <topic>.<server>.
type OsloRPCServer struct {
	Name      string
	Queue     string
	Exchanges []string
}

// OsloFanoutGroup is a topic's fanout exchange and the queues of the
// server processes that receive its casts.
type OsloFanoutGroup struct {
	Topic string
	// Exchange is <topic>_fanout, or "" when only queues remain: the
	// exchange is auto-deleted with its last binding.
	Exchange string
	Queues   []string // bound to the exchange (sorted)
	Unbound  []string // named like the topic's fanout queues but not bound (sorted)
}

// OsloNotificationTopic is a notification topic on a control exchange.
type OsloNotificationTopic struct {
	Exchange string
	Topic    string   // e.g. notifications, versioned_notifications
	Queues   []string // <topic>.<priority> queues, in OsloPriorities order
	// Pools are listener pool queues: named after the pool, bound with
	// <topic>.<priority> keys.
	Pools []string
}

// DiscoverOslo reads the oslo.messaging topology of a vhost from names, as
// oslo.messaging names things: a control exchange X (topic) binds topic
// queues <topic> and server queues <topic>.<server> each with its own name
// as the key, and notification queues <topic>.<priority>; fanout exchanges
// <topic>_fanout feed one queue per server process; reply queues
// reply_<uuid hex> hang off the default exchange alone. A queue bound from
// several control exchanges is flagged, since oslo queue names are not
// scoped by exchange.
func DiscoverOslo(v *Vhost) OsloTopology {
	d := osloDiscovery{v: v, exchanges: map[string]*Exchange{}, owners: map[string][]string{}}
	for i := range v.Exchanges {
		d.exchanges[v.Exchanges[i].Name] = &v.Exchanges[i]
	}
	d.controlExchanges()
	d.fanouts()
	d.rpcAndNotifications()
	d.replies()
	d.multiExchange()
	return d.out
}

type osloDiscovery struct {
	v         *Vhost
	exchanges map[string]*Exchange
	control   map[string]bool
	// owners maps a queue bound with its own name as key from control
	// exchanges to those exchanges.
	owners map[string][]string
	topics map[string]*OsloRPCTarget
	out    OsloTopology
}

func (d *osloDiscovery) isControl(name string) bool {
	x, ok := d.exchanges[name]
	return ok && x.Type == ExchangeTopic && !x.Builtin && !strings.HasPrefix(name, "amq.") && name != DefaultExchange
}

func (d *osloDiscovery) controlExchanges() {
	d.control = map[string]bool{}
	for _, b := range d.v.Bindings {
		if b.DestinationType != DestQueue || !d.isControl(b.Source) {
			continue
		}
		if b.RoutingKey == b.Destination {
			d.control[b.Source] = true
			d.owners[b.Destination] = osloAppendUnique(d.owners[b.Destination], b.Source)
		} else if _, prio := splitOsloPriority(b.RoutingKey); prio {
			d.control[b.Source] = true // a notification pool's binding
		}
	}
	for _, xs := range d.owners {
		sort.Strings(xs)
	}
	for x := range d.control {
		d.out.ControlExchanges = append(d.out.ControlExchanges, x)
	}
	sort.Strings(d.out.ControlExchanges)
}

func (d *osloDiscovery) fanouts() {
	groups := map[string]*OsloFanoutGroup{}
	group := func(topic string) *OsloFanoutGroup {
		if g, ok := groups[topic]; ok {
			return g
		}
		g := &OsloFanoutGroup{Topic: topic}
		groups[topic] = g
		return g
	}
	bound := map[string]bool{}
	for _, x := range d.v.Exchanges {
		topic, ok := strings.CutSuffix(x.Name, "_fanout")
		if !ok || topic == "" || x.Type != ExchangeFanout || x.Builtin {
			continue
		}
		g := group(topic)
		g.Exchange = x.Name
		for _, b := range d.v.Bindings {
			if b.Source == x.Name && b.DestinationType == DestQueue {
				g.Queues = osloAppendUnique(g.Queues, b.Destination)
				bound[b.Destination] = true
			}
		}
	}
	for _, q := range d.v.Queues {
		i := strings.LastIndex(q.Name, "_fanout_")
		if i <= 0 || bound[q.Name] || !osloProcessID(q.Name[i+len("_fanout_"):]) {
			continue
		}
		g := group(q.Name[:i])
		g.Unbound = append(g.Unbound, q.Name)
		x := OsloFanoutExchange(g.Topic)
		text := "not bound to " + x + ": it receives no fanout casts"
		if g.Exchange == "" {
			text = "left over: exchange " + x + " is gone, so it receives no fanout casts"
		}
		d.warn("queue "+q.Name, text)
	}
	for _, g := range groups {
		sort.Strings(g.Queues)
		sort.Strings(g.Unbound)
		d.out.Fanouts = append(d.out.Fanouts, *g)
	}
	sort.Slice(d.out.Fanouts, func(i, j int) bool { return d.out.Fanouts[i].Topic < d.out.Fanouts[j].Topic })
}

// osloProcessID reports whether s names one server process as oslo does in
// fanout and reply queue names: a uuid4 hex, or <host>:<process>:<n>.
func osloProcessID(s string) bool {
	if osloIsHex(s, 32) {
		return true
	}
	parts := strings.Split(s, ":")
	if len(parts) < 3 || parts[0] == "" || parts[len(parts)-2] == "" {
		return false
	}
	n := parts[len(parts)-1]
	return n != "" && strings.Trim(n, "0123456789") == ""
}

func osloIsHex(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789abcdef") == ""
}

// splitOsloPriority splits <topic>.<priority>, the shape of a notification
// routing key and queue name.
func splitOsloPriority(name string) (topic string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	// oslo binds a notification queue with its exact topic: a wildcard
	// ("*.error" of a monitoring exchange) is someone else's binding.
	if i <= 0 || strings.ContainsAny(name[:i], "*#") {
		return "", false
	}
	p := name[i+1:]
	for _, q := range OsloPriorities {
		if p == q {
			return name[:i], true
		}
	}
	return "", false
}

// rpcAndNotifications sorts the queues bound with their own names into
// topics, servers and notification queues. Fewer dots first, so that a
// topic is known before its servers: <topic>.<server> belongs to the
// longest known topic it starts with (topics and hosts may hold dots).
func (d *osloDiscovery) rpcAndNotifications() {
	d.topics = map[string]*OsloRPCTarget{}
	for _, g := range d.out.Fanouts {
		if g.Exchange != "" {
			d.target(g.Topic).Fanout = g.Exchange
		}
	}
	names := make([]string, 0, len(d.owners))
	for q := range d.owners {
		names = append(names, q)
	}
	sort.Slice(names, func(i, j int) bool {
		di, dj := strings.Count(names[i], "."), strings.Count(names[j], ".")
		if di != dj {
			return di < dj
		}
		return names[i] < names[j]
	})
	notes := map[[2]string]*OsloNotificationTopic{}
	note := func(x, topic string) *OsloNotificationTopic {
		k := [2]string{x, topic}
		if n, ok := notes[k]; ok {
			return n
		}
		n := &OsloNotificationTopic{Exchange: x, Topic: topic}
		notes[k] = n
		return n
	}
	for _, q := range names {
		if topic, ok := splitOsloPriority(q); ok && d.topics[topic] == nil {
			for _, x := range d.owners[q] {
				note(x, topic).Queues = append(note(x, topic).Queues, q)
			}
			continue
		}
		if topic, server := d.topicOf(q); topic != "" {
			t := d.topics[topic]
			t.Servers = append(t.Servers, OsloRPCServer{Name: server, Queue: q, Exchanges: d.owners[q]})
			if t.Queue == "" {
				for _, x := range d.owners[q] {
					t.Exchanges = osloAppendUnique(t.Exchanges, x)
				}
			}
			continue
		}
		t := d.target(q)
		t.Queue = q
		t.Exchanges = append([]string(nil), d.owners[q]...)
	}
	for _, b := range d.v.Bindings {
		if !d.control[b.Source] || b.DestinationType != DestQueue || b.RoutingKey == b.Destination {
			continue
		}
		if topic, ok := splitOsloPriority(b.RoutingKey); ok && d.topics[topic] == nil {
			n := note(b.Source, topic)
			n.Pools = osloAppendUnique(n.Pools, b.Destination)
		}
	}
	for _, t := range d.topics {
		sort.Slice(t.Servers, func(i, j int) bool { return t.Servers[i].Name < t.Servers[j].Name })
		sort.Strings(t.Exchanges)
		d.out.Targets = append(d.out.Targets, *t)
	}
	sort.Slice(d.out.Targets, func(i, j int) bool { return d.out.Targets[i].Topic < d.out.Targets[j].Topic })
	for _, n := range notes {
		sort.Slice(n.Queues, func(i, j int) bool { return osloPriorityRank(n.Queues[i]) < osloPriorityRank(n.Queues[j]) })
		sort.Strings(n.Pools)
		d.out.Notifications = append(d.out.Notifications, *n)
	}
	sort.Slice(d.out.Notifications, func(i, j int) bool {
		a, b := d.out.Notifications[i], d.out.Notifications[j]
		return a.Exchange < b.Exchange || a.Exchange == b.Exchange && a.Topic < b.Topic
	})
}

func (d *osloDiscovery) target(topic string) *OsloRPCTarget {
	t, ok := d.topics[topic]
	if !ok {
		t = &OsloRPCTarget{Topic: topic}
		d.topics[topic] = t
	}
	return t
}

// topicOf splits a server queue name at the longest known topic it starts
// with.
func (d *osloDiscovery) topicOf(q string) (topic, server string) {
	for i := len(q) - 1; i > 0; i-- {
		if q[i] == '.' && i+1 < len(q) && d.topics[q[:i]] != nil {
			return q[:i], q[i+1:]
		}
	}
	return "", ""
}

func osloPriorityRank(queue string) int {
	p := queue[strings.LastIndexByte(queue, '.')+1:]
	for i, q := range OsloPriorities {
		if p == q {
			return i
		}
	}
	return len(OsloPriorities)
}

func (d *osloDiscovery) replies() {
	for _, q := range d.v.Queues {
		if id, ok := strings.CutPrefix(q.Name, "reply_"); ok && osloProcessID(id) {
			d.out.ReplyQueues = append(d.out.ReplyQueues, q.Name)
		}
	}
	sort.Strings(d.out.ReplyQueues)
}

// multiExchange flags the pitfall of §1.2: one queue, two control
// exchanges, two groups of servers answering each other's requests.
func (d *osloDiscovery) multiExchange() {
	names := make([]string, 0, len(d.owners))
	for q, xs := range d.owners {
		if len(xs) > 1 {
			names = append(names, q)
		}
	}
	sort.Strings(names)
	for _, q := range names {
		xs := append([]string(nil), d.owners[q]...)
		sort.Strings(xs)
		d.warn("queue "+q, "bound from control exchanges "+strings.Join(xs, ", ")+
			": queue names are not scoped by exchange, so the servers of every one of them share its messages round-robin")
	}
	sort.SliceStable(d.out.Warnings, func(i, j int) bool { return d.out.Warnings[i].Item < d.out.Warnings[j].Item })
}

func (d *osloDiscovery) warn(item, text string) {
	d.out.Warnings = append(d.out.Warnings, Warning{Item: item, Text: text})
}

func osloAppendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}
