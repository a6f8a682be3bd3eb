package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// python is Debian's interpreter, which has Debian's python3-oslo.messaging.
const python = testenv.Python

// requirePythonOslo skips without Python's oslo.messaging, except with
// CI=true, where it fails.
func requirePythonOslo(t *testing.T) {
	t.Helper()
	testenv.RequirePython(t, "oslo_messaging", "oslo_config")
}

// osloFixture is testdata/oslo_rpc_server.py: real oslo.messaging RPC
// servers on one topic, and their notifier.
type osloFixture struct {
	t      *testing.T
	lines  chan string
	mu     sync.Mutex
	errOut bytes.Buffer
}

// Write collects the fixture's stderr.
func (f *osloFixture) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errOut.Write(p)
}

func (f *osloFixture) stderr() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errOut.String()
}

// startOsloFixture runs one RPC server per name on topic of the control
// exchange, in the scratch vhost, until the test ends.
func startOsloFixture(t *testing.T, b *liveBroker, exchange, topic string, servers ...string) *osloFixture {
	t.Helper()
	transport := "rabbit://" + url.UserPassword(b.user, b.pass).String() + "@" + b.amqp.Host + "/" + url.PathEscape(b.vhost)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	cmd := exec.CommandContext(ctx, python, append([]string{"testdata/oslo_rpc_server.py", transport, exchange, topic}, servers...)...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	f := &osloFixture{t: t, lines: make(chan string, 64)}
	cmd.Stderr = f
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.lines <- sc.Text()
		}
		close(f.lines)
	}()
	t.Cleanup(func() {
		defer cancel()
		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("oslo server: %v\n%s", err, f.stderr())
		}
	})
	if l := f.next("ready"); l != "ready" {
		t.Fatalf("oslo server said %q", l)
	}
	return f
}

// next returns the fixture's next line of output.
func (f *osloFixture) next(what string) string {
	f.t.Helper()
	select {
	case l, ok := <-f.lines:
		if !ok {
			f.t.Fatalf("oslo server ended before %s:\n%s", what, f.stderr())
		}
		return l
	case <-time.After(30 * time.Second):
		f.t.Fatalf("oslo server: no %s:\n%s", what, f.stderr())
	}
	return ""
}

// waitBinding waits until the exchange has a binding with the key.
func (b *liveBroker) waitBinding(t *testing.T, exchange, key string) {
	t.Helper()
	waitFor(t, "a binding of "+exchange+" with "+key, func() bool {
		var bs []struct {
			RoutingKey string `json:"routing_key"`
		}
		b.do(t, http.MethodGet, "/api/exchanges/"+url.PathEscape(b.vhost)+"/"+url.PathEscape(exchange)+"/bindings/source", nil, &bs)
		return slices.ContainsFunc(bs, func(x struct {
			RoutingKey string `json:"routing_key"`
		},
		) bool {
			return key == "" || x.RoutingKey == key
		})
	})
}

// osloCallResult is kaiten call --oslo --output json.
type osloCallResult struct {
	Result     any     `json:"result"`
	RTT        float64 `json:"rtt_ms"`
	MsgID      string  `json:"msg_id"`
	ReplyQueue string  `json:"reply_queue"`
	Heartbeats int     `json:"heartbeats"`
	Failure    *struct {
		Class     string   `json:"class"`
		Module    string   `json:"module"`
		Message   string   `json:"message"`
		Traceback []string `json:"traceback"`
	} `json:"failure"`
}

// TestCLIOsloPython serves real oslo.messaging RPC servers (two, on one
// topic) and a notifier, and has kaiten call, cast, tap and listen on
// both brokers. Without Python and oslo it skips, except with CI=true,
// where it fails.
func TestCLIOsloPython(t *testing.T) {
	requirePythonOslo(t)
	forEachCLITarget(t, func(t *testing.T, b *liveBroker) {
		fx := startOsloFixture(t, b, "kaiten_test", "calc", "pyhost1", "pyhost2")
		call := []string{"call", "--oslo", "--exchange", "kaiten_test", "--topic", "calc", "--timeout", "20"}
		callJSON := func(t *testing.T, what string, wantCode int, args ...string) osloCallResult {
			t.Helper()
			code, out, errOut := b.kaiten(t, "", append(append(call, "--output", "json"), args...)...)
			var r osloCallResult
			if err := json.Unmarshal([]byte(out), &r); err != nil || code != wantCode {
				t.Fatalf("%s: exit %d %q %q", what, code, out, errOut)
			}
			return r
		}

		t.Run("call", func(t *testing.T) {
			code, out, errOut := b.kaiten(t, "", append(call, "--method", "add", "--args", `{"a": 2, "b": 3}`)...)
			if code != exitOK || !strings.HasPrefix(out, "5\nreply in ") {
				t.Errorf("add: exit %d %q %q", code, out, errOut)
			}
			r := callJSON(t, "echo_context", exitOK, "--server", "pyhost2", "--method", "echo_context",
				"--oslo-context", `{"user_id": "u-kaiten", "project_id": "p1"}`)
			if ctx, _ := r.Result.(map[string]any); ctx["user_id"] != "u-kaiten" || ctx["project_id"] != "p1" || r.RTT <= 0 {
				t.Errorf("echo_context: %+v", r)
			}
		})

		t.Run("remote exception", func(t *testing.T) {
			fail := []string{"--method", "fail", "--args", `{"message": "boom from kaiten"}`}
			code, out, errOut := b.kaiten(t, "", append(call, fail...)...)
			if code != exitFailed || out != "" || !strings.Contains(errOut, "ValueError: boom from kaiten") ||
				!strings.Contains(errOut, "remote traceback:") || !strings.Contains(errOut, "raise ValueError(message)") {
				t.Errorf("fail: exit %d %q %q", code, out, errOut)
			}
			r := callJSON(t, "fail as JSON", exitFailed, fail...)
			if f := r.Failure; f == nil || f.Class != "ValueError" || f.Message != "boom from kaiten" || f.Module != "builtins" || len(f.Traceback) == 0 {
				t.Errorf("fail as JSON: %+v", r)
			}
			code, out, errOut = b.kaiten(t, "", append(call, "--method", "nosuch")...)
			if code != exitFailed || !strings.Contains(errOut, "NoSuchMethod: Endpoint does not support RPC method nosuch") || !strings.Contains(errOut, "--version 6.0") {
				t.Errorf("nosuch: exit %d %q %q", code, out, errOut)
			}
		})

		t.Run("slow call with heartbeats", func(t *testing.T) {
			// oslo's servers beat every half of the call monitor's
			// timeout, here 1 s: a 2.4 s method sends two, and outlives
			// the monitor's 2 s only because each beat restarts it.
			r := callJSON(t, "slow", exitOK, "--server", "pyhost1", "--method", "slow", "--args", `{"seconds": 2.4}`, "--call-monitor-timeout", "2")
			if r.Result != 2.4 || r.RTT < 2400 || r.Heartbeats < 2 {
				t.Errorf("slow: %+v", r)
			}
		})

		recorded := func(t *testing.T, server string) []any {
			t.Helper()
			r := callJSON(t, "recorded", exitOK, "--server", server, "--method", "recorded")
			got, ok := r.Result.([]any)
			if !ok {
				t.Fatalf("recorded on %s: %+v", server, r)
			}
			return got
		}
		t.Run("cast", func(t *testing.T) {
			code, out, errOut := b.kaiten(t, "", "cast", "--oslo", "--exchange", "kaiten_test", "--topic", "calc",
				"--method", "record", "--args", `{"value": "v1"}`)
			if code != exitOK || !strings.Contains(out, "confirmed") {
				t.Fatalf("cast: exit %d %q %q", code, out, errOut)
			}
			if l := fx.next("the cast"); l != "cast pyhost1: v1" && l != "cast pyhost2: v1" {
				t.Errorf("cast: server said %q", l)
			}
			// One server of the two executed it; read back through calls.
			all := append(recorded(t, "pyhost1"), recorded(t, "pyhost2")...)
			if !slices.Equal(all, []any{"v1"}) {
				t.Errorf("cast recorded %v", all)
			}
		})

		t.Run("fanout cast", func(t *testing.T) {
			code, out, errOut := b.kaiten(t, "", "cast", "--oslo", "--exchange", "kaiten_test", "--topic", "calc", "--fanout",
				"--method", "record", "--args", `{"value": "v2"}`)
			if code != exitOK || !strings.Contains(out, `"calc_fanout"`) {
				t.Fatalf("fanout cast: exit %d %q %q", code, out, errOut)
			}
			said := []string{fx.next("the fanout cast"), fx.next("the fanout cast's second copy")}
			slices.Sort(said)
			if !slices.Equal(said, []string{"cast pyhost1: v2", "cast pyhost2: v2"}) {
				t.Errorf("fanout cast: servers said %q", said)
			}
			for _, server := range []string{"pyhost1", "pyhost2"} {
				if got := recorded(t, server); len(got) == 0 || got[len(got)-1] != "v2" {
					t.Errorf("fanout cast: %s recorded %v", server, got)
				}
			}
		})

		t.Run("no such server", func(t *testing.T) {
			code, out, errOut := b.kaiten(t, "", "call", "--oslo", "--exchange", "kaiten_test", "--topic", "calc",
				"--server", "nosuchhost", "--method", "add", "--args", `{"a": 1, "b": 1}`, "--timeout", "1")
			if code != exitFailed || out != "" || !strings.Contains(errOut, `reply queue "reply_`) ||
				!strings.Contains(errOut, `queue "calc.nosuchhost" does not exist`) || !strings.Contains(errOut, `RPC server "nosuchhost"`) {
				t.Errorf("call to nosuchhost: exit %d %q %q", code, out, errOut)
			}
		})

		t.Run("notifications", func(t *testing.T) {
			for _, output := range []string{"text", "json"} {
				wait := b.background("notifications", "--exchange", "kaiten_test", "--topic", "kaiten_notifications",
					"--count", "1", "--timeout", "20", "--output", output)
				b.waitBinding(t, "kaiten_test", "kaiten_notifications.*")
				callJSON(t, "notify", exitOK, "--server", "pyhost1", "--method", "notify", "--oslo-context", `{"user_id": "u-notify"}`,
					"--args", `{"event_type": "compute.instance.create.end", "payload": {"instance_id": "i-1", "state": "active"}, "priority": "info"}`)
				code, out, errOut := wait()
				if code != exitOK {
					t.Fatalf("notifications: exit %d %q %q", code, out, errOut)
				}
				if output == "text" {
					if !strings.Contains(out, "notification compute.instance.create.end from compute.pyhost1 (INFO)") || !strings.Contains(out, `"instance_id": "i-1"`) {
						t.Errorf("notifications: %q", out)
					}
					continue
				}
				ms := jsonLines(t, out)
				if len(ms) != 1 {
					t.Fatalf("notifications as JSON: %q", out)
				}
				payload, _ := ms[0]["payload"].(map[string]any)
				ctx, _ := ms[0]["context"].(map[string]any)
				if ms[0]["event_type"] != "compute.instance.create.end" || ms[0]["priority"] != "INFO" || ms[0]["publisher_id"] != "compute.pyhost1" ||
					ms[0]["routing_key"] != "kaiten_notifications.info" || payload["instance_id"] != "i-1" || payload["state"] != "active" || ctx["user_id"] != "u-notify" {
					t.Errorf("notifications as JSON: %v", ms[0])
				}
			}
		})

		t.Run("targets", func(t *testing.T) {
			// Discovered from the queues and bindings real oslo declared.
			code, out, errOut := b.kaiten(t, "", "targets", "--output", "json")
			var j osloTargetsJSON
			if err := json.Unmarshal([]byte(out), &j); err != nil || code != exitOK {
				t.Fatalf("targets: exit %d %q %q", code, out, errOut)
			}
			i := slices.IndexFunc(j.Targets, func(x osloTargetJSON) bool { return x.Topic == "calc" })
			if i < 0 || !slices.Contains(j.ControlExchanges, "kaiten_test") {
				t.Fatalf("targets: %+v", j)
			}
			calc := j.Targets[i]
			if !slices.Equal(calc.Exchanges, []string{"kaiten_test"}) || calc.Queue != "calc" || len(calc.Servers) != 2 ||
				calc.Servers[0].Name != "pyhost1" || calc.Servers[0].Queue != "calc.pyhost1" || !slices.Equal(calc.Servers[0].Exchanges, []string{"kaiten_test"}) ||
				calc.Servers[1].Name != "pyhost2" || calc.Fanout != "calc_fanout" || len(calc.FanoutQueues) != 2 {
				t.Errorf("target calc: %+v", calc)
			}
			code, out, errOut = b.kaiten(t, "", "targets", "--exchange", "kaiten_test")
			if code != exitOK || !strings.Contains(out, "  calc on kaiten_test\n    servers: pyhost1 pyhost2\n    fanout: calc_fanout, 2 queue(s)\n") {
				t.Errorf("targets: exit %d %q %q", code, out, errOut)
			}
			code, out, _ = b.kaiten(t, "", "targets", "--exchange", "nova")
			if code != exitOK || strings.Contains(out, "calc") {
				t.Errorf("targets of another exchange: exit %d %q", code, out)
			}
		})

		t.Run("consume decodes", func(t *testing.T) {
			// A topic nobody serves: its queue holds the cast for kaiten.
			if _, err := b.ch.QueueDeclare("held", false, false, false, false, nil); err != nil {
				t.Fatal(err)
			}
			if err := b.ch.QueueBind("held", "held", "kaiten_test", false, nil); err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{"v3", "v4"} {
				code, out, errOut := b.kaiten(t, "", "cast", "--oslo", "--exchange", "kaiten_test", "--topic", "held", "--method", "record",
					"--args", `{"value": "`+v+`"}`, "--oslo-context", `{"user_name": "carol", "auth_token": "tok-secret"}`)
				if code != exitOK {
					t.Fatalf("cast: exit %d %q %q", code, out, errOut)
				}
			}
			code, out, errOut := b.kaiten(t, "", "consume", "--queue", "held", "--mode", "ack", "--count", "1")
			if code != exitOK || !strings.HasPrefix(out, "#1 cast held.record(value=\"v3\") from carol\n  exchange \"kaiten_test\" routing key \"held\" (from held)\n") ||
				strings.Contains(out, "tok-secret") {
				t.Errorf("consume: exit %d %q %q", code, out, errOut)
			}
			code, out, errOut = b.kaiten(t, "", "consume", "--queue", "held", "--mode", "ack", "--count", "1", "--output", "json")
			ms := jsonLines(t, out)
			if code != exitOK || len(ms) != 1 {
				t.Fatalf("consume as JSON: exit %d %q %q", code, out, errOut)
			}
			if o, _ := ms[0]["oslo"].(map[string]any); o["kind"] != "cast" || o["method"] != "record" || o["summary"] != `cast held.record(value="v4") from carol` ||
				ms[0]["routing_key"] != "held" || ms[0]["redacted"] != true {
				t.Errorf("consume as JSON: %v", ms[0])
			}
		})

		t.Run("tap matches replies to calls", func(t *testing.T) {
			testOsloTap(t, b, call)
		})
	})
}

// testOsloTap taps the control exchange and, through the firehose, the
// default exchange the replies take, while kaiten calls: the call shows
// as what it is, and the reply as the answer to it with the round trip.
func testOsloTap(t *testing.T, b *liveBroker, call []string) {
	for _, output := range []string{"text", "json"} {
		wait := b.background("tap", "--firehose", "--exchange", "kaiten_test", "--exchange", "", "--count", "2", "--timeout", "20", "--output", output)
		b.waitBinding(t, "amq.rabbitmq.trace", "")
		code, out, errOut := b.kaiten(t, "", append(call, "--server", "pyhost2", "--method", "add", "--args", `{"a": 2, "b": 3}`,
			"--oslo-context", `{"user_id": "u-tap", "auth_token": "tok-secret"}`, "--output", "json")...)
		var r osloCallResult
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
			t.Fatalf("call: exit %d %q %q", code, out, errOut)
		}
		code, out, errOut = wait()
		if code != exitOK || strings.Contains(out, "tok-secret") {
			t.Fatalf("tap %s: exit %d %q %q", output, code, out, errOut)
		}
		if output == "text" {
			lines := strings.Split(out, "\n")
			if !slices.Contains(lines, "#1 call calc.add(a=2, b=3) on pyhost2 from u-tap") ||
				!slices.ContainsFunc(lines, func(l string) bool {
					return strings.HasPrefix(l, "#2 reply to "+r.MsgID+": 5 (") && strings.HasSuffix(l, " ms)")
				}) {
				t.Errorf("tap text:\n%s", out)
			}
			continue
		}
		ms := jsonLines(t, out)
		if len(ms) != 2 {
			t.Fatalf("tap json: %q", out)
		}
		req, _ := ms[0]["oslo"].(map[string]any)
		props, _ := ms[0]["properties"].(map[string]any)
		if req["kind"] != "call" || req["method"] != "add" || req["msg_id"] != r.MsgID || ms[0]["exchange"] != "kaiten_test" ||
			ms[0]["routing_key"] != "calc.pyhost2" || props["expiration"] != "20000" {
			t.Errorf("the call as tapped: %v", ms[0])
		}
		// As oslo does, a call without a call monitor carries _timeout null.
		var outer struct {
			Inner string `json:"oslo.message"`
		}
		var inner map[string]any
		body, _ := ms[0]["body"].(string)
		if err := json.Unmarshal([]byte(body), &outer); err != nil || json.Unmarshal([]byte(outer.Inner), &inner) != nil {
			t.Fatalf("the call's body: %q", body)
		}
		if v, ok := inner["_timeout"]; !ok || v != nil || inner["_reply_q"] != r.ReplyQueue {
			t.Errorf("the call's _timeout and _reply_q: %v", inner)
		}
		rep, _ := ms[1]["oslo"].(map[string]any)
		rtt, _ := rep["rtt_ms"].(float64)
		matched, _ := rep["call"].(map[string]any)
		summary, _ := rep["summary"].(string)
		if rep["kind"] != "reply" || rep["msg_id"] != r.MsgID || rtt <= 0 || rtt > 20000 || matched["method"] != "add" ||
			matched["routing_key"] != "calc.pyhost2" || ms[1]["routing_key"] != r.ReplyQueue || !strings.HasPrefix(summary, "reply to "+r.MsgID+": 5 (") {
			t.Errorf("the reply as tapped: %v", ms[1])
		}
		for _, m := range ms {
			if m["body"] == nil || m["properties"] == nil || m["headers"] == nil {
				t.Errorf("fields missing: %v", m)
			}
		}
	}
}
