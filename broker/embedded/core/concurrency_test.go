package core

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// TestConcurrentNoLossNoDuplicates runs publishers, consumers (that nack
// and requeue some deliveries and now and then close their channel with
// deliveries unacked), a basic.get poller and topology churn at once, and
// checks that every message is acknowledged exactly once.
func TestConcurrentNoLossNoDuplicates(t *testing.T) {
	const (
		queues     = 4
		publishers = 6
		perPub     = 1500
		consumers  = 8
	)
	b := New(Options{ChannelBuffer: 16})
	v, _ := b.Vhost("/")
	setup := connect(t, b)
	for i := range queues {
		setup.declare(fmt.Sprintf("q%d", i), nil)
	}
	setup.exchange("fan", "topic", nil)
	for i := range queues {
		setup.bind(fmt.Sprintf("q%d", i), "fan", fmt.Sprintf("k%d", i))
	}

	var mu sync.Mutex
	acked := make(map[string]int)
	var total atomic.Int64
	ack := func(id string) {
		mu.Lock()
		acked[id]++
		mu.Unlock()
		total.Add(1)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup

	for i := range consumers {
		wg.Go(func() { runConsumer(t, b, fmt.Sprintf("q%d", i%queues), int64(i), ack, done) })
	}
	wg.Go(func() { runPoller(t, b, "q0", ack, done) })
	wg.Go(func() { churnTopology(t, b, done) })

	var pubs sync.WaitGroup
	for p := range publishers {
		pubs.Go(func() {
			conn, _ := b.Connect("/", ConnInfo{User: "guest"})
			ch, _ := conn.OpenChannel(1, nil)
			_ = ch.ConfirmSelect()
			rng := rand.New(rand.NewPCG(uint64(p), 1))
			for n := range perPub {
				q := rng.IntN(queues)
				ex, key := "", fmt.Sprintf("q%d", q)
				if n%2 == 0 {
					ex, key = "fan", fmt.Sprintf("k%d", q)
				}
				body := []byte(fmt.Sprintf("p%d-%d", p, n))
				res, err := ch.Publish(ex, key, true, model.Properties{}, body)
				if err != nil || res.Returned || res.Nacked || len(res.Queues) != 1 {
					t.Errorf("publish %s: %+v %v", body, res, err)
					return
				}
			}
		})
	}
	pubs.Wait()
	want := int64(publishers * perPub)
	deadline := time.Now().Add(60 * time.Second)
	for total.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(done)
	wg.Wait()
	if total.Load() != want {
		t.Fatalf("acked %d of %d", total.Load(), want)
	}
	for id, n := range acked {
		if n != 1 {
			t.Fatalf("%s acked %d times", id, n)
		}
	}
	if len(acked) != int(want) {
		t.Fatalf("%d distinct of %d", len(acked), want)
	}
	for _, q := range v.Snapshot().Queues {
		if q.Ready != 0 || q.Unacked != 0 {
			t.Fatalf("queue %s left ready %d unacked %d", q.Name, q.Ready, q.Unacked)
		}
	}
	if b.MemoryUsed() != 0 {
		t.Fatalf("memory %d", b.MemoryUsed())
	}
	cv := v.Counters()
	if cv.Redeliver == 0 || cv.Get == 0 {
		t.Fatalf("requeue or get not exercised: %+v", cv)
	}
	t.Logf("counters %+v", cv)
}

func runConsumer(t *testing.T, b *Broker, queue string, seed int64, ack func(string), done chan struct{}) {
	conn, _ := b.Connect("/", ConnInfo{User: "guest"})
	defer conn.Close()
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	var num uint16
	for {
		num++
		wake := make(chan struct{}, 1)
		ch, err := conn.OpenChannel(num, func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		if err != nil {
			t.Error(err)
			return
		}
		_ = ch.Qos(0, uint16(1+rng.IntN(20)), false)
		if _, err := ch.Consume(queue, "", false, false, false, nil); err != nil {
			t.Error(err)
			return
		}
		var buf []Delivery
		handled := 0
		limit := 200 + rng.IntN(400)
	loop:
		for {
			select {
			case <-done:
				ch.Close()
				return
			case <-wake:
			case <-time.After(20 * time.Millisecond):
			}
			buf = ch.Drain(buf)
			for _, d := range buf {
				if d.Kind != KindDeliver {
					continue
				}
				handled++
				switch r := rng.IntN(10); {
				case r == 0:
					_ = ch.Nack(d.DeliveryTag, false, true)
				case handled > limit:
					ch.Close() // with this and later deliveries unacked
					break loop
				default:
					if err := ch.Ack(d.DeliveryTag, false); err != nil {
						t.Error(err)
					}
					ack(string(d.Message.Body))
				}
			}
		}
	}
}

func runPoller(t *testing.T, b *Broker, queue string, ack func(string), done chan struct{}) {
	conn, _ := b.Connect("/", ConnInfo{User: "guest"})
	defer conn.Close()
	ch, _ := conn.OpenChannel(1, nil)
	var buf []Delivery
	for {
		select {
		case <-done:
			return
		default:
		}
		if err := ch.Get(queue, false); err != nil {
			t.Error(err)
			return
		}
		buf = ch.Drain(buf)
		for _, d := range buf {
			if d.Kind == KindGetOK {
				if err := ch.Ack(d.DeliveryTag, false); err != nil {
					t.Error(err)
				}
				ack(string(d.Message.Body))
			}
		}
		time.Sleep(time.Millisecond)
	}
}

func churnTopology(t *testing.T, b *Broker, done chan struct{}) {
	conn, _ := b.Connect("/", ConnInfo{User: "guest"})
	defer conn.Close()
	ch, _ := conn.OpenChannel(1, nil)
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		default:
		}
		name := fmt.Sprintf("churn%d", i%10)
		if _, err := ch.QueueDeclare(QueueDeclare{Name: name}); err != nil {
			t.Error(err)
			return
		}
		if err := ch.QueueBind(name, "fan", "churn.#", nil); err != nil {
			t.Error(err)
		}
		if _, err := ch.QueueDelete(name, false, false); err != nil {
			t.Error(err)
		}
		time.Sleep(time.Millisecond)
	}
}
