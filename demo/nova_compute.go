package demo

import (
	"fmt"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

const computeManager = "/usr/lib/python3/dist-packages/nova/compute/manager.py"

// novaCompute is nova-compute on p.host: the compute topic's RPC server
// (ComputeManager at 6.2, BaseRPCAPI, oslo's ping, and the try endpoint
// for calls typed by hand), which reports to the
// conductor and the schedulers and notifies what happens to instances.
func (c *cloud) novaCompute(p *process) {
	host := p.host
	p.servers = append(p.servers, newRPCServer(p.rng, exNova, "compute", host,
		endpoint{version: "6.2", file: computeManager, methods: map[string]method{
			"get_host_uptime":                    c.uptime,
			"get_console_output":                 c.consoleOutput(host),
			"check_can_live_migrate_destination": c.checkLiveMigration,
			"build_and_run_instance":             c.lifecycle("create", time.Second),
			"reboot_instance":                    c.lifecycle("reboot", 400*time.Millisecond),
			"terminate_instance":                 c.lifecycle("delete", 300*time.Millisecond),
			"live_migration":                     c.lifecycle("live_migration._post", 800*time.Millisecond),
			"refresh_instance_security_rules":    func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil },
		}},
		baseEndpoint("compute"),
		pingEndpoint(),
		tryEndpoint(),
	))
	svc := c.service()
	p.actions = []action{
		callAction(4, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			return novaTarget("conductor", ""), s.request("object_class_action_versions", "", "3.0", svc,
				kv("objname", model.PyStr("InstanceList")),
				kv("objmethod", model.PyStr("get_by_host")),
				kv("object_versions", model.PyDict(kv("InstanceList", model.PyStr("2.6")), kv("Instance", model.PyStr("2.7")))),
				kv("args", model.PyList(model.PyStr(host))),
				kv("kwargs", model.PyDict()),
			), callOpts{timeout: callTimeout}
		}),
		{weight: 3, do: func(s *session) {
			s.notify(exNova, "compute.metrics.update", "info", model.PyDict(
				kv("host", model.PyStr(host)), kv("nodename", model.PyStr(host)),
				kv("metrics", model.PyList(model.PyDict(
					kv("name", model.PyStr("cpu.percent")),
					kv("value", model.PyFloat(float64(s.p.rng.intn(1000))/10)),
					kv("source", model.PyStr("libvirt.LibvirtDriver")),
				))),
			), svc)
		}},
		castAction(2, func(s *session) (model.OsloTarget, model.OsloRequest) {
			var uuids []string
			for _, in := range c.instances {
				if in.host == host {
					uuids = append(uuids, in.uuid)
				}
			}
			t := novaTarget("scheduler", "")
			t.Fanout = true
			return t, s.request("sync_instance_info", "", "4.0", svc,
				kv("host_name", model.PyStr(host)), kv("instance_uuids", strs(uuids...)))
		}),
		{weight: 1, do: func(s *session) {
			in := c.instanceOn(s.p.rng, host)
			s.notify(exNova, "compute.instance.exists", "info", in.legacyPayload("active"), in.owner)
		}},
	}
}

func (c *cloud) uptime(r *request) (model.PyValue, *pyError) {
	now := time.Now().UTC()
	days := 40 + int(c.seed%90)
	return model.PyStr(fmt.Sprintf(" %s up %d days, %2d:%02d,  0 users,  load average: 0.%02d, 0.%02d, 0.%02d\n",
		now.Format("15:04:05"), days, now.Hour(), now.Minute(),
		r.s.p.rng.intn(99), r.s.p.rng.intn(99), r.s.p.rng.intn(99))), nil
}

// consoleOutput fails as nova would for an instance the host does not
// have, and for a tail_length that is not a number.
func (c *cloud) consoleOutput(host string) method {
	return func(r *request) (model.PyValue, *pyError) {
		inst, _ := r.arg("instance")
		uuid := instanceUUID(inst)
		if !c.knows(uuid, host) {
			return model.PyNone(), novaError("InstanceNotFound", "Instance %(instance_id)s could not be found.", 404,
				5921, "raise exception.InstanceNotFound(instance_id=instance.uuid)", kv("instance_id", model.PyStr(uuid)))
		}
		if tail, _ := r.arg("tail_length"); tail.Kind == model.PyString {
			return model.PyNone(), raise("builtins", "ValueError",
				fmt.Sprintf("invalid literal for int() with base 10: '%s'", tail.Text),
				5935, "tail_length = int(tail_length)")
		}
		return model.PyStr("[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n" +
			"[    1.204711] cloud-init[412]: Cloud-init v. 22.4.2 running 'init-local'\n" +
			"[  OK  ] Reached target Multi-User System.\n\n" +
			"Debian GNU/Linux 12 " + uuid[:8] + " ttyS0\n\nlogin: "), nil
	}
}

// checkLiveMigration is slow: it runs long enough for call-monitor
// heartbeats.
func (c *cloud) checkLiveMigration(r *request) (model.PyValue, *pyError) {
	if !r.s.sleep(r.s.p.rng.between(1500*time.Millisecond, 4*time.Second)) {
		return model.PyNone(), nil
	}
	return object("LibvirtLiveMigrateData", "1.10",
		kv("filename", model.PyStr("tmp"+r.s.p.rng.id()[:8])),
		kv("image_type", model.PyStr("default")),
		kv("block_migration", model.PyBoolean(false)),
		kv("disk_over_commit", model.PyBoolean(false)),
		kv("is_shared_instance_path", model.PyBoolean(true)),
		kv("graphics_listen_addr_vnc", model.PyStr("0.0.0.0")),
	), nil
}

// lifecycle is a cast that changes an instance: it notifies
// compute.instance.<event>.start, works for about d, and notifies .end,
// or now and then a build fails with compute.instance.create.error.
func (c *cloud) lifecycle(event string, d time.Duration) method {
	return func(r *request) (model.PyValue, *pyError) {
		s := r.s
		inst, _ := r.arg("instance")
		in := instanceFrom(inst, c)
		prefix := "compute.instance." + event
		s.notify(exNova, prefix+".start", "info", in.legacyPayload("building"), in.owner)
		if !s.sleep(s.p.rng.between(d/2, d*3/2)) {
			return model.PyNone(), nil
		}
		if event == "create" && s.p.rng.chance(0.1) {
			reason := "Build of instance " + in.uuid + " aborted: Failed to allocate the network(s), not rescheduling."
			payload := in.legacyPayload("error")
			payload.Fields = append(payload.Fields,
				kv("message", model.PyStr(reason)), kv("code", model.PyInt(500)),
				kv("exception", model.PyStr("BuildAbortException")))
			s.notify(exNova, prefix+".error", "error", payload, in.owner)
			return model.PyNone(), nil
		}
		s.notify(exNova, prefix+".end", "info", in.legacyPayload("active"), in.owner)
		return model.PyNone(), nil
	}
}

// instanceFrom reads a serialised instance back, filling what it lacks
// from the cloud's instance of that uuid.
func instanceFrom(v model.PyValue, c *cloud) instance {
	data, _ := v.Get("nova_object.data")
	in := instance{uuid: data.Str("uuid"), name: data.Str("display_name"), host: data.Str("host"), flavor: "m1.small", owner: c.users[1]}
	for _, known := range c.instances {
		if known.uuid == in.uuid {
			in.flavor, in.owner = known.flavor, known.owner
		}
	}
	for _, u := range c.users {
		if u.id == data.Str("user_id") {
			in.owner = u
		}
	}
	return in
}
