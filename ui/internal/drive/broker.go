package drive

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/demo"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
)

// Bus is an embedded broker of one test's own, with a session to it.
type Bus struct {
	// URL is the AMQP URL of vhost "/", with credentials; APIURL is the
	// management API's.
	URL, APIURL string
	Session     *broker.Session
	// Common is what the views read: the session as Actions, the
	// snapshot Refresh took, vhost "/", a context ended with the test.
	Common *common.Common
	// Broker is the embedded broker itself.
	Broker *embedded.Broker
	seq    uint64
}

// Start starts an embedded broker on free loopback ports for one test,
// so that no test sees another's queues, and opens a session to it; both
// close when the test ends.
func Start(t testing.TB) *Bus {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b, err := embedded.Start(ctx, embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		t.Fatalf("start the embedded broker: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	bus := &Bus{URL: b.AMQPURL() + "%2f", APIURL: b.APIURL(), Broker: b}
	bus.Session = bus.Open(t, false)
	bus.Common = Common()
	bus.Common.Actions, bus.Common.Ctx = bus.Session, ctx
	return bus
}

// Session opens a session on an embedded broker of the test's own;
// readOnly opens it read-only.
func Session(t testing.TB, readOnly bool) *broker.Session {
	t.Helper()
	bus := Start(t)
	if !readOnly {
		return bus.Session
	}
	return bus.Open(t, true)
}

// Open opens another session on the bus, closed when the test ends;
// readOnly opens it read-only.
func (b *Bus) Open(t testing.TB, readOnly bool) *broker.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := broker.Open(ctx, broker.Config{URL: b.URL, APIURL: b.APIURL, RequireAPI: true, ReadOnly: readOnly, ConnectionName: t.Name()})
	if err != nil {
		t.Fatalf("open a session on the embedded broker: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Demo starts the demo bus on vhost "/" (opts.URL is the bus's), stopped
// when the test ends.
func (b *Bus) Demo(t testing.TB, opts demo.Options) *demo.Demo {
	t.Helper()
	opts.URL = b.URL
	d, err := demo.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start the demo bus: %v", err)
	}
	t.Cleanup(d.Stop)
	return d
}

// Refresh takes a snapshot of the broker into Common.Data, as the
// poller would.
func (b *Bus) Refresh(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := b.Session.Snapshot(ctx, broker.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.seq++
	b.Common.Data.Apply(broker.Update{Seq: b.seq, Snapshot: snap})
}

// Channel opens a channel on the session's connection, closed when the
// test ends.
func (b *Bus) Channel(t testing.TB) *amqp.Channel { return Channel(t, b.Session) }

// Channel opens a channel on a session's connection, closed when the
// test ends.
func Channel(t testing.TB, s *broker.Session) *amqp.Channel {
	t.Helper()
	ch, err := s.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

// Declare declares an exchange of a kind and a queue bound to it by key,
// both auto-deleted (the queue once a consumer has come and gone).
func Declare(t testing.TB, s *broker.Session, exchange, kind, queue, key string) {
	t.Helper()
	ch, err := s.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	if err := ch.ExchangeDeclare(exchange, kind, false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(queue, key, exchange, false, nil); err != nil {
		t.Fatal(err)
	}
}

// Bindings lists the destinations bound from an exchange of vhost "/",
// from the management API.
func Bindings(t testing.TB, s *broker.Session, exchange string) []string {
	t.Helper()
	bs, err := s.API().Bindings(context.Background(), "/")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range bs {
		if b.Source == exchange {
			out = append(out, b.Destination)
		}
	}
	return out
}

// Depth returns how many messages are ready in a queue, from the broker
// (a passive queue.declare, exact at once).
func (b *Bus) Depth(t testing.TB, queue string) int { return Depth(t, b.Session, queue) }

// Depth returns how many messages are ready in a queue on a session's
// broker.
func Depth(t testing.TB, s *broker.Session, queue string) int {
	t.Helper()
	ch, err := s.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	qi, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return qi.Messages
}

// Epoch is the time Stamp gives the first message.
var Epoch = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// Stamp gives the messages a list keeps fixed times, 250 ms apart from
// Epoch, for golden files; call it before the list first draws them.
func Stamp(l *msglist.Model) {
	for i := range l.Len() {
		l.Entry(i).Msg.Received = Epoch.Add(time.Duration(i) * 250 * time.Millisecond)
	}
}
