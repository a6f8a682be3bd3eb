"""Real oslo.messaging RPC server for kaiten's CLI tests.

Usage: oslo_rpc_server.py TRANSPORT_URL CONTROL_EXCHANGE TOPIC SERVER

Endpoints (version 1.0, no namespace): add(a, b), echo_context() returning
the request context, fail(message) raising ValueError, and record(value), a
cast whose value is printed as "cast: VALUE". Prints "ready" once it
consumes, and stops when stdin closes.
"""
import sys

from oslo_config import cfg
import oslo_messaging as messaging


class Endpoint(object):
    target = messaging.Target(version="1.0")

    def add(self, ctxt, a, b):
        return a + b

    def echo_context(self, ctxt):
        return ctxt

    def fail(self, ctxt, message):
        raise ValueError(message)

    def record(self, ctxt, value):
        print("cast: %s" % value, flush=True)


def main():
    url, exchange, topic, server = sys.argv[1:5]
    conf = cfg.CONF
    conf([], project="kaiten-cli-test")
    conf.set_override("metrics_thread_stop_timeout", 0, group="oslo_messaging_metrics")
    messaging.set_transport_defaults(control_exchange=exchange)
    transport = messaging.get_rpc_transport(conf, url=url)
    srv = messaging.get_rpc_server(
        transport, messaging.Target(topic=topic, server=server), [Endpoint()],
        executor="threading")
    srv.start()
    print("ready", flush=True)
    sys.stdin.read()
    srv.stop()
    srv.wait()
    transport.cleanup()


if __name__ == "__main__":
    main()
