#!/usr/bin/python3
"""Conformance check with kombu (over py-amqp), a real client from Debian.

Usage: kombu_client.py AMQP_URL

Logs in with kombu's default mechanism (PLAIN in kombu 5) and with AMQPLAIN
(oslo.messaging's default), then declares, publishes with a Producer,
consumes with a Consumer, uses a SimpleQueue (basic.get) and runs an
oslo-style RPC over a reply queue with correlation ids. Prints one line per
check and exits 0 only if every check passed. The vhost in the URL is
expected to be empty.
"""

import socket
import time
import uuid

import amqp.exceptions
from kombu import Connection, Consumer, Exchange, Producer, Queue

from checks import DEADLINE, check, run, until, wrong_password


def drain(conn, done, what):
    """Drains events until done() or the deadline."""
    def step():
        try:
            conn.drain_events(timeout=0.1)
        except socket.timeout:
            pass
    until(done, step, what)


def logins(url):
    for method in (None, "AMQPLAIN", "PLAIN"):
        with Connection(url, login_method=method) as conn:
            conn.connect()
            check(conn.connected, "login with %s" % (method or "kombu's default (%s)" % conn.login_method))
            if method == "AMQPLAIN":
                mechs = conn.connection.mechanisms
                check(b"AMQPLAIN" in mechs and b"PLAIN" in mechs, "server offers AMQPLAIN and PLAIN: %r" % (mechs,))
    # py-amqp advertises authentication_failure_close, so the broker says why.
    try:
        with Connection(wrong_password(url), login_method="AMQPLAIN", connect_timeout=DEADLINE) as conn:
            conn.connect()
        raise AssertionError("logged in with a wrong password")
    except amqp.exceptions.AccessRefused as e:
        check(e.reply_text == "ACCESS_REFUSED - Login was refused using authentication mechanism AMQPLAIN. "
              "For details see the broker logfile.", "wrong password refused: %s" % e.reply_text)


def produce_consume(conn):
    exchange = Exchange("kb.x", type="direct", durable=False)
    queue = Queue("kb.q", exchange, routing_key="kb.k", durable=False)
    producer = Producer(conn.channel(), exchange=exchange, serializer="json")
    for i in range(3):
        producer.publish({"n": i}, routing_key="kb.k", declare=[queue], headers={"seq": i},
                         correlation_id="c%d" % i)
    got = []

    def on_message(body, message):
        got.append((body, message.headers.get("seq"), message.properties.get("correlation_id"),
                    message.delivery_info["routing_key"], message.delivery_info["exchange"]))
        message.ack()

    with Consumer(conn.channel(), queues=[queue], callbacks=[on_message], accept=["json"]):
        drain(conn, lambda: len(got) == 3, "3 deliveries")
    check(got == [({"n": i}, i, "c%d" % i, "kb.k", "kb.x") for i in range(3)],
          "Producer → Consumer: bodies, headers, correlation ids, delivery info")


def get_next(q):
    """Polls SimpleQueue.get_nowait (basic.get): a put is not confirmed,
    so its message may not be in the queue at once."""
    got = []

    def step():
        try:
            got.append(q.get_nowait())
        except q.Empty:
            time.sleep(0.02)
    until(lambda: got, step, "basic.get")
    return got[0]


def simple_queue(conn):
    q = conn.SimpleQueue("kb.simple", queue_opts={"durable": False}, exchange_opts={"durable": False})
    q.put({"a": 1})
    q.put({"a": 2})
    m = get_next(q)
    check(m.payload == {"a": 1} and not m.delivery_info["redelivered"], "basic.get in order")
    m.requeue()
    m = get_next(q)
    check(m.payload == {"a": 1} and m.delivery_info["redelivered"], "requeued message comes back redelivered")
    m.ack()
    m = get_next(q)
    check(m.payload == {"a": 2}, "then the next")
    m.ack()
    try:
        q.get_nowait()
        raise AssertionError("basic.get of an empty queue returned a message")
    except q.Empty:
        check(True, "basic.get-empty raises Empty")
    q.close()


def rpc(conn):
    """An oslo.messaging-shaped call: a topic exchange, a server queue,
    a per-caller reply queue, replies matched by correlation id."""
    control = Exchange("kb.control", type="topic", durable=False)
    server_q = Queue("kb.compute", control, routing_key="compute", durable=False)
    reply_q = Queue("kb.reply_" + uuid.uuid4().hex, durable=False, exclusive=True, auto_delete=True,
                    queue_arguments={"x-expires": 60000})
    reply_q(conn.channel()).declare()
    server_producer = Producer(conn.channel(), serializer="json")

    def serve(body, message):
        server_producer.publish({"result": body["args"]["a"] + body["args"]["b"]},
                                exchange="", routing_key=message.properties["reply_to"],
                                correlation_id=message.properties["correlation_id"])
        message.ack()

    replies = {}

    def on_reply(body, message):
        replies[message.properties["correlation_id"]] = body
        message.ack()

    with Consumer(conn.channel(), queues=[server_q], callbacks=[serve], accept=["json"]), \
            Consumer(conn.channel(), queues=[reply_q], callbacks=[on_reply], accept=["json"]):
        client = Producer(conn.channel(), exchange=control, serializer="json")
        calls = {str(uuid.uuid4()): (i, i * 10) for i in range(3)}
        for corr, (a, b) in calls.items():
            client.publish({"method": "add", "args": {"a": a, "b": b}}, routing_key="compute",
                           reply_to=reply_q.name, correlation_id=corr, mandatory=True)
        drain(conn, lambda: len(replies) == len(calls), "3 RPC replies")
    check(all(replies[c] == {"result": a + b} for c, (a, b) in calls.items()),
          "RPC replies matched by correlation_id")


def main(url):
    logins(url)
    with Connection(url, login_method="AMQPLAIN") as conn:
        conn.connect()
        produce_consume(conn)
        simple_queue(conn)
        rpc(conn)


if __name__ == "__main__":
    run(main, "usage: kombu_client.py AMQP_URL")
