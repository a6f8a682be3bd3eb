package broker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// TestAPIFromServerProperties: given only the AMQP URL of an embedded
// broker whose API is not on 15672, the session finds the API the broker
// names in its server properties.
func TestAPIFromServerProperties(t *testing.T) {
	b, err := embedded.Start(testCtx(t), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := Open(testCtx(t), Config{URL: b.AMQPURL(), RequireAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Endpoints().API.URL; got != b.APIURL() {
		t.Fatalf("API URL %s, want the broker's own %s", got, b.APIURL())
	}
	snap, err := s.Snapshot(context.Background(), SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Exchanges) == 0 {
		t.Fatal("no exchanges in the embedded broker's snapshot")
	}
}

// TestAPIOfAnotherBroker: an embedded broker without an API beside a
// RabbitMQ whose API is on the derived :15672 — the session must not show
// RabbitMQ's objects as the embedded broker's; it is degraded and says
// why.
func TestAPIOfAnotherBroker(t *testing.T) {
	r := testenv.RabbitMQ(t)
	if !strings.HasSuffix(r.APIURL, ":15672") || !strings.Contains(r.APIURL, "127.0.0.1") {
		t.Skipf("RabbitMQ's API is at %s, not the derived 127.0.0.1:15672", r.APIURL)
	}
	b, err := embedded.Start(testCtx(t), embedded.Options{Listen: "127.0.0.1:0", NoAPI: true, Version: "3.10.8"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := Open(testCtx(t), Config{URL: b.AMQPURL()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := s.Status()
	if st.State != StateDegraded || st.APIErr == nil {
		t.Fatalf("status %+v, want degraded", st)
	}
	msg := st.APIErr.Error()
	for _, want := range []string{"belongs to another broker", `"kaiten@localhost"`, "--api-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("API error %q lacks %q", msg, want)
		}
	}
	if _, err := s.Snapshot(context.Background(), SnapshotOptions{}); err == nil || !strings.Contains(err.Error(), "belongs to another broker") {
		t.Errorf("a snapshot through RabbitMQ's API: %v, want refused", err)
	}
	s.probeAPI()
	if st := s.Status(); st.State != StateDegraded {
		t.Errorf("after a probe: %+v, want still degraded", st)
	}
	if !errors.Is(st.APIErr, ErrProtocol) {
		t.Errorf("API error kind: %v", st.APIErr)
	}
	if _, err := Open(testCtx(t), Config{URL: b.AMQPURL(), RequireAPI: true}); err == nil || !strings.Contains(err.Error(), "belongs to another broker") {
		t.Errorf("Open with RequireAPI: %v", err)
	}
}
