package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestCLINeedsBroker: with nothing configured, every command that talks
// to a broker says it needs one, and exits 2.
func TestCLINeedsBroker(t *testing.T) {
	t.Setenv("KAITEN_URL", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, args := range [][]string{
		{"topology"},
		{"publish", "--exchange", "x", "--body", "b"},
		{"tap", "--exchange", "x"},
		{"consume", "--queue", "q", "--mode", "peek"},
		{"call", "--exchange", "x", "--body", "b"},
		{"cast", "--exchange", "x", "--body", "b"},
		{"trace", "--exchange", "x"},
	} {
		code, out, errOut := kaiten(t, "", args...)
		want := "needs a broker"
		if args[0] == "trace" {
			want = "--definitions FILE"
		}
		if code != exitUsage || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestCLIUsageErrors: bad flags exit 2 with a message naming the flag,
// before any broker is contacted.
func TestCLIUsageErrors(t *testing.T) {
	url := []string{"--url", "amqp://guest:guest@127.0.0.1:1/"} // nothing listens there
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"publish"}, "--exchange is required"},
		{[]string{"publish", "--exchange", "x", "--body", "a", "--body-file", "f"}, "not both"},
		{[]string{"publish", "--exchange", "x", "--count", "0"}, "--count"},
		{[]string{"publish", "--exchange", "x", "--output", "yaml"}, "--output"},
		{[]string{"publish", "--exchange", "x", "--body", "b", "--property", "priority=high"}, "priority"},
		{[]string{"publish", "--exchange", "x", "--body", "b", "--property", "cluster_id=c"}, "cluster_id"},
		{[]string{"publish", "--exchange", "x", "--body", "b", "--property", "colour=blue"}, "no such basic property"},
		{[]string{"publish", "--exchange", "x", "--body", "b", "--headers-json", "[1]"}, "--headers-json"},
		{[]string{"publish", "--exchange", "x", "--body-file", "/nonexistent/body"}, "cannot read the body"},
		{[]string{"tap"}, "--exchange is required"},
		{[]string{"tap", "--exchange", "x", "--timeout", "soon"}, "soon"},
		{[]string{"consume", "--queue", "q"}, "--mode is required"},
		{[]string{"consume", "--queue", "q", "--mode", "eat"}, "peek, ack or auto"},
		{[]string{"consume", "--mode", "ack"}, "--queue is required"},
		{[]string{"call", "--routing-key", "k"}, "--exchange is required"},
		{[]string{"topology", "--output", "svg"}, "tree or json or dot or mermaid"},
		{[]string{"tap", "--exchange", "x", "stray"}, "unexpected argument"},
	} {
		code, _, errOut := kaiten(t, "", append(c.args, url...)...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	code, _, errOut := kaiten(t, "", "publish", "--exchange", "x", "--body", "b", "--url", "amqp://guest:guest@127.0.0.1:1/")
	if code != exitUsage || !strings.Contains(errOut, "cannot") || strings.Contains(errOut, "guest:guest") {
		t.Errorf("no broker there: exit %d, stderr %q", code, errOut)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30s": 30 * time.Second, "2m": 2 * time.Minute, "1.5": 1500 * time.Millisecond, "5": 5 * time.Second, "0": 0,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"-1", "-2s", "soon", ""} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// requireKeys checks that a message in JSON has the contract's keys.
func requireKeys(t *testing.T, m map[string]any) {
	t.Helper()
	for _, k := range []string{"exchange", "routing_key", "redelivered", "properties", "headers", "body"} {
		if _, ok := m[k]; !ok {
			t.Errorf("message JSON without %q: %v", k, m)
		}
	}
}

// TestCLIPublishConsume: publish with its outcomes and exit statuses, and
// consume in each mode, in JSON.
func TestCLIPublishConsume(t *testing.T) {
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		if err := b.ch.ExchangeDeclare("orders", "topic", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ch.QueueDeclare("q1", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := b.ch.QueueBind("q1", "a.*", "orders", false, nil); err != nil {
			t.Fatal(err)
		}

		code, out, errOut := b.kaiten(t, "", "publish", "--exchange", "orders", "--routing-key", "a.b", "--body", `{"x": 1}`,
			"--property", "content_type=application/json", "--property", "delivery-mode=persistent", "--property", "timestamp=1700000000",
			"--headers-json", `{"n": 1, "f": 1.5}`, "--header", "who=me", "--output", "json")
		res := jsonLines(t, out)
		if code != exitOK || len(res) != 1 || res[0]["published"] != 1.0 || res[0]["acked"] != 1.0 || res[0]["returned"] != 0.0 {
			t.Fatalf("publish: exit %d %q %q", code, out, errOut)
		}
		code, out, _ = b.kaiten(t, "binary \xff body", "publish", "--exchange", "orders", "--routing-key", "a.c", "--count", "3", "--rate", "200", "--output", "json")
		if res := jsonLines(t, out); code != exitOK || res[0]["published"] != 3.0 || res[0]["acked"] != 3.0 {
			t.Errorf("publish from stdin 3 times: exit %d %q", code, out)
		}
		code, out, _ = b.kaiten(t, "", "publish", "--exchange", "orders", "--routing-key", "nowhere", "--body", "x", "--output", "json")
		res = jsonLines(t, out)
		returns, _ := res[0]["returns"].([]any)
		if code != exitFailed || res[0]["returned"] != 1.0 || len(returns) != 1 || returns[0].(map[string]any)["reply_code"] != 312.0 {
			t.Errorf("unroutable publish: exit %d %q", code, out)
		}
		code, out, errOut = b.kaiten(t, "", "publish", "--exchange", "missing", "--body", "x")
		if code != exitFailed || !strings.Contains(errOut, "404") || strings.Contains(out, "published") {
			t.Errorf("publish to a missing exchange: exit %d, out %q, err %q; want the 404 only", code, out, errOut)
		}

		code, out, errOut = b.kaiten(t, "", "consume", "--queue", "q1", "--mode", "peek", "--count", "2", "--output", "json")
		msgs := jsonLines(t, out)
		if code != exitOK || len(msgs) != 2 || !strings.Contains(errOut, "redelivered") {
			t.Fatalf("peek: exit %d %q %q", code, out, errOut)
		}
		for _, m := range msgs {
			requireKeys(t, m)
		}
		props, _ := msgs[0]["properties"].(map[string]any)
		headers, _ := msgs[0]["headers"].(map[string]any)
		if msgs[0]["body"] != `{"x": 1}` || props["content_type"] != "application/json" || props["delivery_mode"] != 2.0 ||
			props["timestamp"] != 1700000000.0 || headers["n"] != 1.0 || headers["f"] != 1.5 || headers["who"] != "me" {
			t.Errorf("peeked %v", msgs[0])
		}
		if msgs[1]["body"] != "YmluYXJ5IP8gYm9keQ==" || msgs[1]["body_encoding"] != "base64" {
			t.Errorf("a body that is not UTF-8: %v", msgs[1])
		}

		code, _, errOut = b.kaiten(t, "", "consume", "--queue", "q1", "--mode", "auto", "--count", "1")
		if code != exitUsage || !strings.Contains(errOut, "--yes") {
			t.Errorf("auto without --yes: exit %d %q", code, errOut)
		}
		code, out, _ = b.kaiten(t, "", "consume", "--queue", "q1", "--mode", "ack", "--count", "2", "--output", "json")
		if msgs := jsonLines(t, out); code != exitOK || len(msgs) != 2 || msgs[0]["redelivered"] != true {
			t.Errorf("ack: exit %d %q", code, out)
		}
		code, out, _ = b.kaiten(t, "", "consume", "--queue", "q1", "--mode", "auto", "--yes", "--count", "5", "--timeout", "1", "--output", "json")
		if msgs := jsonLines(t, out); code != exitFailed || len(msgs) != 2 {
			t.Errorf("auto, 2 of 5 then a timeout: exit %d %q", code, out)
		}
		code, out, _ = b.kaiten(t, "", "consume", "--queue", "q1", "--mode", "peek")
		if code != exitOK || out != "" {
			t.Errorf("peek of the emptied queue: exit %d %q", code, out)
		}
		code, _, errOut = b.kaiten(t, "", "consume", "--queue", "nope", "--mode", "ack")
		if code != exitFailed || !strings.Contains(errOut, `no queue "nope"`) {
			t.Errorf("consume of a missing queue: exit %d %q", code, errOut)
		}
	})
}

// TestCLITap: a tap prints what the exchange routes as JSON Lines and
// ends at its count; a firehose tap adds the routed queues and kaiten's
// route, and turns tracing off again.
func TestCLITap(t *testing.T) {
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		if err := b.ch.ExchangeDeclare("events", "fanout", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ch.QueueDeclare("all", false, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := b.ch.QueueBind("all", "", "events", false, nil); err != nil {
			t.Fatal(err)
		}
		for _, firehose := range []bool{false, true} {
			args := []string{"tap", "--exchange", "events", "--count", "2", "--timeout", "20s", "--output", "json"}
			if firehose {
				args = append(args, "--firehose")
			}
			wait := b.background(args...)
			waitFor(t, "the tap's queue", func() bool { return len(b.queues(t)) == 2 })
			for _, k := range []string{"k1", "k2", "k3"} {
				if err := b.ch.Publish("events", k, false, false, amqp.Publishing{Body: []byte(k)}); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errOut := wait()
			msgs := jsonLines(t, out)
			if code != exitOK || len(msgs) != 2 || msgs[0]["routing_key"] != "k1" || msgs[1]["body"] != "k2" {
				t.Fatalf("tap (firehose %v): exit %d %q %q", firehose, code, out, errOut)
			}
			requireKeys(t, msgs[0])
			if firehose {
				fh, _ := msgs[0]["firehose"].(map[string]any)
				routed, _ := fh["routed_queues"].([]any)
				if fh["differs"] != false || fh["compared"] != true || !slices.Contains(routed, any("all")) {
					t.Errorf("firehose: %v", fh)
				}
				if b.tracing(t) {
					t.Error("tracing is still on")
				}
			}
			waitFor(t, "the tap's queue to go", func() bool { return len(b.queues(t)) == 1 })
		}
		code, _, errOut := b.kaiten(t, "", "tap", "--exchange", "events", "--count", "1", "--timeout", "0.3")
		if code != exitFailed || !strings.Contains(errOut, "timed out") {
			t.Errorf("a tap that times out before its count: exit %d %q", code, errOut)
		}
		code, _, errOut = b.kaiten(t, "", "tap", "--exchange", "nope")
		if code != exitFailed || !strings.Contains(errOut, `no exchange "nope"`) {
			t.Errorf("tap of a missing exchange: exit %d %q", code, errOut)
		}
	})
}
