package main

import (
	"encoding/json"
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

// responder answers requests on queue "rpc" with "re: <body>", from a
// connection of its own.
func (b *liveBroker) responder(t *testing.T) <-chan string {
	t.Helper()
	conn, err := amqp.Dial(b.url())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ch.Consume("rpc", "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 8)
	go func() {
		for d := range ds {
			got <- string(d.Body)
			if d.ReplyTo != "" {
				_ = ch.Publish("", d.ReplyTo, false, false, amqp.Publishing{CorrelationId: d.CorrelationId, Body: []byte("re: " + string(d.Body))})
			}
		}
	}()
	return got
}

// TestCLICallCast: call prints the reply and its round trip; a call
// nobody answers exits 1 naming the queue waited on; cast returns once
// confirmed, and exits 1 when unroutable.
func TestCLICallCast(t *testing.T) {
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		if err := b.ch.ExchangeDeclare("svc", "direct", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"rpc", "silent"} {
			if _, err := b.ch.QueueDeclare(q, false, false, false, false, nil); err != nil {
				t.Fatal(err)
			}
			if err := b.ch.QueueBind(q, q, "svc", false, nil); err != nil {
				t.Fatal(err)
			}
		}
		requests := b.responder(t)
		for _, c := range []struct {
			extra []string
			want  string // the reply queue's name, or its start
		}{{nil, "amq.rabbitmq.reply-to"}, {[]string{"--reply-queue"}, "amq.gen-"}, {[]string{"--reply-queue=mine"}, "mine"}} {
			extra, want := c.extra, c.want
			args := append([]string{"call", "--exchange", "svc", "--routing-key", "rpc", "--body", "ping", "--output", "json"}, extra...)
			code, out, errOut := b.kaiten(t, "", args...)
			var r struct {
				RTT        float64        `json:"rtt_ms"`
				ReplyQueue string         `json:"reply_queue"`
				Reply      map[string]any `json:"reply"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
				t.Fatalf("call %v: exit %d %q %q", extra, code, out, errOut)
			}
			requireKeys(t, r.Reply)
			if r.Reply["body"] != "re: ping" || r.RTT <= 0 || !strings.HasPrefix(r.ReplyQueue, want) {
				t.Errorf("call %v: %+v", extra, r)
			}
			<-requests
		}
		code, out, _ := b.kaiten(t, "", "call", "--exchange", "svc", "--routing-key", "rpc", "--body", "ping")
		if code != exitOK || !strings.Contains(out, "reply in ") || !strings.Contains(out, "body: re: ping") {
			t.Errorf("call as text: exit %d %q", code, out)
		}
		<-requests
		code, _, errOut := b.kaiten(t, "", "call", "--exchange", "svc", "--routing-key", "silent", "--body", "x", "--timeout", "0.3")
		if code != exitFailed || !strings.Contains(errOut, `"amq.rabbitmq.reply-to"`) || !strings.Contains(errOut, "300ms") {
			t.Errorf("unanswered call: exit %d %q", code, errOut)
		}
		code, _, errOut = b.kaiten(t, "", "call", "--exchange", "svc", "--routing-key", "nobody", "--body", "x")
		if code != exitFailed || !strings.Contains(errOut, "312 NO_ROUTE") {
			t.Errorf("unroutable call: exit %d %q", code, errOut)
		}
		code, out, _ = b.kaiten(t, "", "cast", "--exchange", "svc", "--routing-key", "rpc", "--body", "fire")
		if code != exitOK || !strings.Contains(out, "confirmed") || <-requests != "fire" {
			t.Errorf("cast: exit %d %q", code, out)
		}
		if code, _, _ = b.kaiten(t, "", "cast", "--exchange", "svc", "--routing-key", "nobody", "--body", "x"); code != exitFailed {
			t.Errorf("unroutable cast: exit %d", code)
		}
	})
}

// TestCLITopologyTrace: topology in every format from the live broker,
// and trace on the live topology.
func TestCLITopologyTrace(t *testing.T) {
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		if err := b.ch.ExchangeDeclare("ae", "fanout", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := b.ch.ExchangeDeclare("orders", "topic", false, false, false, false, amqp.Table{"alternate-exchange": "ae"}); err != nil {
			t.Fatal(err)
		}
		for q, key := range map[string]string{"q1": "a.*", "q\"2": "#.b"} {
			if _, err := b.ch.QueueDeclare(q, false, false, false, false, nil); err != nil {
				t.Fatal(err)
			}
			if err := b.ch.QueueBind(q, key, "orders", false, nil); err != nil {
				t.Fatal(err)
			}
		}
		code, out, errOut := b.kaiten(t, "", "topology")
		if code != exitOK || !strings.Contains(out, `"orders" topic`) || !strings.Contains(out, `"a.*" → queue "q1"`) ||
			!strings.Contains(out, `alternate exchange) → exchange "ae"`) {
			t.Errorf("tree: exit %d %q %q", code, out, errOut)
		}
		code, out, _ = b.kaiten(t, "", "topology", "--output", "json")
		var defs struct {
			Queues []struct {
				Name string `json:"name"`
			} `json:"queues"`
			Exchanges []struct {
				Name string `json:"name"`
			} `json:"exchanges"`
			Bindings []any `json:"bindings"`
		}
		if err := json.Unmarshal([]byte(out), &defs); err != nil || code != exitOK || len(defs.Queues) != 2 || len(defs.Exchanges) != 2 || len(defs.Bindings) != 2 {
			t.Errorf("json: exit %d %v %q", code, err, out)
		}
		code, out, _ = b.kaiten(t, "", "topology", "--output", "dot")
		if code != exitOK || !strings.HasPrefix(out, "digraph ") || !strings.Contains(out, `label="q\"2"`) || !strings.Contains(out, "style=dashed") {
			t.Errorf("dot: exit %d %q", code, out)
		}
		code, out, _ = b.kaiten(t, "", "topology", "--output", "mermaid")
		if code != exitOK || !strings.HasPrefix(out, "flowchart LR") || !strings.Contains(out, `"q#quot;2"`) || !strings.Contains(out, "-.->") {
			t.Errorf("mermaid: exit %d %q", code, out)
		}

		code, out, errOut = b.kaiten(t, "", "trace", "--exchange", "orders", "--routing-key", "a.b", "--output", "json")
		var tr struct {
			Queues []string `json:"queues"`
		}
		if err := json.Unmarshal([]byte(out), &tr); err != nil || code != exitOK || strings.Join(tr.Queues, ",") != "q\"2,q1" {
			t.Errorf("trace: exit %d %q %q", code, out, errOut)
		}
		if code, _, _ = b.kaiten(t, "", "trace", "--exchange", "nope", "--routing-key", "k"); code != exitFailed {
			t.Errorf("trace to a missing exchange: exit %d", code)
		}
	})
}
