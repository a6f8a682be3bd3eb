package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestTargetResolve: a target that starts in-process starts once, however
// many tests ask for it, and a failed start is reported to each.
func TestTargetResolve(t *testing.T) {
	// Names unique to this run: the started brokers are kept per name for
	// the life of the test binary, across -count runs too.
	run := time.Now().UnixNano()
	starts := 0
	tg := Target{Name: fmt.Sprintf("fake-%d", run), Start: func(context.Context) (string, string, error) {
		starts++
		return "amqp://guest:guest@127.0.0.1:1/", "http://127.0.0.1:2", nil
	}}
	for range 3 {
		got, err := tg.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		if got.Start != nil || got.AMQP != "amqp://guest:guest@127.0.0.1:1/" || got.API != "http://127.0.0.1:2" {
			t.Fatalf("resolved to %+v", got)
		}
	}
	equal(t, "starts", starts, 1)

	boom := errors.New("boom")
	bad := Target{Name: fmt.Sprintf("broken-%d", run), Start: func(context.Context) (string, string, error) { return "", "", boom }}
	for range 2 {
		if _, err := bad.Resolve(); !errors.Is(err, boom) {
			t.Fatalf("resolve of a target that fails to start: %v", err)
		}
	}

	plain := rabbitMQTarget()
	if got, err := plain.Resolve(); err != nil || got.AMQP != plain.AMQP || got.API != plain.API {
		t.Fatalf("a target with URLs resolved to %+v, %v", got, err)
	}
}
