package broker

import (
	"cmp"
	"context"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// BenchmarkLiveTapIngest publishes b.N small messages to a fanout
// exchange, from two connections as fast as they go, while a tap of the
// exchange reads them; msgs/s is the tap's ingest rate, from its first
// message to its last. Run it with a fixed count:
//
//	go test -run '^$' -bench LiveTapIngest -benchtime 200000x ./broker
func BenchmarkLiveTapIngest(b *testing.B) {
	for _, tg := range brokerTargets() {
		b.Run(tg.name, func(b *testing.B) {
			amqpURL, apiURL := cmp.Or(os.Getenv("KAITEN_TEST_AMQP_URL"), "amqp://guest:guest@127.0.0.1:5672/"),
				cmp.Or(os.Getenv("KAITEN_TEST_API_URL"), "http://127.0.0.1:15672")
			if tg.start != nil {
				var err error
				if amqpURL, apiURL, err = tg.start(); err != nil {
					b.Fatal(err)
				}
			}
			benchTapIngest(b, amqpURL, apiURL)
		})
	}
}

func benchTapIngest(b *testing.B, amqpURL, apiURL string) {
	ctx := context.Background()
	ep, err := Config{URL: amqpURL, APIURL: apiURL}.Endpoints()
	if err != nil {
		b.Fatal(err)
	}
	api, err := NewAPI(ep.API, TLSOptions{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	vhost := "kaiten-bench-" + randomHex(4)
	if _, err := api.do(ctx, http.MethodPut, apiPath("vhosts", vhost), nil, map[string]any{}); err != nil {
		b.Skipf("no broker to benchmark: %v", err)
	}
	defer func() { _, _ = api.do(ctx, http.MethodDelete, apiPath("vhosts", vhost), nil, nil) }()
	if _, err := api.do(ctx, http.MethodPut, apiPath("permissions", vhost, ep.AMQP.Username), nil,
		map[string]string{"configure": ".*", "write": ".*", "read": ".*"}); err != nil {
		b.Fatal(err)
	}
	url := "amqp://" + ep.AMQP.Username + ":" + ep.AMQP.Password() + "@" + ep.AMQP.Addr() + "/" + escapeSegment(vhost)
	s, err := Open(ctx, Config{URL: url, APIURL: apiURL})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	setup, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	defer setup.Close()
	ch, _ := setup.Channel()
	if err := ch.ExchangeDeclare("bench", "fanout", false, false, false, false, nil); err != nil {
		b.Fatal(err)
	}
	tap, err := s.Tap(ctx, TapOptions{Exchanges: []string{"bench"}, MaxPending: 1 << 22, MaxLength: 1 << 22})
	if err != nil {
		b.Fatal(err)
	}
	defer tap.Close()

	n, publishers := b.N, 2
	body := []byte("a small message of 32 bytes....")
	b.ResetTimer()
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			conn, err := amqp.Dial(url)
			if err != nil {
				b.Error(err)
				return
			}
			defer conn.Close()
			pch, _ := conn.Channel()
			for i := p; i < n; i += publishers {
				if err := pch.Publish("bench", "k", false, false, amqp.Publishing{Body: body}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	var first, last time.Time
	got, dropped := 0, 0
	timeout := time.After(5*time.Minute + time.Duration(n)*time.Millisecond)
	for got < n {
		select {
		case batch := <-tap.Batches():
			if first.IsZero() {
				first = time.Now()
			}
			got += len(batch.Messages)
			dropped += batch.Dropped
		case <-timeout:
			b.Fatalf("the tap got %d of %d messages", got, n)
		}
	}
	last = time.Now()
	b.StopTimer()
	wg.Wait()
	if dropped > 0 {
		b.Errorf("the tap dropped %d messages", dropped)
	}
	b.ReportMetric(float64(got)/last.Sub(first).Seconds(), "msgs/s")
}
