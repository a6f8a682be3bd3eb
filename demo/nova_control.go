package demo

import (
	"errors"
	"fmt"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

const (
	schedulerManager = "/usr/lib/python3/dist-packages/nova/scheduler/manager.py"
	conductorManager = "/usr/lib/python3/dist-packages/nova/conductor/manager.py"
)

// novaScheduler answers select_destinations (slowly, and now and then
// with NoValidHost) and takes the computes' fanout reports.
func (c *cloud) novaScheduler(p *process) {
	ignore := func(*request) (model.PyValue, *pyError) { return model.PyNone(), nil }
	p.servers = append(p.servers, newRPCServer(p.rng, exNova, "scheduler", p.host,
		endpoint{version: "4.5", file: schedulerManager, methods: map[string]method{
			"select_destinations":  c.selectDestinations,
			"update_instance_info": ignore,
			"sync_instance_info":   ignore,
			"update_aggregates":    ignore,
		}},
		baseEndpoint("scheduler"),
		pingEndpoint(),
	))
}

func (c *cloud) selectDestinations(r *request) (model.PyValue, *pyError) {
	s := r.s
	spec, _ := r.arg("request_spec")
	s.notify(exNova, "scheduler.select_destinations.start", "info", model.PyDict(kv("request_spec", spec)), c.service())
	if !s.sleep(s.p.rng.between(100*time.Millisecond, 800*time.Millisecond)) {
		return model.PyNone(), nil
	}
	if s.p.rng.chance(0.15) {
		return model.PyNone(), novaError("NoValidHost", "No valid host was found. %(reason)s", 500,
			180, "raise exception.NoValidHost(reason=reason)",
			kv("reason", model.PyStr("There are not enough hosts available.")))
	}
	host := pick(s.p.rng, computeHosts())
	s.notify(exNova, "scheduler.select_destinations.end", "info", model.PyDict(kv("request_spec", spec)), c.service())
	selection := object("Selection", "1.1",
		kv("compute_node_uuid", model.PyStr(s.p.rng.uuid())),
		kv("service_host", model.PyStr(host)),
		kv("nodename", model.PyStr(host)),
		kv("cell_uuid", model.PyStr("00000000-0000-0000-0000-000000000001")),
		kv("limits", model.PyNone()),
		kv("allocation_request_version", model.PyStr("1.36")),
	)
	return model.PyList(model.PyList(selection)), nil
}

// novaConductor answers the computes' object calls and runs the
// compute_task API: building (which asks the scheduler and then casts to
// a compute) and live migration (which asks the destination compute).
func (c *cloud) novaConductor(p *process) {
	p.servers = append(p.servers, newRPCServer(p.rng, exNova, "conductor", p.host,
		endpoint{version: "3.0", file: conductorManager, methods: map[string]method{
			"object_class_action_versions": c.objectClassAction,
			"object_action": func(*request) (model.PyValue, *pyError) {
				return model.PyList(model.PyDict(), model.PyNone()), nil
			},
		}},
		endpoint{namespace: "compute_task", version: "1.25", file: conductorManager, methods: map[string]method{
			"schedule_and_build_instances": c.scheduleAndBuild,
			"migrate_server":               c.migrateServer,
		}},
		baseEndpoint("conductor"),
		pingEndpoint(),
	))
}

func (c *cloud) objectClassAction(r *request) (model.PyValue, *pyError) {
	args, _ := r.arg("args")
	host := ""
	if len(args.Items) > 0 {
		host = args.Items[0].Text
	}
	var objs []model.PyValue
	for _, in := range c.instances {
		if in.host == host {
			objs = append(objs, in.object())
		}
	}
	return object("InstanceList", "2.6", kv("objects", model.PyList(objs...))), nil
}

// scheduleAndBuild is a cast: it calls the scheduler, then casts
// build_and_run_instance to the host chosen, or notifies the failure.
func (c *cloud) scheduleAndBuild(r *request) (model.PyValue, *pyError) {
	s := r.s
	reqs, _ := r.arg("build_requests")
	var inst model.PyValue
	if len(reqs.Items) > 0 {
		data, _ := reqs.Items[0].Get("nova_object.data")
		inst, _ = data.Get("instance")
	}
	in := instanceFrom(inst, c)
	spec, _ := r.arg("request_specs")
	sel, err := s.call(novaTarget("scheduler", ""), s.request("select_destinations", "", "4.5", in.owner,
		kv("request_spec", spec), kv("filter_properties", model.PyDict()),
		kv("instance_uuids", strs(in.uuid)), kv("return_objects", model.PyBoolean(true)),
		kv("return_alternates", model.PyBoolean(true)),
	), callOpts{timeout: callTimeout})
	if err != nil {
		var remote *model.RemoteError
		if errors.As(err, &remote) {
			s.notify(exNova, "compute_task.build_instances", "error", model.PyDict(
				kv("instance_id", model.PyStr(in.uuid)),
				kv("reason", model.PyStr(remote.Message)),
				kv("method", model.PyStr("build_instances")),
				kv("vm_state", model.PyStr("error")),
			), in.owner)
		}
		s.logCall(novaTarget("scheduler", ""), "select_destinations", err)
		return model.PyNone(), nil
	}
	first, _ := sel.Items[0].Items[0].Get("nova_object.data")
	in.host = first.Str("service_host")
	err = s.cast(novaTarget("compute", in.host), s.request("build_and_run_instance", "", "6.0", in.owner,
		kv("instance", in.object()), kv("image", model.PyDict(kv("name", model.PyStr("debian-12"))))))
	if err != nil && s.ctx.Err() == nil {
		s.p.log.Warn("cast failed", "method", "build_and_run_instance", "err", err)
	}
	return model.PyNone(), nil
}

// migrateServer is a slow call: it asks the destination compute (with a
// call monitor) and casts live_migration to the source.
func (c *cloud) migrateServer(r *request) (model.PyValue, *pyError) {
	s := r.s
	inst, _ := r.arg("instance")
	in := instanceFrom(inst, c)
	dest := computeHosts()[0]
	if in.host == dest {
		dest = computeHosts()[1]
	}
	data, err := s.call(novaTarget("compute", dest), s.request("check_can_live_migrate_destination", "", "6.0", in.owner,
		kv("instance", inst), kv("block_migration", model.PyBoolean(false)),
		kv("disk_over_commit", model.PyBoolean(false)), kv("migration", model.PyNone()), kv("limits", model.PyNone()),
	), callOpts{timeout: callTimeout, monitor: monitorTimeout})
	if err != nil {
		return model.PyNone(), novaError("MigrationPreCheckError", "Migration pre-check error: %(reason)s", 400,
			412, "raise exception.MigrationPreCheckError(reason=ex)", kv("reason", model.PyStr(err.Error())))
	}
	err = s.cast(novaTarget("compute", in.host), s.request("live_migration", "", "6.0", in.owner,
		kv("dest", model.PyStr(dest)), kv("instance", inst), kv("block_migration", model.PyBoolean(false)),
		kv("migration", model.PyNone()), kv("migrate_data", data)))
	if err != nil && s.ctx.Err() == nil {
		s.p.log.Warn("cast failed", "method", "live_migration", "err", err)
	}
	return model.PyNone(), nil
}

// novaAPI makes the users' requests: builds, console logs, reboots,
// deletions and migrations, and now and then a mistake: a method the
// computes no longer have, a version they do not speak yet, an instance
// that is gone, a host that is gone.
func (c *cloud) novaAPI(p *process) {
	user := func(s *session) user { return c.users[1+s.p.rng.intn(len(c.users)-1)] }
	anyInstance := func(s *session) instance { return pick(s.p.rng, c.instances) }
	p.actions = []action{
		castAction(5, func(s *session) (model.OsloTarget, model.OsloRequest) {
			u := user(s)
			in := instance{uuid: s.p.rng.uuid(), name: fmt.Sprintf("vm-%04d", s.p.rng.intn(10000)), flavor: "m1.small", owner: u}
			buildReq := object("BuildRequest", "1.3", kv("instance_uuid", model.PyStr(in.uuid)), kv("instance", in.object()))
			spec := object("RequestSpec", "1.14", kv("instance_uuid", model.PyStr(in.uuid)),
				kv("num_instances", model.PyInt(1)), kv("project_id", model.PyStr(u.projectID)))
			return novaTarget("conductor", ""), s.request("schedule_and_build_instances", "compute_task", "1.17", u,
				kv("build_requests", model.PyList(buildReq)), kv("request_specs", model.PyList(spec)),
				kv("image", model.PyDict(kv("name", model.PyStr("debian-12")))),
				kv("admin_password", model.PyNone()), kv("injected_files", model.PyList()),
				kv("requested_networks", model.PyNone()), kv("block_device_mapping", model.PyList()),
				kv("tags", model.PyList()))
		}),
		callAction(4, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			in := anyInstance(s)
			obj := in.object()
			tail := model.PyInt(50)
			switch n := s.p.rng.float(); {
			case n < 0.1: // deleted meanwhile
				obj = instance{uuid: s.p.rng.uuid(), name: "old", host: in.host, owner: in.owner}.object()
			case n < 0.15: // passed on from a user unchecked
				tail = model.PyStr("all")
			}
			return novaTarget("compute", in.host), s.request("get_console_output", "", "6.0", in.owner,
				kv("instance", obj), kv("tail_length", tail)), callOpts{timeout: callTimeout}
		}),
		callAction(2, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			return novaTarget("compute", ""), s.request("ping", "baseapi", "1.1", c.service(),
				kv("arg", model.PyStr("nova-api"))), callOpts{timeout: callTimeout}
		}),
		callAction(2, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			in := anyInstance(s)
			return novaTarget("conductor", ""), s.request("migrate_server", "compute_task", "1.25", c.service(),
				kv("instance", in.object()), kv("scheduler_hint", model.PyDict()), kv("live", model.PyBoolean(true)),
				kv("rebuild", model.PyBoolean(false)), kv("flavor", model.PyNone()),
				kv("block_migration", model.PyBoolean(false)), kv("disk_over_commit", model.PyBoolean(false)),
			), callOpts{timeout: callTimeout, monitor: monitorTimeout}
		}),
		castAction(2, func(s *session) (model.OsloTarget, model.OsloRequest) {
			in := anyInstance(s)
			return novaTarget("compute", in.host), s.request("reboot_instance", "", "6.0", in.owner,
				kv("instance", in.object()), kv("block_device_info", model.PyNone()), kv("reboot_type", model.PyStr("SOFT")))
		}),
		castAction(1, func(s *session) (model.OsloTarget, model.OsloRequest) {
			in := anyInstance(s)
			return novaTarget("compute", in.host), s.request("terminate_instance", "", "6.0", in.owner,
				kv("instance", in.object()), kv("bdms", model.PyList()))
		}),
		castAction(1, func(s *session) (model.OsloTarget, model.OsloRequest) {
			in := anyInstance(s)
			t := novaTarget("compute", "")
			t.Fanout = true
			return t, s.request("refresh_instance_security_rules", "", "6.0", c.service(), kv("instance", in.object()))
		}),
		callAction(1, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			t := novaTarget("compute", pick(s.p.rng, computeHosts()))
			return t, s.request("check_instance_shared_storage", "", "6.0", c.service(),
				kv("data", model.PyDict())), callOpts{timeout: callTimeout}
		}),
		callAction(1, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			t := novaTarget("compute", pick(s.p.rng, computeHosts()))
			return t, s.request("get_host_uptime", "", "6.3", c.service()), callOpts{timeout: callTimeout}
		}),
		callAction(1, func(s *session) (model.OsloTarget, model.OsloRequest, callOpts) {
			t := novaTarget("compute", hostGone)
			return t, s.request("get_host_uptime", "", "6.0", c.service()), callOpts{timeout: goneTimeout}
		}),
	}
}
