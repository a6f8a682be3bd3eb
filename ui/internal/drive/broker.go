package drive

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
)

// embeddedURLs starts the embedded broker once per test binary.
var embeddedURLs = sync.OnceValues(func() ([2]string, error) {
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		return [2]string{}, err
	}
	return [2]string{b.AMQPURL(), b.APIURL()}, nil
})

// Session opens a session on kaiten's embedded broker (vhost "/"),
// closed when the test ends. readOnly opens it read-only.
func Session(t testing.TB, readOnly bool) *broker.Session {
	t.Helper()
	urls, err := embeddedURLs()
	if err != nil {
		t.Fatalf("start the embedded broker: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := broker.Open(ctx, broker.Config{URL: urls[0], APIURL: urls[1], ReadOnly: readOnly})
	if err != nil {
		t.Fatalf("open a session on the embedded broker: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Depth returns how many messages are ready in a queue, from the broker
// (a passive queue.declare, exact at once).
func Depth(t testing.TB, s *broker.Session, queue string) int {
	t.Helper()
	ch, err := s.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	qi, err := ch.QueueDeclarePassive(queue, false, true, false, false, nil)
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
