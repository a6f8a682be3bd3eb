package demo

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// cloud is the small OpenStack the services pretend to run: its users,
// hosts, instances, networks and routers, made once from the seed and
// read-only afterwards.
type cloud struct {
	seed      uint64
	users     []user
	instances []instance
	networks  []network
	routers   []string
}

// The hosts of the demo cloud.
const (
	hostController = "controller"
	hostNetwork    = "net1"
	hostGone       = "host3" // decommissioned: calls to it time out
)

// computeHosts are the hosts nova-compute runs on.
func computeHosts() []string { return []string{"host1", "host2"} }

type user struct {
	name, id, project, projectID string
	admin                        bool
	token                        string // a Fernet-looking Keystone token, for redaction to hide
	address                      string
}

type instance struct {
	uuid, name, host, flavor string
	owner                    user
}

type network struct {
	id, name, subnet, cidr string
}

func newCloud(seed uint64) *cloud {
	g := newRNG(seed, 1)
	c := &cloud{seed: seed}
	token := func() string {
		b := make([]byte, 135)
		_, _ = g.Read(b)
		return "gAAAAAB" + base64.RawURLEncoding.EncodeToString(b)
	}
	for i, u := range []struct {
		name, project string
		admin         bool
	}{{"admin", "admin", true}, {"alice", "webshop", false}, {"bob", "analytics", false}} {
		c.users = append(c.users, user{
			name: u.name, id: g.id(), project: u.project, projectID: g.id(), admin: u.admin,
			token: token(), address: fmt.Sprintf("10.0.0.%d", 21+i),
		})
	}
	for i, name := range []string{"web-1", "web-2", "web-3", "db-1", "db-2", "cache-1", "etl-1", "etl-2"} {
		c.instances = append(c.instances, instance{
			uuid: g.uuid(), name: name, host: computeHosts()[i%2],
			flavor: pick(g, []string{"m1.small", "m1.medium", "m1.large"}), owner: c.users[1+i%2],
		})
	}
	for i, name := range []string{"private", "public", "storage"} {
		c.networks = append(c.networks, network{
			id: g.uuid(), name: name, subnet: g.uuid(), cidr: fmt.Sprintf("10.%d.0.0/24", 10+i),
		})
	}
	for range 2 {
		c.routers = append(c.routers, g.uuid())
	}
	return c
}

// service is the user a service acts as for its own calls.
func (c *cloud) service() user { return c.users[0] }

// context is a nova RequestContext as oslo.messaging 14 sent it,
// flattened into _context_* members by the driver.
func (u user) context(g *rng) []model.PyField {
	roles := strs("member", "reader")
	if u.admin {
		roles = strs("admin", "member", "reader")
	}
	now := time.Now().UTC()
	return []model.PyField{
		kv("user_id", model.PyStr(u.id)),
		kv("project_id", model.PyStr(u.projectID)),
		kv("system_scope", model.PyNone()),
		kv("project_domain_id", model.PyStr("default")),
		kv("user_domain_id", model.PyStr("default")),
		kv("is_admin", model.PyBoolean(u.admin)),
		kv("read_only", model.PyBoolean(false)),
		kv("show_deleted", model.PyBoolean(false)),
		kv("auth_token", model.PyStr(u.token)),
		kv("request_id", model.PyStr("req-"+g.uuid())),
		kv("global_request_id", model.PyNone()),
		kv("resource_uuid", model.PyNone()),
		kv("roles", roles),
		kv("user_identity", model.PyStr(u.id+" "+u.projectID+" - default default")),
		kv("is_admin_project", model.PyBoolean(true)),
		kv("user_name", model.PyStr(u.name)),
		kv("project_name", model.PyStr(u.project)),
		kv("remote_address", model.PyStr(u.address)),
		kv("timestamp", model.PyStr(now.Format("2006-01-02T15:04:05.000000"))),
		kv("quota_class", model.PyNone()),
	}
}

// object is a serialised nova object, as nova's serializer puts one in
// the arguments of a request.
func object(name, version string, data ...model.PyField) model.PyValue {
	return model.PyDict(
		kv("nova_object.name", model.PyStr(name)),
		kv("nova_object.namespace", model.PyStr("nova")),
		kv("nova_object.version", model.PyStr(version)),
		kv("nova_object.data", model.PyDict(data...)),
		kv("nova_object.changes", model.PyList()),
	)
}

// object serialises the instance as nova sends it in requests.
func (in instance) object() model.PyValue {
	return object("Instance", "2.7",
		kv("uuid", model.PyStr(in.uuid)),
		kv("display_name", model.PyStr(in.name)),
		kv("host", model.PyStr(in.host)),
		kv("node", model.PyStr(in.host)),
		kv("vm_state", model.PyStr("active")),
		kv("task_state", model.PyNone()),
		kv("project_id", model.PyStr(in.owner.projectID)),
		kv("user_id", model.PyStr(in.owner.id)),
		kv("instance_type_id", model.PyInt(int64(len(in.flavor)))),
	)
}

// instanceUUID reads the uuid of a serialised instance.
func instanceUUID(v model.PyValue) string {
	data, _ := v.Get("nova_object.data")
	return data.Str("uuid")
}

// instanceOn returns an instance of the cloud on host.
func (c *cloud) instanceOn(g *rng, host string) instance {
	var on []instance
	for _, in := range c.instances {
		if in.host == host {
			on = append(on, in)
		}
	}
	return pick(g, on)
}

// knows reports whether uuid is one of the cloud's instances on host.
func (c *cloud) knows(uuid, host string) bool {
	for _, in := range c.instances {
		if in.uuid == uuid && in.host == host {
			return true
		}
	}
	return false
}

// legacyPayload is the payload of nova's legacy (unversioned) instance
// notifications.
func (in instance) legacyPayload(state string) model.PyValue {
	return model.PyDict(
		kv("tenant_id", model.PyStr(in.owner.projectID)),
		kv("user_id", model.PyStr(in.owner.id)),
		kv("instance_id", model.PyStr(in.uuid)),
		kv("display_name", model.PyStr(in.name)),
		kv("instance_type", model.PyStr(in.flavor)),
		kv("host", model.PyStr(in.host)),
		kv("state", model.PyStr(state)),
		kv("state_description", model.PyStr("")),
	)
}
