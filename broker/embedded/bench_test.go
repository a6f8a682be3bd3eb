package embedded

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// envBenchAMQP points BenchmarkThroughput at another broker, to compare:
//
//	KAITEN_BENCH_AMQP=amqp://guest:guest@127.0.0.1:5672/ go test -run '^$' -bench Throughput ./broker/embedded
const envBenchAMQP = "KAITEN_BENCH_AMQP"

// confirmWindow is how many publishes may await their confirm, and
// benchPrefetch how many deliveries a manual-ack consumer may hold.
const (
	confirmWindow = 256
	benchPrefetch = 256
)

// BenchmarkThroughput moves 1 KB transient messages through a queue with
// amqp091-go: one publisher and one consumer, each on its own connection.
// "confirm-ack" publishes in confirm mode (at most confirmWindow awaiting
// their confirm) to a consumer that acks each message (prefetch
// benchPrefetch); "autoack" publishes without confirms to an auto-ack
// consumer. It reports msgs/s, publish to consume, end to end.
func BenchmarkThroughput(b *testing.B) {
	url := os.Getenv(envBenchAMQP)
	if url == "" {
		url = startBroker(b, Options{}).AMQPURL()
	}
	body := make([]byte, 1024)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	for _, mode := range []struct {
		name           string
		confirm, noAck bool
	}{
		{"confirm-ack", true, false},
		{"autoack", false, true},
	} {
		b.Run(mode.name, func(b *testing.B) {
			benchThroughput(b, url, body, mode.confirm, mode.noAck)
		})
	}
}

func benchThroughput(b *testing.B, url string, body []byte, confirm, noAck bool) {
	pubConn, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	defer pubConn.Close()
	subConn, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	defer subConn.Close()
	sub, err := subConn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	q, err := sub.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	if !noAck {
		if err := sub.Qos(benchPrefetch, 0, false); err != nil {
			b.Fatal(err)
		}
	}
	msgs, err := sub.Consume(q.Name, "", noAck, false, false, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := pubConn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	var slots chan struct{}
	if confirm {
		if err := pub.Confirm(false); err != nil {
			b.Fatal(err)
		}
		slots = make(chan struct{}, confirmWindow)
		confirms := pub.NotifyPublish(make(chan amqp.Confirmation, confirmWindow))
		go func() {
			for c := range confirms {
				if !c.Ack {
					panic(fmt.Sprintf("publish %d nacked", c.DeliveryTag))
				}
				<-slots
			}
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	msg := amqp.Publishing{DeliveryMode: amqp.Transient, ContentType: "application/octet-stream", Body: body}
	received := make(chan error, 1)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	go func() {
		for i := range b.N {
			d, ok := <-msgs
			if !ok {
				received <- fmt.Errorf("consumer closed after %d of %d", i, b.N)
				return
			}
			if !noAck {
				if err := d.Ack(false); err != nil {
					received <- err
					return
				}
			}
		}
		received <- nil
	}()
	for range b.N {
		if confirm {
			slots <- struct{}{}
		}
		if err := pub.PublishWithContext(ctx, "", q.Name, false, false, msg); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-received; err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
