package conformance

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// brokerTargets are the brokers every TestBroker* test runs against.
func brokerTargets() []Target {
	return []Target{
		rabbitMQTarget(),
		{Name: "embedded", Start: startEmbedded},
	}
}

// wait bounds every "eventually": generous, since only a broken broker
// gets near it.
const wait = 10 * time.Second

// brokerCase is one behaviour, checked on every target.
type brokerCase struct {
	name string
	run  func(t *testing.T, tb *testBroker)
}

// testBroker is one target reached for one test.
type testBroker struct {
	Target
	*Broker
	version string
}

// runBrokerCases runs each case as target/case, cases of a target in
// parallel (they share nothing: each makes its own vhost).
func runBrokerCases(t *testing.T, cases []brokerCase) {
	for _, tg := range brokerTargets() {
		t.Run(tg.Name, func(t *testing.T) {
			b, version := requireTarget(t, tg)
			tb := &testBroker{Target: tg, Broker: b, version: version}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, tb)
				})
			}
		})
	}
}

// vhost is a fresh vhost on a target with one connection open to it.
type vhost struct {
	t    *testing.T
	b    *testBroker
	name string
	conn *amqp.Connection
}

// vhost creates a vhost named after the test, deleted when it ends.
func (tb *testBroker) vhost(t *testing.T) *vhost {
	t.Helper()
	name := "kaiten-conformance-" + strings.NewReplacer("/", ".", " ", "_").Replace(t.Name())
	return &vhost{t: t, b: tb, name: name, conn: freshVhost(t, tb.Broker, name)}
}

// dial opens another connection to the vhost, closed when the test ends.
func (v *vhost) dial() *amqp.Connection {
	v.t.Helper()
	return v.dialConfig(amqp.Config{Heartbeat: 10 * time.Second})
}

// dialConfig is dial with the client settings in cfg.
func (v *vhost) dialConfig(cfg amqp.Config) *amqp.Connection {
	v.t.Helper()
	c, err := v.b.DialConfig(v.name, cfg)
	if err != nil {
		v.t.Fatalf("connect to vhost %q: %v", v.name, err)
	}
	v.t.Cleanup(func() { _ = c.Close() })
	return c
}

// ch opens a channel on the vhost's connection.
func (v *vhost) ch() *amqp.Channel {
	v.t.Helper()
	return openChannel(v.t, v.conn)
}

// confirmCh opens a channel in confirm mode.
func (v *vhost) confirmCh() *amqp.Channel {
	v.t.Helper()
	ch := v.ch()
	if err := ch.Confirm(false); err != nil {
		v.t.Fatalf("confirm.select: %v", err)
	}
	return ch
}

func openChannel(t *testing.T, conn *amqp.Connection) *amqp.Channel {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("channel.open: %v", err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

// queue declares a transient queue with the arguments.
func (v *vhost) queue(ch *amqp.Channel, name string, args amqp.Table) {
	v.t.Helper()
	if _, err := ch.QueueDeclare(name, false, false, false, false, args); err != nil {
		v.t.Fatalf("queue.declare %q: %v", name, err)
	}
}

// exchange declares a transient exchange.
func (v *vhost) exchange(ch *amqp.Channel, name, kind string) {
	v.t.Helper()
	if err := ch.ExchangeDeclare(name, kind, false, false, false, false, nil); err != nil {
		v.t.Fatalf("exchange.declare %q: %v", name, err)
	}
}

// bind binds the queue to the exchange.
func (v *vhost) bind(ch *amqp.Channel, queue, key, exchange string) {
	v.t.Helper()
	if err := ch.QueueBind(queue, key, exchange, false, nil); err != nil {
		v.t.Fatalf("queue.bind %q → %q key %q: %v", exchange, queue, key, err)
	}
}

// send publishes without mandatory.
func send(t *testing.T, ch *amqp.Channel, exchange, key string, p amqp.Publishing) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := ch.PublishWithContext(ctx, exchange, key, false, false, p); err != nil {
		t.Fatalf("basic.publish to %q key %q: %v", exchange, key, err)
	}
}

// publishConfirmed publishes on a confirm-mode channel and waits for the
// broker's ack: once it has come, the message is in its queues.
func publishConfirmed(t *testing.T, ch *amqp.Channel, exchange, key string, p amqp.Publishing) {
	t.Helper()
	if !publishConfirm(t, ch, exchange, key, false, p) {
		t.Fatalf("basic.publish to %q key %q: nacked", exchange, key)
	}
}

// publishConfirm publishes on a confirm-mode channel and returns whether
// the broker acked it.
func publishConfirm(t *testing.T, ch *amqp.Channel, exchange, key string, mandatory bool, p amqp.Publishing) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, mandatory, false, p)
	if err != nil {
		t.Fatalf("basic.publish to %q key %q: %v", exchange, key, err)
	}
	ok, err := dc.WaitContext(ctx)
	if err != nil {
		t.Fatalf("confirm of basic.publish to %q key %q: %v", exchange, key, err)
	}
	return ok
}

// text is a publishing of a text body.
func text(body string) amqp.Publishing {
	return amqp.Publishing{ContentType: "text/plain", Body: []byte(body)}
}

// consume starts a consumer with a server-chosen tag.
func consume(t *testing.T, ch *amqp.Channel, queue string, autoAck bool) <-chan amqp.Delivery {
	t.Helper()
	msgs, err := ch.Consume(queue, "", autoAck, false, false, false, nil)
	if err != nil {
		t.Fatalf("basic.consume %q: %v", queue, err)
	}
	return msgs
}

// next returns the next delivery, failing if none comes in time or the
// consumer ends.
func next(t *testing.T, msgs <-chan amqp.Delivery) amqp.Delivery {
	t.Helper()
	select {
	case d, ok := <-msgs:
		if !ok {
			t.Fatal("the consumer ended before a delivery came")
		}
		return d
	case <-time.After(wait):
		t.Fatalf("no delivery within %v", wait)
	}
	panic("unreachable")
}

// bodies returns the next n deliveries' bodies.
func bodies(t *testing.T, msgs <-chan amqp.Delivery, n int) ([]string, []amqp.Delivery) {
	t.Helper()
	var (
		out []string
		ds  []amqp.Delivery
	)
	for range n {
		d := next(t, msgs)
		out = append(out, string(d.Body))
		ds = append(ds, d)
	}
	return out, ds
}

// get does basic.get with manual ack and fails when the queue is empty.
func get(t *testing.T, ch *amqp.Channel, queue string) amqp.Delivery {
	t.Helper()
	d, ok, err := ch.Get(queue, false)
	if err != nil {
		t.Fatalf("basic.get %q: %v", queue, err)
	}
	if !ok {
		t.Fatalf("basic.get %q: get-empty", queue)
	}
	return d
}

// messages is the ready count queue.declare passive reports.
func messages(t *testing.T, conn *amqp.Connection, queue string) int {
	t.Helper()
	return inspect(t, conn, queue).Messages
}

// inspect is queue.declare passive on a channel of its own.
func inspect(t *testing.T, conn *amqp.Connection, queue string) amqp.Queue {
	t.Helper()
	ch := openChannel(t, conn)
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		t.Fatalf("queue.declare passive %q: %v", queue, err)
	}
	return q
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", wait, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// queueExists asks with queue.declare passive on a channel of its own,
// since a missing queue closes the channel.
func queueExists(t *testing.T, conn *amqp.Connection, queue string) bool {
	t.Helper()
	ch := openChannel(t, conn)
	defer ch.Close()
	_, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	var e *amqp.Error
	if errors.As(err, &e) && e.Code == amqp.NotFound {
		return false
	}
	if err != nil {
		t.Fatalf("queue.declare passive %q: %v", queue, err)
	}
	return true
}

// wantError checks that err is the reply the broker sent, code and text
// exactly.
func wantError(t *testing.T, what string, err error, code int, reason string) {
	t.Helper()
	var e *amqp.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: got %v, want the broker's %d %q", what, err, code, reason)
	}
	if e.Code != code || e.Reason != reason || !e.Server {
		t.Fatalf("%s:\n got %d %q (from the broker: %v)\nwant %d %q", what, e.Code, e.Reason, e.Server, code, reason)
	}
}

// shortText is a reply text as the broker sends it: a shortstr, so
// RabbitMQ cuts a longer one to 252 bytes and "...".
func shortText(s string) string {
	if len(s) <= 255 {
		return s
	}
	return s[:252] + "..."
}

// wantChannelError checks err as wantError does, and that it closed only
// the channel: the connection still opens channels.
func wantChannelError(t *testing.T, conn *amqp.Connection, what string, err error, code int, reason string) {
	t.Helper()
	wantError(t, what, err, code, reason)
	if conn.IsClosed() {
		t.Fatalf("%s: the broker closed the connection, want a channel error only", what)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("%s: channel.open after the channel error: %v", what, err)
	}
	_ = ch.Close()
}

// wantConnectionError checks err as wantError does, and that it closed the
// connection.
func wantConnectionError(t *testing.T, conn *amqp.Connection, what string, err error, code int, reason string) {
	t.Helper()
	wantError(t, what, err, code, reason)
	eventually(t, what+": connection closed", conn.IsClosed)
}

// closeReason waits for the error the broker closed the channel with.
func closeReason(t *testing.T, closed <-chan *amqp.Error) *amqp.Error {
	t.Helper()
	select {
	case e, ok := <-closed:
		if !ok || e == nil {
			t.Fatal("the channel closed without an error")
		}
		return e
	case <-time.After(wait):
		t.Fatalf("the broker did not close the channel within %v", wait)
	}
	panic("unreachable")
}

// equal fails the test when got differs from want.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, show(got), show(want))
	}
}

func show(v any) string { return fmt.Sprintf("%#v", v) }
