"""Real oslo.messaging RPC client against kaiten's demo bus.

Usage: oslo_rpc_client.py TRANSPORT_URL INSTANCE_JSON

INSTANCE_JSON is a serialised nova Instance the demo's host1 knows. Every
check prints "ok: ..."; the script exits non-zero on the first failure.
"""
import json
import sys

from oslo_config import cfg
import oslo_messaging as messaging


def check(cond, what, got):
    if not cond:
        sys.exit("FAIL: %s: got %r" % (what, got))
    print("ok: %s" % what)


def main():
    url, instance = sys.argv[1], json.loads(sys.argv[2])
    # The global CONF: oslo.messaging 14 registers its metrics options there.
    conf = cfg.CONF
    conf([], project="kaiten-demo-test")
    # Otherwise the metrics thread of the first call keeps the process
    # alive for 10 s after the last one.
    conf.set_override("metrics_thread_stop_timeout", 0, group="oslo_messaging_metrics")
    messaging.set_transport_defaults(control_exchange="nova")
    transport = messaging.get_rpc_transport(conf, url=url)
    client = messaging.get_rpc_client(
        transport, messaging.Target(topic="compute", version="6.0"), timeout=15)
    ctxt = {"user_id": "u-python", "project_id": "p-python"}
    try:
        r = client.prepare(server="host1", namespace="baseapi", version="1.1").call(
            ctxt, "ping", arg="from-python")
        check(r == {"service": "compute", "arg": "from-python"}, "baseapi ping on host1", r)

        r = client.prepare(server="host2").call(ctxt, "get_host_uptime")
        check(isinstance(r, str) and " up " in r, "get_host_uptime on host2", r)

        r = client.prepare(version="1.0").call(ctxt, "oslo_rpc_server_ping")
        check(r == "pong", "oslo_rpc_server_ping on any compute", r)

        r = client.prepare(server="host1").call(
            ctxt, "get_console_output", instance=instance, tail_length=10)
        check("login:" in r, "get_console_output", r)

        r = client.prepare(server="host2", call_monitor_timeout=2, timeout=30).call(
            ctxt, "check_can_live_migrate_destination", instance=instance,
            block_migration=False, disk_over_commit=False, migration=None, limits=None)
        check(r.get("nova_object.name") == "LibvirtLiveMigrateData",
              "slow call with a call monitor (heartbeats)", r)

        try:
            client.prepare(server="host1").call(ctxt, "nosuch")
            check(False, "NoSuchMethod raised", None)
        except messaging.RemoteError as e:
            check(e.exc_type == "NoSuchMethod" and "nosuch" in e.value,
                  "NoSuchMethod as RemoteError", (e.exc_type, e.value))

        try:
            client.prepare(server="host1", version="7.0").call(ctxt, "get_host_uptime")
            check(False, "UnsupportedVersion raised", None)
        except messaging.RemoteError as e:
            check(e.exc_type == "UnsupportedVersion", "UnsupportedVersion as RemoteError",
                  (e.exc_type, e.value))

        try:
            client.prepare(server="host1").call(
                ctxt, "get_console_output", instance=instance, tail_length="all")
            check(False, "ValueError raised", None)
        except ValueError as e:
            # builtins exceptions are rebuilt as themselves.
            check("invalid literal for int()" in str(e), "ValueError rebuilt", str(e))

        gone = dict(instance)
        gone["nova_object.data"] = dict(instance["nova_object.data"], uuid="gone")
        try:
            client.prepare(server="host1").call(
                ctxt, "get_console_output", instance=gone, tail_length=10)
            check(False, "InstanceNotFound raised", None)
        except messaging.RemoteError as e:
            check(e.exc_type == "InstanceNotFound" and "Instance gone could not be found." in e.value,
                  "InstanceNotFound as RemoteError", (e.exc_type, e.value))

        client.prepare(server="host1").cast(
            ctxt, "reboot_instance", instance=instance, block_device_info=None, reboot_type="SOFT")
        client.prepare(fanout=True).cast(ctxt, "refresh_instance_security_rules", instance=instance)
        print("ok: cast and fanout cast sent")
    finally:
        transport.cleanup()


if __name__ == "__main__":
    main()
