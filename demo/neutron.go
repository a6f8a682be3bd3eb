package demo

import (
	"fmt"

	"github.com/kaiten-bus/kaiten/model"
)

const (
	neutronRPC  = "/usr/lib/python3/dist-packages/neutron/api/rpc/handlers/dhcp_rpc.py"
	neutronL3   = "/usr/lib/python3/dist-packages/neutron/api/rpc/handlers/l3_rpc.py"
	neutronDHCP = "/usr/lib/python3/dist-packages/neutron/agent/dhcp/agent.py"
	neutronL3A  = "/usr/lib/python3/dist-packages/neutron/agent/l3/agent.py"
)

// neutronServer is the q-plugin RPC server (the DHCP and L3 callbacks the
// agents call), which tells the agents of port and router changes and
// notifies them.
func (c *cloud) neutronServer(p *process) {
	p.servers = append(p.servers, newRPCServer(p.rng, exNeutron, "q-plugin", p.host,
		endpoint{namespace: "dhcp", version: "1.8", file: neutronRPC, methods: map[string]method{
			"get_active_networks_info": c.activeNetworks,
			"get_network_info": func(r *request) (model.PyValue, *pyError) {
				for _, n := range c.networks {
					if n.id == r.str("network_id") {
						return n.info(), nil
					}
				}
				return model.PyNone(), nil
			},
		}},
		endpoint{version: "1.12", file: neutronL3, methods: map[string]method{
			"sync_routers":               c.syncRouters,
			"update_floatingip_statuses": func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil },
		}},
		pingEndpoint(),
	))
	svc := c.service()
	p.actions = []action{
		{weight: 3, do: func(s *session) {
			n := pick(s.p.rng, c.networks)
			event := pick(s.p.rng, []string{"port.create.end", "port.update.end", "network.update.end", "router.interface.create"})
			s.notify(exNeutron, event, "info", model.PyDict(kv("port", c.port(s.p.rng, n))), svc)
		}},
		castAction(2, func(s *session) (model.OsloTarget, model.OsloRequest) {
			n := pick(s.p.rng, c.networks)
			return neutronTarget("dhcp_agent", hostNetwork), s.request("port_create_end", "", "1.0", svc,
				kv("payload", model.PyDict(kv("port", c.port(s.p.rng, n)))))
		}),
		castAction(1, func(s *session) (model.OsloTarget, model.OsloRequest) {
			t := neutronTarget("l3_agent", "")
			t.Fanout = true
			return t, s.request("routers_updated", "", "1.0", svc, kv("routers", strs(pick(s.p.rng, c.routers))))
		}),
	}
}

func (n network) info() model.PyValue {
	return model.PyDict(
		kv("id", model.PyStr(n.id)),
		kv("name", model.PyStr(n.name)),
		kv("admin_state_up", model.PyBoolean(true)),
		kv("subnets", model.PyList(model.PyDict(
			kv("id", model.PyStr(n.subnet)), kv("cidr", model.PyStr(n.cidr)),
			kv("enable_dhcp", model.PyBoolean(true)), kv("ip_version", model.PyInt(4)),
		))),
		kv("ports", model.PyList()),
	)
}

func (c *cloud) port(g *rng, n network) model.PyValue {
	b := make([]byte, 3)
	_, _ = g.Read(b)
	return model.PyDict(
		kv("id", model.PyStr(g.uuid())),
		kv("network_id", model.PyStr(n.id)),
		kv("mac_address", model.PyStr(fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", b[0], b[1], b[2]))),
		kv("fixed_ips", model.PyList(model.PyDict(
			kv("subnet_id", model.PyStr(n.subnet)),
			kv("ip_address", model.PyStr(fmt.Sprintf("%s.%d", n.cidr[:len(n.cidr)-5], 10+g.intn(200)))),
		))),
		kv("status", model.PyStr("DOWN")),
		kv("device_owner", model.PyStr("compute:nova")),
	)
}

func (c *cloud) activeNetworks(*request) (model.PyValue, *pyError) {
	var out []model.PyValue
	for _, n := range c.networks {
		out = append(out, n.info())
	}
	return model.PyList(out...), nil
}

func (c *cloud) syncRouters(r *request) (model.PyValue, *pyError) {
	var out []model.PyValue
	for _, id := range c.routers {
		out = append(out, model.PyDict(
			kv("id", model.PyStr(id)), kv("admin_state_up", model.PyBoolean(true)),
			kv("status", model.PyStr("ACTIVE")), kv("ha", model.PyBoolean(false)),
			kv("gw_port_id", model.PyNone()), kv("_interfaces", model.PyList()),
		))
	}
	return model.PyList(out...), nil
}

// dhcpAgent is neutron's DHCP agent: it serves the casts about ports and
// networks, and resyncs with get_active_networks_info now and then.
func (c *cloud) dhcpAgent(p *process) {
	ignore := func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil }
	p.servers = append(p.servers, newRPCServer(p.rng, exNeutron, "dhcp_agent", p.host,
		endpoint{version: "1.2", file: neutronDHCP, methods: map[string]method{
			"network_create_end": ignore, "network_update_end": ignore, "network_delete_end": ignore,
			"port_create_end": ignore, "port_update_end": ignore, "port_delete_end": ignore,
		}},
		pingEndpoint(),
	))
	p.actions = []action{callAction(1, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
		return neutronTarget("q-plugin", ""), s.request("get_active_networks_info", "dhcp", "1.1", c.service(),
			kv("host", model.PyStr(p.host))), callOpts{timeout: callTimeout}
	})}
}

// l3Agent is neutron's L3 agent: it serves router casts (fanout ones
// too) and calls sync_routers now and then.
func (c *cloud) l3Agent(p *process) {
	ignore := func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil }
	p.servers = append(p.servers, newRPCServer(p.rng, exNeutron, "l3_agent", p.host,
		endpoint{version: "1.4", file: neutronL3A, methods: map[string]method{
			"routers_updated": ignore, "router_deleted": ignore,
			"router_added_to_agent": ignore, "router_removed_from_agent": ignore,
		}},
		pingEndpoint(),
	))
	p.actions = []action{callAction(1, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
		return neutronTarget("q-plugin", ""), s.request("sync_routers", "", "1.5", c.service(),
			kv("host", model.PyStr(p.host)), kv("router_ids", strs(c.routers...))), callOpts{timeout: callTimeout}
	})}
}
