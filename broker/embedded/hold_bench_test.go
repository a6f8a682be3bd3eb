package embedded

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// holdMessages is how many 1 KB messages BenchmarkHold1M queues, and
// holdBatch how many it publishes before it waits for their confirms.
const (
	holdMessages = 1_000_000
	holdBatch    = 1000
)

// envHoldPublish tells this test binary, run again by BenchmarkHold1M, to
// be the publisher: its value is the AMQP URL, then a space, then the queue.
const envHoldPublish = "KAITEN_HOLD_PUBLISH"

// BenchmarkHold1M measures what holding 1 million queued 1 KB transient
// messages costs the broker: each iteration declares a queue, has a
// publisher publish the messages into it with amqp091-go in confirm mode
// (batches of holdBatch, every confirm awaited and checked), waits until
// the queue reports them all ready, measures, and deletes the queue. Run
// it on its own, once:
//
//	go test -run '^$' -bench Hold1M -benchtime 1x ./broker/embedded
//
// The publisher is this test binary run again (TestHoldPublisher), so
// that this process holds only the broker and what it measures is the
// broker's: the Go heap after a forced GC (heap-MB: HeapAlloc; heap-B/msg:
// the same per message), the resident set then (rss-MB, VmRSS), and its
// peak (peak-rss-MB, VmHWM, which covers the publishing). GOMEMLIMIT and
// GOGC apply as usual; no memory limit is set unless they set one.
//
// With KAITEN_BENCH_AMQP set it fills a queue of that broker instead
// (kaiten broker, RabbitMQ) and reports only the rate; read the broker
// process's memory from /proc/<pid>/status.
func BenchmarkHold1M(b *testing.B) {
	url := os.Getenv(envBenchAMQP)
	local := url == ""
	if local {
		url = startBroker(b, Options{}).AMQPURL()
	}
	conn, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for range b.N {
		holdOnce(b, conn, url, local)
	}
}

func holdOnce(b *testing.B, conn *amqp.Connection, url string, local bool) {
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	defer ch.Close()
	q, err := ch.QueueDeclare(fmt.Sprintf("kaiten.hold.%d", time.Now().UnixNano()), false, false, false, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	pub := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHoldPublisher$", "-test.count=1", "-test.v")
	pub.Env = append(os.Environ(), envHoldPublish+"="+url+" "+q.Name)
	if out, err := pub.CombinedOutput(); err != nil {
		b.Fatalf("publisher: %v\n%s", err, out)
	}
	for {
		st, err := ch.QueueDeclarePassive(q.Name, false, false, false, false, nil)
		if err != nil {
			b.Fatal(err)
		}
		if st.Messages == holdMessages {
			break
		}
		if st.Messages > holdMessages || ctx.Err() != nil {
			b.Fatalf("queue holds %d messages, want %d", st.Messages, holdMessages)
		}
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if local {
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
		b.ReportMetric(float64(ms.HeapAlloc)/holdMessages, "heap-B/msg")
		if rss, hwm, err := procMemory(); err == nil {
			b.ReportMetric(float64(rss)/1e6, "rss-MB")
			b.ReportMetric(float64(hwm)/1e6, "peak-rss-MB")
		} else {
			b.Logf("no /proc/self/status: %v", err)
		}
		b.StartTimer()
	}
	b.ReportMetric(holdMessages/elapsed.Seconds(), "msgs/s")
	if _, err := ch.QueueDelete(q.Name, false, false, false); err != nil {
		b.Fatal(err)
	}
}

// TestHoldPublisher is BenchmarkHold1M's publisher, run in a process of
// its own; it skips unless that benchmark runs it.
func TestHoldPublisher(t *testing.T) {
	arg := os.Getenv(envHoldPublish)
	if arg == "" {
		t.Skip("BenchmarkHold1M's publisher")
	}
	url, queue, _ := strings.Cut(arg, " ")
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, holdBatch))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	body := make([]byte, 1024)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	msg := amqp.Publishing{DeliveryMode: amqp.Transient, ContentType: "application/octet-stream", Body: body}
	for sent := 0; sent < holdMessages; {
		n := min(holdBatch, holdMessages-sent)
		for range n {
			if err := ch.PublishWithContext(ctx, "", queue, false, false, msg); err != nil {
				t.Fatal(err)
			}
		}
		for range n {
			select {
			case c, ok := <-confirms:
				if !ok {
					t.Fatalf("channel closed after %d publishes", sent)
				}
				if !c.Ack {
					t.Fatalf("publish %d nacked", c.DeliveryTag)
				}
			case <-ctx.Done():
				t.Fatalf("confirms: %v", ctx.Err())
			}
		}
		sent += n
	}
}

// procMemory reads this process's resident set, now and at its peak, in
// bytes, from /proc/self/status (Linux).
func procMemory() (rss, hwm int64, err error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", key, err)
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, fmt.Errorf("no VmRSS or VmHWM in /proc/self/status")
	}
	return rss, hwm, nil
}
