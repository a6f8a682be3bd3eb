#!/usr/bin/python3
"""Conformance check with pika, a real AMQP 0-9-1 client from Debian.

Usage: pika_client.py AMQP_URL

Declares, publishes with confirms and mandatory, gets, consumes, nacks and
requeues, runs RPC over a reply queue with correlation ids and over direct
reply-to, and checks a channel error and a refused login. Prints one line
per check and exits 0 only if every check passed. The vhost in the URL is
expected to be empty and is left with what the script declared.
"""

import uuid

import pika
import pika.exceptions

from checks import check, run, until, vhost, wrong_password


def pump(conn, done, what):
    """Processes events until done() or the deadline."""
    until(done, lambda: conn.process_data_events(time_limit=0.05), what)


def declare_publish_get(ch):
    ch.exchange_declare("py.x", exchange_type="topic", durable=False)
    q = ch.queue_declare("py.q", durable=False)
    check(q.method.queue == "py.q" and q.method.message_count == 0, "queue.declare-ok py.q, empty")
    ch.queue_bind("py.q", "py.x", routing_key="a.*")
    ch.confirm_delivery()
    props = pika.BasicProperties(
        content_type="application/json", delivery_mode=2, message_id="m-1",
        headers={"n": 1, "s": "str", "l": [1, "two"]},
    )
    ch.basic_publish("py.x", "a.b", b'{"hello": 1}', props, mandatory=True)
    check(True, "confirmed, routed publish")
    try:
        ch.basic_publish("py.x", "b.a", b"lost", mandatory=True)
        raise AssertionError("an unroutable mandatory publish raised nothing")
    except pika.exceptions.UnroutableError as e:
        ret = e.messages[0]
        check(ret.method.reply_code == 312 and ret.method.reply_text == "NO_ROUTE"
              and ret.body == b"lost", "unroutable mandatory publish returned 312 NO_ROUTE with its body")
    q = ch.queue_declare("py.q", passive=True)
    check(q.method.message_count == 1, "passive declare counts 1 message")
    method, got, body = ch.basic_get("py.q")
    check(method.exchange == "py.x" and method.routing_key == "a.b" and not method.redelivered
          and method.message_count == 0, "basic.get-ok fields")
    check(body == b'{"hello": 1}' and got.content_type == "application/json" and got.delivery_mode == 2
          and got.message_id == "m-1", "body and properties")
    check(got.headers == {"n": 1, "s": "str", "l": [1, "two"]}, "headers %r" % (got.headers,))
    ch.basic_nack(method.delivery_tag, requeue=True)
    method, _, body = ch.basic_get("py.q")
    check(method.redelivered and body == b'{"hello": 1}', "requeued message comes back redelivered")
    ch.basic_ack(method.delivery_tag)
    method, _, _ = ch.basic_get("py.q")
    check(method is None, "basic.get-empty")


def consume(conn, ch):
    for i in range(3):
        ch.basic_publish("", "py.q", b"c%d" % i)
    got = []

    def on_message(c, method, props, body):
        got.append(body)
        c.basic_ack(method.delivery_tag)

    ch.basic_qos(prefetch_count=1)
    tag = ch.basic_consume("py.q", on_message)
    pump(conn, lambda: len(got) == 3, "3 deliveries")
    check(got == [b"c0", b"c1", b"c2"], "consumed in order with prefetch 1")
    ch.basic_cancel(tag)


def rpc_reply_queue(conn):
    server = conn.channel()
    server.queue_declare("py.rpc", durable=False)

    def serve(c, method, props, body):
        c.basic_publish("", props.reply_to, b"re: " + body,
                        pika.BasicProperties(correlation_id=props.correlation_id))
        c.basic_ack(method.delivery_tag)

    server.basic_consume("py.rpc", serve)
    client = conn.channel()
    reply = client.queue_declare("", exclusive=True).method.queue
    check(reply.startswith("amq.gen-"), "server-named reply queue " + reply)
    replies = {}

    def on_reply(c, method, props, body):
        replies[props.correlation_id] = body

    client.basic_consume(reply, on_reply, auto_ack=True)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for i, corr in enumerate(ids):
        client.basic_publish("", "py.rpc", b"call %d" % i,
                             pika.BasicProperties(reply_to=reply, correlation_id=corr))
    pump(conn, lambda: len(replies) == len(ids), "3 RPC replies")
    check(all(replies[c] == b"re: call %d" % i for i, c in enumerate(ids)), "RPC replies matched by correlation_id")
    return client


def rpc_direct_reply_to(conn, client):
    got = []
    client.basic_consume("amq.rabbitmq.reply-to", lambda c, m, p, b: got.append((p.correlation_id, b)), auto_ack=True)
    client.basic_publish("", "py.rpc", b"direct",
                         pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id="d-1"))
    pump(conn, lambda: got, "direct reply-to reply")
    check(got == [("d-1", b"re: direct")], "RPC over amq.rabbitmq.reply-to")


def channel_error(conn, url):
    ch = conn.channel()
    try:
        ch.queue_declare("py.missing", passive=True)
        raise AssertionError("passive declare of a missing queue succeeded")
    except pika.exceptions.ChannelClosedByBroker as e:
        check(e.reply_code == 404 and e.reply_text == "NOT_FOUND - no queue 'py.missing' in vhost '%s'" % vhost(url),
              "channel closed 404: %s" % e.reply_text)
    check(conn.is_open, "the connection survives a channel error")


def refused_login(url):
    params = pika.URLParameters(wrong_password(url))
    params.connection_attempts = 1
    try:
        pika.BlockingConnection(params).close()
        raise AssertionError("logged in with a wrong password")
    except pika.exceptions.ProbableAuthenticationError as e:
        # pika advertises authentication_failure_close, so the broker says why.
        check("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN" in str(e),
              "wrong password refused: %s" % e)


def main(url):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    declare_publish_get(ch)
    consume(conn, ch)
    client = rpc_reply_queue(conn)
    rpc_direct_reply_to(conn, client)
    channel_error(conn, url)
    conn.close()
    refused_login(url)


if __name__ == "__main__":
    run(main, "usage: pika_client.py AMQP_URL")
