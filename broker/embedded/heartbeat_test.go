package embedded

import (
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
)

// TestHeartbeatMissed: the server sends heartbeats at the negotiated
// interval while idle, and closes the socket of a client silent for two
// intervals, as rabbit_heartbeat does.
func TestHeartbeatMissed(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	r := dialRaw(t, b)
	r.open("/", wire.ConnectionTuneOk{Heartbeat: 1})
	begin := time.Now()
	beats := 0
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			break
		}
		if f.Type != wire.FrameHeartbeat || f.Channel != 0 {
			t.Fatalf("frame type %d on channel %d, want heartbeats only", f.Type, f.Channel)
		}
		beats++
	}
	d := time.Since(begin)
	if beats < 1 || d < 1500*time.Millisecond || d > 4*time.Second {
		t.Fatalf("%d heartbeats, socket closed after %v; want heartbeats, then a close after two silent 1s intervals", beats, d)
	}
}

// TestHeartbeatKeepsAlive: a client that heartbeats (amqp091-go) stays
// connected through idle intervals.
func TestHeartbeatKeepsAlive(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{Heartbeat: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.Config.Heartbeat != time.Second {
		t.Fatalf("negotiated heartbeat %v", conn.Config.Heartbeat)
	}
	time.Sleep(3500 * time.Millisecond)
	if conn.IsClosed() {
		t.Fatal("an idle, heartbeating connection was closed")
	}
	ch := openCh(t, conn)
	if _, err := ch.QueueDeclare("", false, true, true, false, nil); err != nil {
		t.Fatal(err)
	}
}

// TestHeartbeatAfterTraffic: amqp091-go closes a connection that heard
// nothing for 1.5 intervals, so after the last frame the server must
// heartbeat within one interval, not two: an RPC just after the server's
// check must not leave the client waiting until the check after next (the
// demo's basic.get worker lost its connection every 15 s that way).
func TestHeartbeatAfterTraffic(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	conn, err := amqp.DialConfig(b.AMQPURL(), amqp.Config{Heartbeat: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch := openCh(t, conn)
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each idle gap starts at a different phase of the server's checks.
	for i := range 5 {
		if _, _, err := ch.Get(q.Name, false); err != nil {
			t.Fatalf("get %d: %v", i, err)
		}
		time.Sleep(2300 * time.Millisecond)
		if conn.IsClosed() {
			t.Fatalf("closed in idle gap %d after a basic.get", i)
		}
	}
}
