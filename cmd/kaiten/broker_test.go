package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerCommand runs `kaiten broker --demo` in-process: it prints the
// URLs, serves AMQP clients with the demo topology declared, and stops
// cleanly when its context ends (as SIGINT ends it).
func TestBrokerCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- runBroker(ctx, []string{"--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--demo", "--log-level", "error"}, outW, io.Discard)
		_ = outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	urls := map[string]string{}
	for lines.Scan() {
		line := lines.Text()
		if k, v, ok := strings.Cut(line, ":"); ok && (k == "AMQP" || k == "API" || k == "Demo") {
			urls[k] = strings.TrimSpace(v)
		}
		if strings.HasPrefix(line, "Stop with") {
			break
		}
	}
	if !strings.HasPrefix(urls["AMQP"], "amqp://guest:guest@127.0.0.1:") || !strings.HasPrefix(urls["API"], "http://127.0.0.1:") || urls["Demo"] == "" {
		t.Fatalf("printed %v", urls)
	}
	conn, err := amqp.Dial(urls["AMQP"])
	if err != nil {
		t.Fatal(err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDeclarePassive("nova", "topic", false, false, false, false, nil); err != nil {
		t.Fatalf("the demo's nova exchange: %v", err)
	}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	cancel()
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	select {
	case c := <-code:
		if c != exitOK {
			t.Fatalf("exit status %d", c)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("kaiten broker did not stop")
	}
	if e := <-closed; e == nil || e.Code != 320 {
		t.Fatalf("the client saw %v, want 320 CONNECTION_FORCED", e)
	}
}

func TestBrokerUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"broker", "--listen", "10.1.2.3:5672"},
		{"broker", "extra"},
		{"broker", "--definitions", "/nonexistent/defs.json"},
		{"broker", "--log-level", "loud"},
	} {
		code, _, stderr := kaiten(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "kaiten broker") {
			t.Errorf("%v: status %d, stderr %q", args, code, stderr)
		}
	}
}
