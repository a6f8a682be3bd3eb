// Package livebus starts a real broker for the views' Update tests: the
// embedded broker on free loopback ports, a broker.Session to it, and the
// views' Common holding the session's actions and its live snapshot.
// Only tests import it.
package livebus

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Bus is a running embedded broker with a session to it.
type Bus struct {
	// URL is the AMQP URL of vhost "/", with credentials.
	URL     string
	Session *broker.Session
	// Common is what the views read: the session as Actions, the
	// snapshot Refresh took, vhost "/".
	Common *common.Common
	// Conn is a plain AMQP connection of the test's own.
	Conn *amqp.Connection
	seq  uint64
}

// Start starts an embedded broker for one test, with a session and a
// connection to it; all are closed when the test ends.
func Start(t testing.TB) *Bus {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b, err := embedded.Start(ctx, embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	url := b.AMQPURL() + "%2f"
	octx, ocancel := context.WithTimeout(ctx, 10*time.Second)
	defer ocancel()
	s, err := broker.Open(octx, broker.Config{URL: url, APIURL: b.APIURL(), RequireAPI: true, ConnectionName: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	bus := &Bus{URL: url, Session: s, Conn: conn}
	bus.Common = &common.Common{
		Styles: styles.New(themes.Dark(), false), Data: &common.Data{}, Vhost: "/",
		Actions: s, Ctx: ctx,
	}
	return bus
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

// Channel opens a channel on the test's connection, closed at the end.
func (b *Bus) Channel(t testing.TB) *amqp.Channel {
	t.Helper()
	ch, err := b.Conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

// Depth returns how many messages a queue holds, as the broker counts
// them.
func (b *Bus) Depth(t testing.TB, queue string) int {
	t.Helper()
	ch := b.Channel(t)
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q.Messages
}
