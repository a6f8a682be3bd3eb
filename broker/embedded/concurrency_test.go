package embedded

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestConcurrentPublishConsume: many connections, each with several
// channels, publish with confirms into shared queues while consumers on
// other connections ack (some by basic.get, some requeueing now and then).
// Every message arrives exactly once (a requeued one again, but acked
// once), none is lost, and the race detector stays quiet.
func TestConcurrentPublishConsume(t *testing.T) {
	t.Parallel()
	const (
		publishers = 8
		channels   = 3
		perChannel = 300
		queues     = 4
		consumers  = 6
	)
	total := publishers * channels * perChannel
	b := startBroker(t, Options{})
	setup := openCh(t, dial(t, b))
	for q := range queues {
		if _, err := setup.QueueDeclare(fmt.Sprintf("q%d", q), false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var (
		mu   sync.Mutex
		seen = make(map[string]int, total)
		done = make(chan struct{})
	)
	record := func(id string) {
		mu.Lock()
		defer mu.Unlock()
		seen[id]++
		if len(seen) == total {
			select {
			case <-done:
			default:
				close(done)
			}
		}
	}
	var cwg sync.WaitGroup
	for i := range consumers {
		conn := dial(t, b)
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			consume(ctx, t, conn, i, queues, record, done)
		}()
	}

	var pwg sync.WaitGroup
	for p := range publishers {
		conn := dial(t, b)
		for c := range channels {
			pwg.Add(1)
			go func() {
				defer pwg.Done()
				if err := publishAll(ctx, conn, p, c, perChannel, queues); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	pwg.Wait()
	select {
	case <-done:
	case <-ctx.Done():
		mu.Lock()
		t.Fatalf("only %d of %d messages consumed", len(seen), total)
	}
	cwg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s acked %d times", id, n)
		}
	}
	for q := range queues {
		info, err := setup.QueueDeclarePassive(fmt.Sprintf("q%d", q), false, false, false, false, nil)
		if err != nil || info.Messages != 0 {
			t.Errorf("q%d after the run: %+v %v", q, info, err)
		}
	}
}

func publishAll(ctx context.Context, conn *amqp.Connection, p, c, n, queues int) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.Confirm(false); err != nil {
		return err
	}
	var pending []*amqp.DeferredConfirmation
	for i := range n {
		id := fmt.Sprintf("p%d.c%d.%d", p, c, i)
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", fmt.Sprintf("q%d", i%queues), false, false,
			amqp.Publishing{MessageId: id, Body: []byte(id)})
		if err != nil {
			return err
		}
		pending = append(pending, dc)
		if len(pending) == 64 || i == n-1 {
			for _, dc := range pending {
				if ok, err := dc.WaitContext(ctx); !ok || err != nil {
					return fmt.Errorf("confirm of %s: %v %v", id, ok, err)
				}
			}
			pending = pending[:0]
		}
	}
	return nil
}

// consume reads from every queue on two channels, one consuming with
// acks (requeueing every 97th delivery once), one polling with basic.get.
func consume(ctx context.Context, t *testing.T, conn *amqp.Connection, i, queues int, record func(string), done <-chan struct{}) {
	ch, err := conn.Channel()
	if err != nil {
		t.Error(err)
		return
	}
	if err := ch.Qos(20, 0, false); err != nil {
		t.Error(err)
		return
	}
	msgs, err := ch.Consume(fmt.Sprintf("q%d", i%queues), "", false, false, false, false, nil)
	if err != nil {
		t.Error(err)
		return
	}
	getter, err := conn.Channel()
	if err != nil {
		t.Error(err)
		return
	}
	n := 0
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case d := <-msgs:
			n++
			if n%97 == 0 && !d.Redelivered {
				if err := d.Nack(false, true); err != nil {
					t.Error(err)
					return
				}
				continue
			}
			if err := d.Ack(false); err != nil {
				t.Error(err)
				return
			}
			record(d.MessageId)
		case <-time.After(time.Millisecond):
			d, ok, err := getter.Get(fmt.Sprintf("q%d", (i+n)%queues), false)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				if err := d.Ack(false); err != nil {
					t.Error(err)
					return
				}
				record(d.MessageId)
			}
		}
	}
}

// TestManyConnections: a few hundred connections with a channel each come
// and go concurrently; each declares, publishes and gets its own message.
func TestManyConnections(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 300)
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- roundTrip(b.AMQPURL(), fmt.Sprintf("m%d", i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	b.mu.Lock()
	open := len(b.conns) + len(b.raw)
	b.mu.Unlock()
	if open != 0 {
		t.Errorf("%d connections still open after every client closed", open)
	}
}

func roundTrip(url, body string) error {
	conn, err := amqp.Dial(url)
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return err
	}
	if err := ch.Publish("", q.Name, false, false, publishing(body)); err != nil {
		return err
	}
	for range 100 {
		d, ok, err := ch.Get(q.Name, true)
		if err != nil {
			return err
		}
		if ok {
			if string(d.Body) != body {
				return fmt.Errorf("got %q, want %q", d.Body, body)
			}
			return conn.Close()
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s never arrived", body)
}
