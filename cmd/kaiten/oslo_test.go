package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/demo"
)

func TestHasOsloFlag(t *testing.T) {
	for args, want := range map[string]bool{
		"--oslo --topic x": true, "-oslo": true, "--oslo=true": true, "--topic oslo": false,
		"--exchange x": false, "-- --oslo": false, "--oslo=false": false,
	} {
		if got := hasOsloFlag(strings.Fields(args)); got != want {
			t.Errorf("%q: %v", args, got)
		}
	}
}

func TestOsloUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"call", "--oslo", "--method", "m"},
		{"call", "--oslo", "--topic", "t"},
		{"call", "--oslo", "--topic", "t", "--method", "m", "--args", "[1]"},
		{"call", "--oslo", "--topic", "t", "--method", "m", "--oslo-context", "{"},
		{"cast", "--oslo", "--topic", "t", "--method", "m", "--fanout", "--server", "h"},
		{"notify", "--oslo", "--priority", "info"},
		{"notify", "--oslo", "--event-type", "e", "--priority", "loud"},
		{"notifications", "--priority", "loud"},
		{"call", "--oslo", "--topic", "t", "--method", "m", "--call-monitor-timeout", "1"},
		{"targets", "--output", "tree"},
	} {
		if code, _, errOut := kaiten(t, "", args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d %q", args, code, errOut)
		}
	}
}

// TestCLIOslo runs the demo bus in the scratch vhost and talks oslo to
// its nova-compute: a call answers, a failing method gives the remote
// exception and exit 1, an unanswered call times out naming its reply
// queue, casts go out, and a notification reaches kaiten notifications.
func TestCLIOslo(t *testing.T) {
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		d, err := demo.Start(context.Background(), demo.Options{URL: b.url(), Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Stop)

		call := []string{"call", "--oslo", "--exchange", "nova", "--topic", "compute", "--version", "6.2", "--timeout", "20"}
		code, out, errOut := b.kaiten(t, "", append(call, "--method", "get_host_uptime", "--oslo-context", `{"user_id": "u1", "auth_token": "secret"}`)...)
		if code != exitOK || !strings.Contains(out, "load average") || !strings.Contains(out, "reply in ") || !strings.Contains(out, "reply_") {
			t.Fatalf("call: exit %d %q %q", code, out, errOut)
		}
		code, out, errOut = b.kaiten(t, "", append(call, "--method", "get_host_uptime", "--output", "json")...)
		var r struct {
			Result     any     `json:"result"`
			RTT        float64 `json:"rtt_ms"`
			ReplyQueue string  `json:"reply_queue"`
			MsgID      string  `json:"msg_id"`
			Failure    *struct {
				Class     string   `json:"class"`
				Message   string   `json:"message"`
				Traceback []string `json:"traceback"`
			} `json:"failure"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK || r.Failure != nil || r.RTT <= 0 || len(r.MsgID) != 32 {
			t.Fatalf("call as JSON: exit %d %q %q", code, out, errOut)
		}
		if s, _ := r.Result.(string); !strings.Contains(s, "load average") || !strings.HasPrefix(r.ReplyQueue, "reply_") {
			t.Errorf("call as JSON: %+v", r)
		}
		for _, q := range b.queues(t) {
			if q == r.ReplyQueue {
				t.Errorf("reply queue %q left behind", q)
			}
		}

		fails := append(call, "--method", "get_console_output", "--args", `{"instance": {"uuid": "no-such-instance"}}`)
		code, out, errOut = b.kaiten(t, "", fails...)
		if code != exitFailed || out != "" || !strings.Contains(errOut, "InstanceNotFound") || !strings.Contains(errOut, "remote traceback:") {
			t.Errorf("failing call: exit %d %q %q", code, out, errOut)
		}
		code, out, _ = b.kaiten(t, "", append(fails, "--output", "json")...)
		r.Failure = nil
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitFailed || r.Failure == nil || r.Failure.Class != "InstanceNotFound" || len(r.Failure.Traceback) == 0 {
			t.Errorf("failing call as JSON: exit %d %q", code, out)
		}

		code, _, errOut = b.kaiten(t, "", "call", "--oslo", "--exchange", "nova", "--topic", "nobody_listens", "--method", "ping", "--timeout", "1")
		if code != exitFailed || !strings.Contains(errOut, `reply queue "reply_`) || !strings.Contains(errOut, "nobody_listens") {
			t.Errorf("unanswered call: exit %d %q", code, errOut)
		}

		code, out, errOut = b.kaiten(t, "", "cast", "--oslo", "--exchange", "nova", "--topic", "compute", "--version", "6.2",
			"--method", "refresh_instance_security_rules")
		if code != exitOK || !strings.Contains(out, `"nova"`) || !strings.Contains(out, "confirmed") {
			t.Errorf("cast: exit %d %q %q", code, out, errOut)
		}
		code, out, errOut = b.kaiten(t, "", "cast", "--oslo", "--exchange", "nova", "--topic", "scheduler", "--fanout",
			"--version", "4.0", "--method", "sync_instance_info", "--args", `{"host_name": "kaiten", "instance_uuids": []}`)
		if code != exitOK || !strings.Contains(out, `"scheduler_fanout"`) {
			t.Errorf("fanout cast: exit %d %q %q", code, out, errOut)
		}

		for _, output := range []string{"text", "json"} {
			wait := b.background("notifications", "--exchange", "nova", "--topic", "kaiten_test", "--count", "1", "--timeout", "20", "--output", output)
			waitFor(t, "the listener's binding", func() bool {
				var bs []struct {
					RoutingKey string `json:"routing_key"`
				}
				b.do(t, http.MethodGet, "/api/exchanges/"+url.PathEscape(b.vhost)+"/nova/bindings/source", nil, &bs)
				for _, x := range bs {
					if x.RoutingKey == "kaiten_test.*" {
						return true
					}
				}
				return false
			})
			code, out, errOut = b.kaiten(t, "", "notify", "--oslo", "--exchange", "nova", "--topic", "kaiten_test",
				"--event-type", "compute.instance.create.end", "--priority", "info", "--publisher-id", "compute.kaiten",
				"--payload", `{"instance_id": "i-1", "password": "hunter2"}`)
			if code != exitOK || !strings.Contains(out, `"kaiten_test.info"`) {
				t.Errorf("notify: exit %d %q %q", code, out, errOut)
			}
			code, out, errOut = wait()
			if code != exitOK || strings.Contains(out, "hunter2") {
				t.Errorf("notifications %s: exit %d %q %q", output, code, out, errOut)
			}
			if output == "text" {
				if !strings.Contains(out, "notification compute.instance.create.end from compute.kaiten (INFO)") || strings.Count(out, "\n") != 1 {
					t.Errorf("notifications: %q", out)
				}
				continue
			}
			ms := jsonLines(t, out)
			if len(ms) != 1 || ms[0]["event_type"] != "compute.instance.create.end" || ms[0]["priority"] != "INFO" || ms[0]["routing_key"] != "kaiten_test.info" {
				t.Errorf("notifications as JSON: %q", out)
			}
		}
	})
}
