package broker

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker/embedded"
)

// brokerTarget is a broker the publish, tap, consume and RPC tests run
// against; the same test code runs on each (see conformance's Target for
// the same idea).
type brokerTarget struct {
	name string
	// start, when set, starts an in-process broker once per test binary
	// and returns its URLs; nil is the RabbitMQ of live().
	start func() (amqpURL, apiURL string, err error)
}

// brokerTargets are RabbitMQ and kaiten's embedded broker.
func brokerTargets() []brokerTarget {
	return []brokerTarget{
		{name: "rabbitmq"},
		{name: "embedded", start: startEmbedded},
	}
}

// startEmbedded starts the embedded broker on free loopback ports, once
// per test binary.
func startEmbedded() (amqpURL, apiURL string, err error) {
	urls, err := embeddedURLs()
	return urls[0], urls[1], err
}

var embeddedURLs = sync.OnceValues(func() ([2]string, error) {
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		return [2]string{}, err
	}
	return [2]string{b.AMQPURL(), b.APIURL()}, nil
})

// forEachTarget runs f as a subtest on every target.
func forEachTarget(t *testing.T, f func(t *testing.T, r *liveRabbit)) {
	t.Helper()
	for _, tg := range brokerTargets() {
		t.Run(tg.name, func(t *testing.T) { f(t, tg.reach(t)) })
	}
}

// reach returns the target as a liveRabbit, skipping (or failing under
// CI=true) when RabbitMQ is not there.
func (tg brokerTarget) reach(t *testing.T) *liveRabbit {
	t.Helper()
	if tg.start == nil {
		return live(t)
	}
	amqpURL, apiURL, err := tg.start()
	if err != nil {
		t.Fatalf("start %s: %v", tg.name, err)
	}
	ep, err := Config{URL: amqpURL, APIURL: apiURL}.Endpoints()
	if err != nil {
		t.Fatal(err)
	}
	admin, err := NewAPI(ep.API, TLSOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &liveRabbit{amqpURL: amqpURL, apiURL: apiURL, admin: admin}
}

// scratch is a fresh vhost on a target with a session and a plain AMQP
// channel of the test's own to it.
type scratch struct {
	r     *liveRabbit
	vhost string
	s     *Session
	ch    *amqp.Channel
}

// newScratch makes a vhost and opens a session (named for the test, to
// find its connection) and a channel to it.
func newScratch(t *testing.T, r *liveRabbit, name string) *scratch {
	t.Helper()
	vhost := r.vhost(t, "kaiten-streams-")
	admin, err := ParseURI(r.amqpURL)
	must(t, err)
	url := r.url(t, admin.Username, admin.Password(), vhost)
	s, err := Open(testCtx(t), Config{URL: url, APIURL: r.apiURL, RequireAPI: true, ConnectionName: name})
	must(t, err)
	t.Cleanup(func() { _ = s.Close() })
	conn, err := amqp.Dial(url)
	must(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	must(t, err)
	return &scratch{r: r, vhost: vhost, s: s, ch: ch}
}

// queue declares a queue bound to an exchange with a key and arguments.
func (sc *scratch) queue(t *testing.T, name, exchange, key string, args amqp.Table) {
	t.Helper()
	_, err := sc.ch.QueueDeclare(name, false, false, false, false, nil)
	must(t, err)
	if exchange != "" {
		must(t, sc.ch.QueueBind(name, key, exchange, false, args))
	}
}

// depth returns how many messages a queue holds now.
func (sc *scratch) depth(t *testing.T, name string) int {
	t.Helper()
	q, err := sc.ch.QueueDeclarePassive(name, false, false, false, false, nil)
	must(t, err)
	return q.Messages
}

// waitDepth waits until a queue holds n messages ready.
func (sc *scratch) waitDepth(t *testing.T, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for got := sc.depth(t, name); got != n; got = sc.depth(t, name) {
		if time.Now().After(deadline) {
			t.Fatalf("queue %s holds %d messages ready, want %d", name, got, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// publish publishes a message from the test's own channel.
func (sc *scratch) publish(t *testing.T, exchange, key string, headers amqp.Table, body string) {
	t.Helper()
	must(t, sc.ch.Publish(exchange, key, false, false, amqp.Publishing{Headers: headers, Body: []byte(body)}))
}

// queueNames lists the vhost's queues through the management API.
func (sc *scratch) queueNames(t *testing.T) []string {
	t.Helper()
	qs, err := sc.r.admin.Queues(testCtx(t), sc.vhost, ListOptions{})
	must(t, err)
	names := make([]string, len(qs))
	for i, q := range qs {
		names[i] = q.Name
	}
	return names
}

// dropConnection closes the session's connection from the broker's side.
func (sc *scratch) dropConnection(t *testing.T, clientName string) {
	t.Helper()
	ctx := testCtx(t)
	var conn string
	waitFor(t, "the connection to be listed", 15*time.Second, func() bool {
		cs, err := sc.r.admin.Connections(ctx, sc.vhost, ListOptions{})
		must(t, err)
		for _, c := range cs {
			if c.ClientName == clientName {
				conn = c.Name
			}
		}
		return conn != ""
	})
	sc.r.adminDo(t, http.MethodDelete, apiPath("connections", conn), nil)
}

// collector reads a stream's batches in the background.
type collector struct {
	mu     sync.Mutex
	msgs   []Message
	events []Event
	done   chan struct{}
}

func collect(batches <-chan Batch) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for b := range batches {
			c.mu.Lock()
			c.msgs = append(c.msgs, b.Messages...)
			c.events = append(c.events, b.Events...)
			c.mu.Unlock()
		}
	}()
	return c
}

// wait waits until n messages came and returns them.
func (c *collector) wait(t *testing.T, n int) []Message {
	t.Helper()
	var got []Message
	waitFor(t, "messages", 15*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		got = append([]Message(nil), c.msgs...)
		return len(got) >= n
	})
	return got
}

// waitEvent waits for an event of the kind and returns it.
func (c *collector) waitEvent(t *testing.T, kind EventKind) Event {
	t.Helper()
	var ev Event
	waitFor(t, "a "+kind.String()+" event", 30*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, e := range c.events {
			if e.Kind == kind {
				ev = e
				return true
			}
		}
		return false
	})
	return ev
}

// reset forgets what was collected.
func (c *collector) reset() {
	c.mu.Lock()
	c.msgs, c.events = nil, nil
	c.mu.Unlock()
}

func keysOf(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.RoutingKey
	}
	return out
}
