package broker

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// fill publishes n messages "m0".. to a queue through the default
// exchange.
func (sc *scratch) fill(t *testing.T, queue string, n int) {
	t.Helper()
	for i := range n {
		sc.publish(t, "", queue, nil, fmt.Sprintf("m%d", i))
	}
	sc.waitDepth(t, queue, n)
}

// all reads a stream's batches until it ends.
func all(batches <-chan Batch) []Message {
	var msgs []Message
	for b := range batches {
		msgs = append(msgs, b.Messages...)
	}
	return msgs
}

func bodies(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Body)
	}
	return out
}

// TestLiveConsumePeek: a peek shows messages and leaves them in the
// queue, marked redelivered.
func TestLiveConsumePeek(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-peek-"+randomHex(4))
		ctx := testCtx(t)
		sc.queue(t, "work", "", "", nil)
		sc.fill(t, "work", 3)
		c, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModePeek, Count: 2})
		must(t, err)
		msgs := all(c.Batches())
		must(t, c.Close())
		if got := bodies(msgs); !slices.Equal(got, []string{"m0", "m1"}) || msgs[0].Redelivered || msgs[0].Remaining != 2 {
			t.Errorf("peek gave %q (redelivered %v, remaining %d)", got, msgs[0].Redelivered, msgs[0].Remaining)
		}
		sc.waitDepth(t, "work", 3)
		again, err := sc.s.Peek(ctx, "work", 10)
		must(t, err)
		if got := bodies(again); !slices.Equal(got, []string{"m0", "m1", "m2"}) || !again[0].Redelivered || again[2].Redelivered {
			t.Errorf("second peek gave %q, redelivered %v %v", got, again[0].Redelivered, again[2].Redelivered)
		}
		if err := c.Ack(msgs[0]); err == nil {
			t.Error("a peeked message was acked")
		}
		if _, err := sc.s.Peek(ctx, "missing", 1); err == nil {
			t.Error("peek of a missing queue worked")
		}
	})
}

// TestLiveConsumeAck: ack removes, requeue puts back, reject dead-letters,
// and a count never takes more from the broker than it delivers.
func TestLiveConsumeAck(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-ack-"+randomHex(4))
		ctx := testCtx(t)
		must(t, sc.ch.ExchangeDeclare("dlx", "fanout", false, false, false, false, nil))
		sc.queue(t, "dead", "dlx", "", nil)
		_, err := sc.ch.QueueDeclare("work", false, false, false, false, amqp.Table{"x-dead-letter-exchange": "dlx"})
		must(t, err)
		sc.fill(t, "work", 6)

		c, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModeAck, Count: 3, Prefetch: 50})
		must(t, err)
		var msgs []Message
		for b := range c.Batches() {
			msgs = append(msgs, b.Messages...)
			for _, m := range b.Messages {
				switch string(m.Body) {
				case "m0":
					must(t, c.Ack(m))
				case "m1":
					must(t, c.Requeue(m))
				case "m2":
					must(t, c.Reject(m))
				}
			}
		}
		if got := bodies(msgs); !slices.Equal(got, []string{"m0", "m1", "m2"}) {
			t.Errorf("consumed %q", got)
		}
		must(t, c.Err())
		// Nothing beyond the count was taken: the queue holds m1 (back)
		// and m3..m5, with nothing unacked.
		sc.waitDepth(t, "work", 4)
		must(t, c.Close())
		sc.waitDepth(t, "work", 4)
		sc.waitDepth(t, "dead", 1)
		d, _, err := sc.ch.Get("dead", true)
		must(t, err)
		if string(d.Body) != "m2" {
			t.Errorf("dead-lettered %q", d.Body)
		}

		// Without a count, messages left unsettled go back on Close.
		c, err = sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModeAck, Prefetch: 2})
		must(t, err)
		got := collect(c.Batches())
		for _, m := range got.wait(t, 2)[:2] { // the prefetch holds the rest back
			must(t, c.Ack(m))
		}
		got.wait(t, 4)
		must(t, c.Close())
		sc.waitDepth(t, "work", 2)
	})
}

// TestLiveConsumeAuto: auto takes the messages the reader took, and no
// more than the count.
func TestLiveConsumeAuto(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-auto-"+randomHex(4))
		ctx := testCtx(t)
		sc.queue(t, "work", "", "", nil)
		sc.fill(t, "work", 5)
		c, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModeAuto, Count: 3})
		must(t, err)
		msgs := all(c.Batches())
		must(t, c.Close())
		if got := bodies(msgs); !slices.Equal(got, []string{"m0", "m1", "m2"}) {
			t.Errorf("consumed %q", got)
		}
		sc.waitDepth(t, "work", 2)
		if err := c.Ack(msgs[0]); err == nil {
			t.Error("an auto message was acked by hand")
		}

		c, err = sc.s.Consume(ctx, ConsumeOptions{Queue: "work", Mode: ModeAuto})
		must(t, err)
		got := collect(c.Batches())
		got.wait(t, 2)
		sc.waitDepth(t, "work", 0)
		must(t, c.Close())

		if _, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "missing", Mode: ModeAuto}); err == nil {
			t.Error("consuming a missing queue worked")
		}
	})
}

// TestLiveConsumeQueueDeleted: a consumer whose queue is deleted ends
// with an error that says so.
func TestLiveConsumeQueueDeleted(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-deleted-"+randomHex(4))
		ctx := testCtx(t)
		sc.queue(t, "doomed", "", "", nil)
		c, err := sc.s.Consume(ctx, ConsumeOptions{Queue: "doomed", Mode: ModeAck})
		must(t, err)
		defer c.Close()
		_, err = sc.ch.QueueDelete("doomed", false, false, false)
		must(t, err)
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the consumer did not end")
		}
		for range c.Batches() {
		}
		if err := c.Err(); err == nil || errors.Is(err, ErrClosed) {
			t.Errorf("ended with %v", err)
		}
	})
}

func TestParseConsumeMode(t *testing.T) {
	for _, m := range []ConsumeMode{ModePeek, ModeAck, ModeAuto} {
		got, err := ParseConsumeMode(m.String())
		if err != nil || got != m || m.Warning() == "" {
			t.Errorf("%v: %v %v", m, got, err)
		}
	}
	if _, err := ParseConsumeMode("eat"); err == nil {
		t.Error("eat is a mode")
	}
}
