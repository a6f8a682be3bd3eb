package conformance

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerDeadLetter checks dead-lettering (rejected, expired, maxlen)
// with the x-death and x-first-death-* headers, TTL and expiry,
// max-length overflow, x-expires, and the same keys set by policy.
func TestBrokerDeadLetter(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"rejected", deadRejected},
		{"rejected-with-routing-key", deadRejectedRoutingKey},
		{"rejected-twice-counts", deadRejectedTwice},
		{"expired-per-message", deadExpiredPerMessage},
		{"expired-queue-ttl", deadExpiredQueueTTL},
		{"expired-without-dlx", deadExpiredDropped},
		{"maxlen-drop-head", deadMaxLenDropHead},
		{"maxlen-bytes-drop-head", deadMaxLenBytes},
		{"overflow-reject-publish", deadOverflowRejectPublish},
		{"overflow-reject-publish-dlx", deadOverflowRejectPublishDLX},
		{"x-expires-deletes-unused-queue", deadQueueExpires},
		{"policy-dlx-and-ttl", deadPolicy},
		{"argument-beats-policy", deadArgumentBeatsPolicy},
	})
}

// death is one x-death entry without its time.
type death struct {
	Count       int64
	Reason      string
	Queue       string
	Exchange    string
	RoutingKeys []any
	// OriginalExpiration is set only for a message that had its own TTL.
	OriginalExpiration string
}

// table is the entry as the broker sends it, less "time".
func (d death) table() amqp.Table {
	t := amqp.Table{
		"count": d.Count, "reason": d.Reason, "queue": d.Queue,
		"exchange": d.Exchange, "routing-keys": d.RoutingKeys,
	}
	if d.OriginalExpiration != "" {
		t["original-expiration"] = d.OriginalExpiration
	}
	return t
}

// deathHeaders are the headers dead-lettering adds: x-death (most recent
// first), x-first-death-* from the first death, and on 3.13 and later
// x-last-death-* from the last.
func deathHeaders(version string, deaths ...death) amqp.Table {
	h := amqp.Table{}
	var xd []any
	for _, d := range deaths {
		xd = append(xd, d.table())
	}
	h["x-death"] = xd
	first := deaths[len(deaths)-1]
	h["x-first-death-queue"], h["x-first-death-reason"], h["x-first-death-exchange"] = first.Queue, first.Reason, first.Exchange
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err == nil && (major > 3 || major == 3 && minor >= 13) {
		last := deaths[0]
		h["x-last-death-queue"], h["x-last-death-reason"], h["x-last-death-exchange"] = last.Queue, last.Reason, last.Exchange
	}
	return h
}

// wantDeaths checks a dead-lettered message's headers: the dead-letter
// ones exactly, each x-death time a timestamp, and other headers as given.
func wantDeaths(t *testing.T, tb *testBroker, d amqp.Delivery, other amqp.Table, deaths ...death) {
	t.Helper()
	got := amqp.Table{}
	for k, val := range d.Headers {
		got[k] = val
	}
	if xd, ok := got["x-death"].([]any); ok {
		stripped := make([]any, len(xd))
		for i, e := range xd {
			entry, ok := e.(amqp.Table)
			if !ok {
				t.Fatalf("x-death[%d] is %T, want a table", i, e)
			}
			c := amqp.Table{}
			for k, val := range entry {
				c[k] = val
			}
			if ts, ok := c["time"].(time.Time); !ok || ts.IsZero() {
				t.Fatalf("x-death[%d].time = %#v, want a timestamp", i, c["time"])
			}
			delete(c, "time")
			stripped[i] = c
		}
		got["x-death"] = stripped
	}
	want := deathHeaders(tb.version, deaths...)
	for k, val := range other {
		want[k] = val
	}
	equal(t, "headers of the dead-lettered message", got, want)
}

// dlxQueue declares a fanout dead-letter exchange and a queue bound to it,
// and consumes from the queue.
func dlxQueue(t *testing.T, v *vhost, exchange, queue string) <-chan amqp.Delivery {
	t.Helper()
	ch := v.ch()
	v.exchange(ch, exchange, "fanout")
	v.queue(ch, queue, nil)
	v.bind(ch, queue, "", exchange)
	return consume(t, ch, queue, true)
}

func deadRejected(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.exchange(ch, "work", "direct")
	v.queue(ch, "src", amqp.Table{"x-dead-letter-exchange": "dlx"})
	v.bind(ch, "src", "k", "work")
	publishConfirmed(t, ch, "work", "k", amqp.Publishing{
		Headers: amqp.Table{"app": "kept"}, MessageId: "id-1", Body: []byte("rejected"),
	})
	if err := get(t, ch, "src").Reject(false); err != nil {
		t.Fatal(err)
	}
	d := next(t, dead)
	equal(t, "dead-lettered delivery", []any{d.Exchange, d.RoutingKey, d.Redelivered, d.MessageId, string(d.Body)},
		[]any{"dlx", "k", false, "id-1", "rejected"})
	wantDeaths(t, tb, d, amqp.Table{"app": "kept"},
		death{Count: 1, Reason: "rejected", Queue: "src", Exchange: "work", RoutingKeys: []any{"k"}})
}

// deadRejectedRoutingKey: x-dead-letter-routing-key replaces the keys
// and drops CC; x-death still lists the original key and CC, not BCC.
func deadRejectedRoutingKey(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.exchange(ch, "dlx", "direct")
	v.queue(ch, "dead", nil)
	v.bind(ch, "dead", "dl-key", "dlx")
	dead := consume(t, v.ch(), "dead", true)
	v.queue(ch, "src", amqp.Table{"x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "dl-key"})
	v.queue(ch, "other", nil)
	publishConfirmed(t, ch, "", "src", amqp.Publishing{
		Headers: amqp.Table{"CC": []any{"other"}, "BCC": []any{"nowhere"}}, Body: []byte("m"),
	})
	if err := get(t, ch, "src").Nack(false, false); err != nil {
		t.Fatal(err)
	}
	d := next(t, dead)
	equal(t, "exchange and key", []string{d.Exchange, d.RoutingKey}, []string{"dlx", "dl-key"})
	wantDeaths(t, tb, d, nil,
		death{Count: 1, Reason: "rejected", Queue: "src", Exchange: "", RoutingKeys: []any{"src", "other"}})
}

// deadRejectedTwice: a queue that dead-letters into itself; the second
// death of the same reason in the same queue counts up the one entry.
func deadRejectedTwice(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "loop", amqp.Table{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "loop"})
	publishConfirmed(t, ch, "", "loop", text("again"))
	if err := get(t, ch, "loop").Reject(false); err != nil {
		t.Fatal(err)
	}
	var d amqp.Delivery
	eventually(t, "dead-lettered back into loop", func() bool {
		var ok bool
		var err error
		d, ok, err = ch.Get("loop", false)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	})
	wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "rejected", Queue: "loop", Exchange: "", RoutingKeys: []any{"loop"}})
	if err := d.Reject(false); err != nil {
		t.Fatal(err)
	}
	d = next(t, consume(t, ch, "loop", true))
	equal(t, "exchange and key", []string{d.Exchange, d.RoutingKey}, []string{"", "loop"})
	wantDeaths(t, tb, d, nil, death{Count: 2, Reason: "rejected", Queue: "loop", Exchange: "", RoutingKeys: []any{"loop"}})
}

// deadExpiredPerMessage: the message's own TTL, alone and under a longer
// or shorter queue TTL; the dead-lettered copy has no expiration left and
// x-death keeps it.
func deadExpiredPerMessage(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	for _, c := range []struct {
		queue      string
		args       amqp.Table
		expiration string
	}{
		{"alone", nil, "100"},
		{"under-longer-queue-ttl", amqp.Table{"x-message-ttl": int32(60000)}, "50"},
		{"under-shorter-queue-ttl", amqp.Table{"x-message-ttl": int32(50)}, "60000"},
	} {
		args := amqp.Table{"x-dead-letter-exchange": "dlx"}
		for k, val := range c.args {
			args[k] = val
		}
		v.queue(ch, c.queue, args)
		publishConfirmed(t, ch, "", c.queue, amqp.Publishing{Expiration: c.expiration, Body: []byte(c.queue)})
		d := next(t, dead)
		equal(t, c.queue+": body, key, expiration", []string{string(d.Body), d.RoutingKey, d.Expiration},
			[]string{c.queue, c.queue, ""})
		wantDeaths(t, tb, d, nil, death{
			Count: 1, Reason: "expired", Queue: c.queue, Exchange: "", RoutingKeys: []any{c.queue},
			OriginalExpiration: c.expiration,
		})
	}
}

func deadExpiredQueueTTL(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.queue(ch, "ttl", amqp.Table{"x-message-ttl": int32(100), "x-dead-letter-exchange": "dlx"})
	for i := range 3 {
		publishConfirmed(t, ch, "", "ttl", text(fmt.Sprintf("m%d", i)))
	}
	got, ds := bodies(t, dead, 3)
	equal(t, "expired in order", got, []string{"m0", "m1", "m2"})
	for _, d := range ds {
		wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "expired", Queue: "ttl", Exchange: "", RoutingKeys: []any{"ttl"}})
	}
}

// deadExpiredDropped: without a dead-letter exchange an expired message
// is just gone; TTL 0 expires anything not delivered at once.
func deadExpiredDropped(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.queue(ch, "q", nil)
	publishConfirmed(t, ch, "", "q", amqp.Publishing{Expiration: "50", Body: []byte("short")})
	publishConfirmed(t, ch, "", "q", amqp.Publishing{Expiration: "0", Body: []byte("zero")})
	publishConfirmed(t, ch, "", "q", text("stays"))
	eventually(t, "the two expired messages are gone", func() bool { return messages(t, v.conn, "q") == 1 })
	equal(t, "what is left", string(get(t, ch, "q").Body), "stays")
	// With a consumer waiting, TTL 0 is delivered.
	msgs := consume(t, ch, "q", true)
	publishConfirmed(t, ch, "", "q", amqp.Publishing{Expiration: "0", Body: []byte("at once")})
	d := next(t, msgs)
	equal(t, "TTL 0 to a waiting consumer", []string{string(d.Body), d.Expiration}, []string{"at once", "0"})
}

func deadMaxLenDropHead(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.queue(ch, "q", amqp.Table{"x-max-length": int32(2), "x-dead-letter-exchange": "dlx"})
	for i := range 4 {
		publishConfirmed(t, ch, "", "q", text(fmt.Sprintf("m%d", i)))
	}
	got, ds := bodies(t, dead, 2)
	equal(t, "dropped from the head", got, []string{"m0", "m1"})
	for _, d := range ds {
		wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "maxlen", Queue: "q", Exchange: "", RoutingKeys: []any{"q"}})
	}
	equal(t, "ready", messages(t, v.conn, "q"), 2)
	equal(t, "kept", string(get(t, ch, "q").Body), "m2")
}

func deadMaxLenBytes(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.queue(ch, "q", amqp.Table{"x-max-length-bytes": int32(10), "x-dead-letter-exchange": "dlx"})
	for _, b := range []string{"aaaa", "bbbb", "cccc"} {
		publishConfirmed(t, ch, "", "q", text(b))
	}
	d := next(t, dead)
	equal(t, "dropped", string(d.Body), "aaaa")
	wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "maxlen", Queue: "q", Exchange: "", RoutingKeys: []any{"q"}})
	equal(t, "ready", messages(t, v.conn, "q"), 2)
}

// deadOverflowRejectPublish: a full queue refuses the new message: a
// nack, no basic.return even with mandatory, and other queues still get
// their copy.
func deadOverflowRejectPublish(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	v.queue(ch, "full", amqp.Table{"x-max-length": int32(1), "x-overflow": "reject-publish"})
	v.queue(ch, "open", nil)
	v.bind(ch, "full", "", "amq.fanout")
	v.bind(ch, "open", "", "amq.fanout")
	if !publishConfirm(t, ch, "amq.fanout", "", true, text("m0")) {
		t.Fatal("the first message was nacked")
	}
	if publishConfirm(t, ch, "amq.fanout", "", true, text("m1")) {
		t.Fatal("the message over x-max-length was acked, want a nack")
	}
	select {
	case r := <-returns:
		t.Fatalf("basic.return %d %s for a message a full queue refused", r.ReplyCode, r.ReplyText)
	default:
	}
	equal(t, "in full", string(get(t, ch, "full").Body), "m0")
	equal(t, "in open", messages(t, v.conn, "open"), 2)
	// Room again: accepted.
	if !publishConfirm(t, ch, "amq.fanout", "", true, text("m2")) {
		t.Fatal("nacked with room in the queue")
	}
}

func deadOverflowRejectPublishDLX(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.queue(ch, "full", amqp.Table{
		"x-max-length": int32(1), "x-overflow": "reject-publish-dlx", "x-dead-letter-exchange": "dlx",
	})
	publishConfirmed(t, ch, "", "full", text("m0"))
	if publishConfirm(t, ch, "", "full", false, text("m1")) {
		t.Fatal("the message over x-max-length was acked, want a nack")
	}
	d := next(t, dead)
	equal(t, "dead-lettered", string(d.Body), "m1")
	wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "maxlen", Queue: "full", Exchange: "", RoutingKeys: []any{"full"}})
}

// deadQueueExpires: an unused queue with x-expires is deleted, and its
// messages are not dead-lettered.
func deadQueueExpires(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := v.confirmCh()
	v.exchange(ch, "dlx", "fanout")
	v.queue(ch, "dead", nil)
	v.bind(ch, "dead", "", "dlx")
	v.queue(ch, "brief", amqp.Table{"x-expires": int32(200), "x-dead-letter-exchange": "dlx"})
	publishConfirmed(t, ch, "", "brief", text("lost with the queue"))
	// Polled through the management API: a passive queue.declare would
	// renew the lease.
	eventually(t, "the queue expires", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		names, err := tb.QueueNames(ctx, v.name)
		if err != nil {
			t.Fatal(err)
		}
		return !slices.Contains(names, "brief")
	})
	equal(t, "dead-lettered", messages(t, v.conn, "dead"), 0)
}

// deadPolicy: dead-letter-exchange and message-ttl from a policy, on a
// queue declared after it and on one declared before.
func deadPolicy(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	dead := dlxQueue(t, v, "dlx", "dead")
	ch := v.confirmCh()
	v.queue(ch, "pol.before", nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := tb.SetPolicy(ctx, v.name, PolicyDecl{
		Name: "dl", Pattern: `^pol\.`, ApplyTo: "queues",
		Definition: map[string]any{"dead-letter-exchange": "dlx", "message-ttl": 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	v.queue(ch, "pol.after", nil)
	if err := tb.WaitQueuePolicies(ctx, v.name, map[string]string{"pol.before": "dl", "pol.after": "dl"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"pol.after", "pol.before"} {
		publishConfirmed(t, ch, "", q, text(q))
		d := next(t, dead)
		equal(t, "dead-lettered", string(d.Body), q)
		wantDeaths(t, tb, d, nil, death{Count: 1, Reason: "expired", Queue: q, Exchange: "", RoutingKeys: []any{q}})
	}
}

// deadArgumentBeatsPolicy: the queue's own x-dead-letter-exchange wins
// over the policy's.
func deadArgumentBeatsPolicy(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	byArg := dlxQueue(t, v, "dlx-arg", "dead-arg")
	dlxQueue(t, v, "dlx-policy", "dead-policy")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := tb.SetPolicy(ctx, v.name, PolicyDecl{
		Name: "dl", Pattern: "^src$", ApplyTo: "queues",
		Definition: map[string]any{"dead-letter-exchange": "dlx-policy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := v.confirmCh()
	v.queue(ch, "src", amqp.Table{"x-dead-letter-exchange": "dlx-arg"})
	if err := tb.WaitQueuePolicies(ctx, v.name, map[string]string{"src": "dl"}); err != nil {
		t.Fatal(err)
	}
	publishConfirmed(t, ch, "", "src", text("m"))
	if err := get(t, ch, "src").Reject(false); err != nil {
		t.Fatal(err)
	}
	d := next(t, byArg)
	equal(t, "dead-lettered through", d.Exchange, "dlx-arg")
	equal(t, "in the policy's queue", messages(t, v.conn, "dead-policy"), 0)
}
