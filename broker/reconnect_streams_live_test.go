package broker

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLiveStreamsSurviveReconnect closes the session's connection from
// the broker's side while a tap and a manual-ack consumer run: both come
// back on the new connection, the consumer's unacked messages come again
// (nothing is lost), settling a message of the lost connection says so,
// and no tap queue is left behind.
func TestLiveStreamsSurviveReconnect(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		name := "kaiten-reconnect-streams-" + randomHex(4)
		sc := newScratch(t, r, name)
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("events", "topic", false, false, false, false, nil))
		sc.queue(t, "work", "events", "work.#", nil)
		before := sc.queueNames(t)

		tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{"events"}})
		must(t, err)
		defer tap.Close()
		tapped := collect(tap.Batches())
		c, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModeAck, Prefetch: 10})
		must(t, err)
		defer c.Close()
		consumed := collect(c.Batches())

		for _, k := range []string{"work.1", "work.2", "work.3"} {
			sc.publish(t, "events", k, nil, k)
		}
		first := consumed.wait(t, 3)
		must(t, c.Ack(first[0]))
		if keys := keysOf(tapped.wait(t, 3)); !slices.Equal(keys, []string{"work.1", "work.2", "work.3"}) {
			t.Fatalf("tap saw %q", keys)
		}

		sc.dropConnection(t, name)
		ev := consumed.waitEvent(t, EventInterrupted)
		if !strings.Contains(ev.Text, "320") {
			t.Errorf("interruption: %q", ev.Text)
		}
		consumed.waitEvent(t, EventRestored)
		tapped.waitEvent(t, EventRestored)

		// The two unacked messages come again, redelivered.
		again := consumed.wait(t, 5)[3:]
		if got := bodies(again); !slices.Equal(got, []string{"work.2", "work.3"}) || !again[0].Redelivered {
			t.Errorf("after the reconnect the consumer got %q (redelivered %v)", got, again[0].Redelivered)
		}
		if err := c.Ack(first[1]); !errors.Is(err, ErrStale) {
			t.Errorf("acking a message of the lost connection: %v", err)
		}
		for _, m := range again {
			must(t, c.Ack(m))
		}

		sc.publish(t, "events", "work.4", nil, "work.4")
		if keys := keysOf(tapped.wait(t, 4)); keys[3] != "work.4" {
			t.Errorf("after the reconnect the tap saw %q", keys)
		}
		m := consumed.wait(t, 6)[5]
		must(t, c.Ack(m))
		must(t, c.Close())
		sc.waitDepth(t, "work", 0)
		must(t, tap.Close())
		if after := sc.queueNames(t); !slices.Equal(after, before) {
			t.Errorf("queues after the streams closed: %q, before: %q", after, before)
		}
	})
}

// TestLiveStreamsEndWithSession: closing the session ends its streams
// without an error, and leaves no queue behind.
func TestLiveStreamsEndWithSession(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-end-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("events", "fanout", false, false, false, false, nil))
		tap, err := sc.s.Tap(ctx, TapOptions{Exchanges: []string{"events"}})
		must(t, err)
		got := collect(tap.Batches())
		must(t, sc.s.Close())
		<-got.done
		<-tap.Done()
		if err := tap.Err(); err != nil {
			t.Errorf("tap ended with %v", err)
		}
		waitFor(t, "the tap queue to go", 10*time.Second, func() bool { return len(sc.queueNames(t)) == 0 })
	})
}
