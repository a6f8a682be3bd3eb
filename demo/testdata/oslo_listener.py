"""Real oslo.messaging notification listener on kaiten's demo bus.

Usage: oslo_listener.py TRANSPORT_URL POOL

Listens on nova's and neutron's notifications in its own pool queue until it
has seen an info notification from nova's computes and one from neutron,
and an error one. Every check prints "ok: ..."; the script exits non-zero on
a failure or after 20 seconds.
"""
import re
import sys
import threading

from oslo_config import cfg
import oslo_messaging as messaging


class Endpoint:
    def __init__(self):
        self.lock = threading.Lock()
        self.seen = {}
        self.problems = []
        self.done = threading.Event()

    def _record(self, prio, ctxt, publisher_id, event_type, payload, metadata):
        with self.lock:
            if not re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", metadata["message_id"]):
                self.problems.append("message_id %r" % metadata["message_id"])
            if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?", metadata["timestamp"]):
                self.problems.append("timestamp %r" % metadata["timestamp"])
            if not isinstance(payload, dict) or not ctxt.get("user_id"):
                self.problems.append("payload %r context %r" % (payload, ctxt))
            key = (prio, publisher_id.split(".")[0])
            if key not in self.seen:
                self.seen[key] = event_type
                print("ok: %s notification %s from %s" % (prio, event_type, publisher_id))
            prios = {p for p, _ in self.seen}
            if self.problems or {("info", "compute"), ("info", "network")} <= set(self.seen) and "error" in prios:
                self.done.set()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("info", ctxt, publisher_id, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("error", ctxt, publisher_id, event_type, payload, metadata)


def main():
    url, pool = sys.argv[1], sys.argv[2]
    # The global CONF: oslo.messaging 14 registers its metrics options there.
    conf = cfg.CONF
    conf([], project="kaiten-demo-test")
    transport = messaging.get_notification_transport(conf, url=url)
    ep = Endpoint()
    targets = [messaging.Target(topic="notifications", exchange="nova"),
               messaging.Target(topic="notifications", exchange="neutron")]
    listener = messaging.get_notification_listener(
        transport, targets, [ep], executor="threading", pool=pool)
    listener.start()
    try:
        finished = ep.done.wait(20)
    finally:
        listener.stop()
        listener.wait()
        transport.cleanup()
    if ep.problems:
        sys.exit("FAIL: %s" % "; ".join(ep.problems))
    if not finished:
        sys.exit("FAIL: after 20 s saw only %r" % ep.seen)
    print("ok: notifications decoded by oslo.messaging")


if __name__ == "__main__":
    main()
