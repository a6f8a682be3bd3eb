// Command flood publishes messages to an exchange as fast as it can, from
// several connections, for measuring how fast a tap (kaiten's or another
// tool's) takes them in:
//
//	flood -url amqp://guest:guest@127.0.0.1:5672/ -exchange bench.tap -n 200000
//
// It declares the exchange (fanout, auto-delete off) and prints the time
// it started publishing as Unix nanoseconds, then the rate it reached.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	url := flag.String("url", "amqp://guest:guest@127.0.0.1:5672/", "the broker")
	exchange := flag.String("exchange", "bench.tap", "the fanout exchange to publish to (declared)")
	n := flag.Int("n", 200_000, "messages in all")
	size := flag.Int("size", 32, "body size in bytes")
	conns := flag.Int("conns", 2, "publishing connections")
	flag.Parse()
	if err := flood(*url, *exchange, *n, *size, *conns); err != nil {
		fmt.Fprintln(os.Stderr, "flood:", err)
		os.Exit(1)
	}
}

func flood(url, exchange string, n, size, conns int) error {
	chans := make([]*amqp.Channel, conns)
	for i := range chans {
		c, err := amqp.Dial(url)
		if err != nil {
			return err
		}
		defer c.Close()
		if chans[i], err = c.Channel(); err != nil {
			return err
		}
	}
	if err := chans[0].ExchangeDeclare(exchange, amqp.ExchangeFanout, false, false, false, false, nil); err != nil {
		return err
	}
	body := make([]byte, size)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	start := time.Now()
	fmt.Println(start.UnixNano())
	var wg sync.WaitGroup
	errs := make([]error, conns)
	for i, ch := range chans {
		share := n / conns
		if i == 0 {
			share += n % conns
		}
		wg.Go(func() {
			msg := amqp.Publishing{Body: body}
			for range share {
				if err := ch.PublishWithContext(context.Background(), exchange, "k", false, false, msg); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	d := time.Since(start)
	fmt.Fprintf(os.Stderr, "published %d in %v: %.0f msgs/s\n", n, d.Round(time.Millisecond), float64(n)/d.Seconds())
	return nil
}
