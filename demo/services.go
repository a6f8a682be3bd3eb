package demo

import (
	"log/slog"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// processes builds the demo's services. Each gets its own rng, seeded
// from the cloud's seed and its place in the list, so a seed replays the
// same choices. Weights share out the bus's actions: nova-api is the
// busiest, the RPC servers that only answer take none.
func (c *cloud) processes(log *slog.Logger) []*process {
	var procs []*process
	add := func(name, host string, weight float64, build func(*process)) {
		g := newRNG(c.seed, uint64(100+len(procs)))
		p := &process{
			name: name, host: host, pid: 1000 + g.intn(60000), weight: weight,
			rng: g, cloud: c, log: log.With("service", name+"@"+host),
		}
		p.replyQ, _ = model.NewOsloReplyQueue(g)
		build(p)
		procs = append(procs, p)
	}
	for _, h := range computeHosts() {
		add("nova-compute", h, 1.5, c.novaCompute)
	}
	add("nova-scheduler", hostController, 0, c.novaScheduler)
	add("nova-conductor", hostController, 0, c.novaConductor)
	add("nova-api", hostController, 4, c.novaAPI)
	add("neutron-server", hostController, 1.5, c.neutronServer)
	add("neutron-dhcp-agent", hostNetwork, 0.8, c.dhcpAgent)
	add("neutron-l3-agent", hostNetwork, 0.8, c.l3Agent)
	add("ceilometer-agent-notification", hostController, 0, func(p *process) {
		p.onConnect = append(p.onConnect, listenNotifications)
	})
	add("edge-publisher", "gateway", 2, edgePublisher)
	add("billing-worker", "gateway", 0.3, billingWorker)
	return procs
}

// pace sets each process's mean pause between actions so that all of
// them together take rate actions a second.
func pace(procs []*process, rate float64) {
	total := 0.0
	for _, p := range procs {
		total += p.weight
	}
	for _, p := range procs {
		if p.weight > 0 {
			p.every = time.Duration(float64(time.Second) * total / (rate * p.weight))
		}
	}
}

// Call timeouts, as nova sets them: rpc_response_timeout, and a short
// call monitor so that heartbeats show (nova's is as long as the timeout).
const (
	callTimeout    = 60 * time.Second
	monitorTimeout = 2 * time.Second
	goneTimeout    = 10 * time.Second // calls to the decommissioned host
)

// request builds a request as RPCClient.prepare(...).call would.
func (s *session) request(method, namespace, version string, who user, args ...model.PyField) model.OsloRequest {
	return model.OsloRequest{
		Method: method, Args: args, Namespace: namespace, Version: version,
		Context: who.context(s.p.rng),
	}
}

func novaTarget(topic, server string) model.OsloTarget {
	return model.OsloTarget{Exchange: exNova, Topic: topic, Server: server}
}

func neutronTarget(topic, server string) model.OsloTarget {
	return model.OsloTarget{Exchange: exNeutron, Topic: topic, Server: server}
}

// callAction is an action that makes one call and logs how it ended.
func callAction(weight int, build func(s *session) (model.OsloTarget, model.OsloRequest, callOpts)) action {
	return action{weight: weight, do: func(s *session) {
		t, req, o := build(s)
		_, err := s.call(t, req, o)
		s.logCall(t, req.Method, err)
	}}
}

// castAction is an action that casts once.
func castAction(weight int, build func(s *session) (model.OsloTarget, model.OsloRequest)) action {
	return action{weight: weight, do: func(s *session) {
		t, req := build(s)
		if err := s.cast(t, req); err != nil && s.ctx.Err() == nil {
			s.p.log.Warn("cast failed", "method", req.Method, "err", err)
		}
	}}
}
