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
