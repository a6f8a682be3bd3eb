// Package demo runs the demo bus kaiten opens on: the message bus of a
// small OpenStack cloud, declared and driven over AMQP by simulated
// services, so that there is something to explore from the first second.
//
// The topology is what oslo.messaging declares (see
// shared/spec/semantics.md §1.2), with its defaults and nova's and
// neutron's control exchanges:
//
//   - control exchanges nova and neutron (topic, transient);
//   - RPC server queues per topic and per host: compute, compute.host1,
//     compute.host2, scheduler, conductor on nova; q-plugin, dhcp_agent,
//     l3_agent on neutron; each topic's fanout exchange (<topic>_fanout,
//     auto-delete) with a queue per server (<topic>_fanout_<hex>,
//     x-expires); callers' reply queues (reply_<hex>, x-expires);
//   - notifications.info and notifications.error, bound from both
//     control exchanges (queue names are not scoped by exchange);
//
// and a plain-AMQP part beside it: the topic exchange ingress whose
// alternate exchange unrouted collects what nothing is bound for, the
// queue billing whose expired and rejected messages dead-letter through
// dlx into dead.letters, the headers exchange images.match with x-match
// all and any bindings, and the exchange monitoring bound to both control
// exchanges (exchange-to-exchange) for their notifications.
//
// The services are ordinary AMQP clients (amqp091-go), one connection
// each, named as oslo names its connections: nova-compute on host1 and
// host2, nova-scheduler, nova-conductor and nova-api, neutron-server and
// its DHCP and L3 agents, a ceilometer-like notification listener, and a
// plain publisher and worker. They speak oslo.messaging's wire format
// (model's codec) well enough for real oslo.messaging clients: calls with
// replies, call-monitor heartbeats, remote errors shaped as oslo
// serialises them (NoSuchMethod, UnsupportedVersion, ValueError, nova's
// exceptions), casts, fanout casts and notifications.
//
// Start declares the topology and starts the services; SetServices
// switches them off and on; Stop ends them. The demo logs only to the
// logger it is given and keeps no global state.
package demo
