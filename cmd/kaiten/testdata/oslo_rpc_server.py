"""Real oslo.messaging RPC servers and notifier for kaiten's CLI tests.

Usage: oslo_rpc_server.py TRANSPORT_URL CONTROL_EXCHANGE TOPIC SERVER [SERVER...]

Runs one RPC server per SERVER name on TOPIC, each with its own endpoint
(version 1.0, no namespace):

  add(a, b)                 the sum
  echo_context()            the request context
  fail(message)             raises ValueError(message)
  slow(seconds)             sleeps, then returns seconds
  record(value)             a cast: remembers value, prints "cast SERVER: VALUE"
  recorded()                the values this server recorded, in order
  notify(event_type, payload, priority)
                            sends a notification through a real
                            oslo.messaging Notifier (messagingv2, topic
                            kaiten_notifications, publisher compute.SERVER)

Prints "ready" once every server consumes, and stops when stdin closes.
"""
import sys
import threading
import time

from oslo_config import cfg
import oslo_messaging as messaging

_say_lock = threading.Lock()


def say(line):
    """Write one whole line: the servers run in threads, and print() writes
    the text and its newline apart, so two at once could merge."""
    with _say_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Endpoint(object):
    target = messaging.Target(version="1.0")

    def __init__(self, server, notifier):
        self.server = server
        self.notifier = notifier
        self.lock = threading.Lock()
        self.casts = []

    def add(self, ctxt, a, b):
        return a + b

    def echo_context(self, ctxt):
        return ctxt

    def fail(self, ctxt, message):
        raise ValueError(message)

    def slow(self, ctxt, seconds):
        time.sleep(seconds)
        return seconds

    def record(self, ctxt, value):
        with self.lock:
            self.casts.append(value)
        say("cast %s: %s" % (self.server, value))

    def recorded(self, ctxt):
        with self.lock:
            return list(self.casts)

    def notify(self, ctxt, event_type, payload, priority="info"):
        getattr(self.notifier, priority)(ctxt, event_type, payload)
        return event_type


def main():
    url, exchange, topic = sys.argv[1:4]
    servers = sys.argv[4:]
    # A reply whose caller gave up (its reply queue is gone) is retried for
    # 60 s by default, which would hold up the stop after a failed test.
    url += ("&" if "?" in url else "?") + "kombu_missing_consumer_retry_timeout=1"
    conf = cfg.CONF
    conf([], project="kaiten-cli-test")
    conf.set_override("metrics_thread_stop_timeout", 0, group="oslo_messaging_metrics")
    messaging.set_transport_defaults(control_exchange=exchange)
    transport = messaging.get_rpc_transport(conf, url=url)
    ntransport = messaging.get_notification_transport(conf, url=url)
    rpcs = []
    for server in servers:
        notifier = messaging.Notifier(
            ntransport, publisher_id="compute." + server, driver="messagingv2",
            topics=["kaiten_notifications"])
        srv = messaging.get_rpc_server(
            transport, messaging.Target(topic=topic, server=server),
            [Endpoint(server, notifier)], executor="threading")
        srv.start()
        rpcs.append(srv)
    say("ready")
    sys.stdin.read()
    for srv in rpcs:
        srv.stop()
    for srv in rpcs:
        srv.wait()
    ntransport.cleanup()
    transport.cleanup()


if __name__ == "__main__":
    main()
