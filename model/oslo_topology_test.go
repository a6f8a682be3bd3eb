package model

import (
	"reflect"
	"testing"
)

// osloVhost is the live example of semantics §1.2 (an oslo 14.0.3 server
// and client on control exchange nova), with what other deployments add: a
// second control exchange binding the same topic queue, a host with dots
// in its name, a topic with a dot (ironic's), queue-manager names, a
// notification pool, a fanout queue left unbound and one whose exchange is
// gone, and bindings that are not oslo's.
func osloVhost() Vhost {
	const (
		hex1 = "4df7981ff76a4398b0b19b7260b96c24"
		hex2 = "85d7c969d9dd494d8139ea3afebfc150"
		hex3 = "90cc1781a59c43689ded2c8b6abf7736"
		hex4 = "1aea096184a546839b91e8ce70ab844d"
	)
	q := func(names ...string) []Queue {
		out := make([]Queue, len(names))
		for i, n := range names {
			out[i] = Queue{Name: n}
		}
		return out
	}
	own := func(x string, queues ...string) []Binding {
		out := make([]Binding, len(queues))
		for i, n := range queues {
			out[i] = Binding{Source: x, Destination: n, RoutingKey: n}
		}
		return out
	}
	v := Vhost{
		Name: "/",
		Exchanges: []Exchange{
			{Name: "nova", Type: ExchangeTopic},
			{Name: "openstack", Type: ExchangeTopic},
			{Name: "ironic", Type: ExchangeTopic, Durable: true},
			{Name: "compute_fanout", Type: ExchangeFanout, AutoDelete: true},
			{Name: "shop", Type: ExchangeTopic},
			{Name: "logs", Type: ExchangeDirect},
		},
		Queues: q("compute", "compute.host1", "compute.host2.example.org",
			"compute_fanout_"+hex1, "compute_fanout_"+hex2, "compute_fanout_host3:nova-compute:1",
			"compute_fanout_"+hex4, "scheduler_fanout_"+hex3,
			"reply_"+hex4, "reply_host1:nova-api:3", "reply_to_me",
			"notifications.info", "notifications.error", "versioned_notifications.info", "my_pool",
			"ironic.conductor_manager", "ironic.conductor_manager.cond1.example.org",
			"orders", "audit", "x"),
	}
	v.Bindings = append(v.Bindings, own("nova", "compute", "compute.host1", "compute.host2.example.org",
		"notifications.info", "notifications.error", "versioned_notifications.info")...)
	v.Bindings = append(v.Bindings, own("openstack", "compute")...)
	v.Bindings = append(v.Bindings, own("ironic", "ironic.conductor_manager", "ironic.conductor_manager.cond1.example.org")...)
	v.Bindings = append(v.Bindings, own("logs", "audit")...)
	v.Bindings = append(v.Bindings, own("amq.topic", "x")...)
	for _, n := range []string{hex2, hex1, "host3:nova-compute:1"} {
		v.Bindings = append(v.Bindings, Binding{Source: "compute_fanout", Destination: "compute_fanout_" + n, RoutingKey: "compute"})
	}
	v.Bindings = append(v.Bindings,
		Binding{Source: "nova", Destination: "my_pool", RoutingKey: "notifications.info"},
		Binding{Source: "nova", Destination: "my_pool", RoutingKey: "notifications.error"},
		Binding{Source: "shop", Destination: "orders", RoutingKey: "orders.*"},
	)
	return v.WithBuiltins()
}

func TestDiscoverOslo(t *testing.T) {
	v := osloVhost()
	got := DiscoverOslo(&v)
	want := OsloTopology{
		ControlExchanges: []string{"ironic", "nova", "openstack"},
		Targets: []OsloRPCTarget{
			{
				Topic: "compute", Exchanges: []string{"nova", "openstack"}, Queue: "compute", Fanout: "compute_fanout",
				Servers: []OsloRPCServer{
					{Name: "host1", Queue: "compute.host1", Exchanges: []string{"nova"}},
					{Name: "host2.example.org", Queue: "compute.host2.example.org", Exchanges: []string{"nova"}},
				},
			},
			{
				Topic: "ironic.conductor_manager", Exchanges: []string{"ironic"}, Queue: "ironic.conductor_manager",
				Servers: []OsloRPCServer{
					{Name: "cond1.example.org", Queue: "ironic.conductor_manager.cond1.example.org", Exchanges: []string{"ironic"}},
				},
			},
		},
		Fanouts: []OsloFanoutGroup{
			{
				Topic: "compute", Exchange: "compute_fanout",
				Queues: []string{
					"compute_fanout_4df7981ff76a4398b0b19b7260b96c24",
					"compute_fanout_85d7c969d9dd494d8139ea3afebfc150",
					"compute_fanout_host3:nova-compute:1",
				},
				Unbound: []string{"compute_fanout_1aea096184a546839b91e8ce70ab844d"},
			},
			{Topic: "scheduler", Unbound: []string{"scheduler_fanout_90cc1781a59c43689ded2c8b6abf7736"}},
		},
		ReplyQueues: []string{"reply_1aea096184a546839b91e8ce70ab844d", "reply_host1:nova-api:3"},
		Notifications: []OsloNotificationTopic{
			{Exchange: "nova", Topic: "notifications", Queues: []string{"notifications.info", "notifications.error"}, Pools: []string{"my_pool"}},
			{Exchange: "nova", Topic: "versioned_notifications", Queues: []string{"versioned_notifications.info"}},
		},
		Warnings: []Warning{
			{Item: "queue compute", Text: "bound from control exchanges nova, openstack: queue names are not scoped by exchange, so the servers of every one of them share its messages round-robin"},
			{Item: "queue compute_fanout_1aea096184a546839b91e8ce70ab844d", Text: "not bound to compute_fanout: it receives no fanout casts"},
			{Item: "queue scheduler_fanout_90cc1781a59c43689ded2c8b6abf7736", Text: "left over: exchange scheduler_fanout is gone, so it receives no fanout casts"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestDiscoverOsloEdges(t *testing.T) {
	// No oslo: nothing found, nothing flagged.
	v := novaVhost()
	v.Bindings = nil
	if got := DiscoverOslo(&v); !reflect.DeepEqual(got, OsloTopology{}) {
		t.Errorf("got %+v", got)
	}
	// Server queues without their topic queue still make a target; a
	// fanout exchange alone makes one too.
	v = Vhost{
		Exchanges: []Exchange{{Name: "openstack", Type: ExchangeTopic}, {Name: "conductor_fanout", Type: ExchangeFanout}},
		Queues:    []Queue{{Name: "conductor.host1"}},
		Bindings:  []Binding{{Source: "openstack", Destination: "conductor.host1", RoutingKey: "conductor.host1"}},
	}
	got := DiscoverOslo(&v)
	want := []OsloRPCTarget{{
		Topic: "conductor", Exchanges: []string{"openstack"}, Fanout: "conductor_fanout",
		Servers: []OsloRPCServer{{Name: "host1", Queue: "conductor.host1", Exchanges: []string{"openstack"}}},
	}}
	if !reflect.DeepEqual(got.Targets, want) {
		t.Errorf("got %+v", got.Targets)
	}
	// A topic exchange binding "*.error" (a monitoring exchange fed by
	// exchange-to-exchange bindings) is not an oslo notification pool, and
	// the exchange is not a control exchange.
	mon := Vhost{
		Exchanges: []Exchange{{Name: "monitoring", Type: ExchangeTopic}},
		Queues:    []Queue{{Name: "monitoring.errors"}},
		Bindings:  []Binding{{Source: "monitoring", Destination: "monitoring.errors", RoutingKey: "*.error"}},
	}
	if got := DiscoverOslo(&mon); len(got.ControlExchanges) != 0 || len(got.Notifications) != 0 {
		t.Errorf("a wildcard binding taken for oslo's: %+v", got)
	}
	// A dotted queue with no known topic is a topic of its own.
	v.Exchanges = v.Exchanges[:1]
	got = DiscoverOslo(&v)
	if len(got.Targets) != 1 || got.Targets[0].Topic != "conductor.host1" || got.Targets[0].Queue != "conductor.host1" {
		t.Errorf("got %+v", got.Targets)
	}
}
