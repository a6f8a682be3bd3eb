package core

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// BenchmarkPublishDeliverAck is the broker's share of the end to
// end target: a 1 KB message published to a queue, delivered to a consumer
// (prefetch 100) and acknowledged.
func BenchmarkPublishDeliverAck(b *testing.B) {
	br := New(Options{})
	c := benchClient(b, br)
	if _, err := c.ch.QueueDeclare(QueueDeclare{Name: "q"}); err != nil {
		b.Fatal(err)
	}
	_ = c.ch.Qos(0, 100, false)
	if _, err := c.ch.Consume("q", "c", false, false, true, nil); err != nil {
		b.Fatal(err)
	}
	body := make([]byte, 1024)
	props := model.Properties{DeliveryMode: 1, Has: model.HasDeliveryMode}
	var buf []Delivery
	b.ReportAllocs()
	b.SetBytes(1024)
	for i := 0; b.Loop(); i++ {
		if _, err := c.ch.Publish("", "q", false, props, body); err != nil {
			b.Fatal(err)
		}
		if i%50 == 49 {
			buf = c.ch.Drain(buf)
			if n := len(buf); n > 0 {
				_ = c.ch.Ack(buf[n-1].DeliveryTag, true)
			}
		}
	}
}

// BenchmarkPublishNoAck is publish and auto-ack delivery.
func BenchmarkPublishNoAck(b *testing.B) {
	br := New(Options{})
	c := benchClient(b, br)
	_, _ = c.ch.QueueDeclare(QueueDeclare{Name: "q"})
	_, _ = c.ch.Consume("q", "c", true, false, true, nil)
	body := make([]byte, 1024)
	var buf []Delivery
	b.ReportAllocs()
	b.SetBytes(1024)
	for i := 0; b.Loop(); i++ {
		_, _ = c.ch.Publish("", "q", false, model.Properties{}, body)
		if i%50 == 49 {
			buf = c.ch.Drain(buf)
		}
	}
}

// BenchmarkPublishTopicParallel publishes from many goroutines through a
// topic exchange to four queues, each with a no-ack consumer.
func BenchmarkPublishTopicParallel(b *testing.B) {
	br := New(Options{})
	c := benchClient(b, br)
	_ = c.ch.ExchangeDeclare(ExchangeDeclare{Name: "t", Type: "topic"})
	for i := range 4 {
		q := fmt.Sprintf("q%d", i)
		_, _ = c.ch.QueueDeclare(QueueDeclare{Name: q})
		_ = c.ch.QueueBind(q, "t", fmt.Sprintf("k%d.#", i), nil)
		_, _ = c.ch.Consume(q, q, true, false, true, nil)
	}
	body := make([]byte, 1024)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		conn, _ := br.Connect("/", ConnInfo{User: "guest"})
		ch, _ := conn.OpenChannel(1, nil)
		i := 0
		for pb.Next() {
			_, _ = ch.Publish("t", fmt.Sprintf("k%d.x", i%4), false, model.Properties{}, body)
			i++
			if i%64 == 0 {
				c.ch.mu.Lock() // keep the consumer's outbox from filling
				clear(c.ch.outbox)
				c.ch.outbox = c.ch.outbox[:0]
				c.ch.mu.Unlock()
				c.ch.Drain(nil)
			}
		}
	})
}

// BenchmarkRebuild measures one snapshot rebuild (model.NewRouter over the
// vhost) with n queues, each bound once to a topic and a direct exchange.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			br := New(Options{})
			c := benchClient(b, br)
			declareMany(b, c, n)
			v := c.ch.Vhost()
			b.ReportAllocs()
			for b.Loop() {
				v.gen.Add(1)
				v.current()
			}
		})
	}
}

// BenchmarkDeclareBindPublish is the worst case of lazy rebuilding: every
// declare and bind is followed by a publish, so each one rebuilds the
// router. It reports the cost per queue at a given size.
func BenchmarkDeclareBindPublish(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			br := New(Options{})
			c := benchClient(b, br)
			declareMany(b, c, n)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				q := fmt.Sprintf("extra%d", i)
				i++
				_, _ = c.ch.QueueDeclare(QueueDeclare{Name: q})
				_ = c.ch.QueueBind(q, "bench.topic", "x."+q, nil)
				_, _ = c.ch.Publish("bench.topic", "x."+q, false, model.Properties{}, nil)
				_, _ = c.ch.QueueDelete(q, false, false)
			}
		})
	}
}

// BenchmarkDeclareBurst declares and binds queues with no publish in
// between: the router is rebuilt once, at the end.
func BenchmarkDeclareBurst(b *testing.B) {
	br := New(Options{})
	c := benchClient(b, br)
	_ = c.ch.ExchangeDeclare(ExchangeDeclare{Name: "bench.topic", Type: "topic"})
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		q := fmt.Sprintf("q%d", i)
		i++
		_, _ = c.ch.QueueDeclare(QueueDeclare{Name: q})
		_ = c.ch.QueueBind(q, "bench.topic", "x."+q, nil)
	}
	_, _ = c.ch.Publish("bench.topic", "x.q0", false, model.Properties{}, nil)
}

func declareMany(b *testing.B, c *client, n int) {
	_ = c.ch.ExchangeDeclare(ExchangeDeclare{Name: "bench.topic", Type: "topic"})
	_ = c.ch.ExchangeDeclare(ExchangeDeclare{Name: "bench.direct", Type: "direct"})
	for i := range n {
		q := fmt.Sprintf("q%05d", i)
		if _, err := c.ch.QueueDeclare(QueueDeclare{Name: q}); err != nil {
			b.Fatal(err)
		}
		_ = c.ch.QueueBind(q, "bench.topic", fmt.Sprintf("region%d.compute.%s", i%7, q), nil)
		_ = c.ch.QueueBind(q, "bench.direct", q, nil)
	}
	c.ch.Vhost().current()
}

func benchClient(b *testing.B, br *Broker) *client {
	conn, err := br.Connect("/", ConnInfo{User: "guest"})
	if err != nil {
		b.Fatal(err)
	}
	ch, _ := conn.OpenChannel(1, nil)
	return &client{conn: conn, ch: ch, b: br}
}

// BenchmarkQueuedMemory reports the heap one queued 1 KB message costs
// (body, message, queue entry); the target is 1 million of them in
// under 1.5 GB.
func BenchmarkQueuedMemory(b *testing.B) {
	const n = 200_000
	for b.Loop() {
		br := New(Options{})
		c := benchClient(b, br)
		_, _ = c.ch.QueueDeclare(QueueDeclare{Name: "q"})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		props := model.Properties{DeliveryMode: 2, ContentType: "application/json", Has: model.HasDeliveryMode | model.HasContentType}
		for range n {
			body := make([]byte, 1024) // as the server layer hands each body over
			_, _ = c.ch.Publish("", "q", false, props, body)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/msg")
		runtime.KeepAlive(c)
	}
}
