package model

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestOsloSummaryCaptures summarises every message published in the
// captures, adding round trips from a matcher fed every record (publishes
// and deliveries) one millisecond apart.
func TestOsloSummaryCaptures(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"capture1_firehose.json", []string{
			`call compute.echo(value=[1, "two"]) from u-123`,
			`reply to c50bb571811a4983ad810906fa9fa87f: {"echo": [1, "two"], "ctx_user": "u-123"} (2.0 ms)`,
			`call compute.echo(value="direct") on host1 from u-123`,
			`reply to 8604647b88044f5b820d97043195d62a: {"echo": "direct", "ctx_user": "u-123"} (2.0 ms)`,
			`cast compute.fire(n=1) from u-123`,
			`fanout cast compute.fire(n=2) from u-123`,
			`call compute.boom() from u-123`,
			`remote error ValueError: boom requested (reply to 075e594cb5cc421ead4bfcd29dbf3a9e) (2.0 ms)`,
			`call nobody_listens.echo(value=0) from u-123`,
			`notification compute.instance.create.end from compute.host1 (INFO)`,
			`notification compute.instance.delete.error from compute.host1 (ERROR)`,
		}},
		{"capture2_firehose.json", []string{
			`call explorer_demo_22937.boom() from u-123`,
			`remote error ValueError: kaboom (reply to c0d8a40bb2b843c381196d67bce87888) (2.0 ms)`,
			`call explorer_demo_22937.slow(secs=3) from u-123`,
			`heartbeat for 6bc83e41d2224788aa49c33d7fd40aec (2.0 ms)`,
			`heartbeat for 6bc83e41d2224788aa49c33d7fd40aec (3.0 ms)`,
			`reply to 6bc83e41d2224788aa49c33d7fd40aec: "done" (4.0 ms)`,
			`call explorer_demo_22937.ping(arg="pong") in baseapi v1.1 from u-123`,
			`reply to c0a5b86abc0047578fc0d75a1b6e220b: "pong" (2.0 ms)`,
			`call explorer_demo_22937.slow(secs=0) v2.0 from u-123`,
			`remote error UnsupportedVersion: Endpoint does not support RPC version 2.0. Attempted method: slow (reply to 7c5385575ced483d8904a6c7287b31db) (2.0 ms)`,
			`call explorer_demo_22937.nosuch() from u-123`,
			`remote error NoSuchMethod: Endpoint does not support RPC method nosuch (reply to 1d5a3f3555a24a90815ce187878574f0) (2.0 ms)`,
		}},
	} {
		matcher := NewOsloCallMatcher(100)
		start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
		var got []string
		for i, r := range loadOsloCapture(t, c.file) {
			m, _ := DecodeOslo([]byte(r.Body))
			key := ""
			if len(r.RoutingKeys) > 0 {
				key = r.RoutingKeys[0]
			}
			match, matched := matcher.Observe(m, key, start.Add(time.Duration(i)*time.Millisecond))
			line := OsloSummary(m, r.Exchange, key)
			if line == "" || !strings.HasPrefix(r.TraceRK, "publish.") {
				continue
			}
			if matched {
				line = match.Annotate(line)
			}
			got = append(got, line)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.file, got, c.want)
		}
	}
}

func TestOsloSummary(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, c := range []struct {
		name, body, exchange, key, want string
	}{
		{"not oslo", "hello", "", "q", ""},
		{
			"user name first", osloEnvelope(`{"method": "m", "args": {}, "_context_user": "u", "_context_user_name": "alice", "_context_user_id": "u-1"}`),
			"nova", "compute", "cast compute.m() from alice",
		},
		{
			"no user", osloEnvelope(`{"method": "m", "args": {"s": "caf\u00e9 \u4e2d"}}`),
			"nova", "compute", `cast compute.m(s="café 中")`,
		},
		{
			"server with dots", osloEnvelope(`{"method": "m", "args": {}, "_msg_id": "1"}`),
			"nova", "compute.host1.example.org", "call compute.m() on host1.example.org",
		},
		{
			"hostile text", osloEnvelope(`{"method": "m\u001b[31m", "args": {"a\u202e": "\n\u0000"}}`),
			"nova", "t", `cast t.m\x1b[31m(a\u202e="\n\u0000")`,
		},
		{
			"long values", osloEnvelope(`{"method": "m", "args": {"a": "` + long + `", "b": [` + strings.Repeat(`1, `, 50) + `1], "c": 1, "d": 2, "e": 3, "f": "` + long + `"}}`),
			"nova", "t", `cast t.m(a="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…, b=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,…, c=1, d=2, e=3, …)`,
		},
		{
			"secret args", osloEnvelope(`{"method": "login", "args": {"user": "bob", "password": "hunter2"}}`),
			"nova", "auth", `cast auth.login(user="bob", password="***")`,
		},
		{
			"partial reply", osloEnvelope(`{"result": 5, "failure": null, "ending": false, "_msg_id": "m1"}`),
			"", "reply_x", "partial reply to m1: 5",
		},
		{
			"null result", osloEnvelope(`{"result": null, "failure": null, "ending": true, "_msg_id": "m1"}`),
			"", "reply_x", "reply to m1: null",
		},
		{"unknown", osloEnvelope(`"hi"`), "", "x", `oslo message "hi"`},
		{"notification without publisher", osloEnvelope(`{"event_type": "e", "payload": {}}`), "nova", "n.info", "notification e"},
		// Bare JSON is oslo's only with the whole shape of a kind: any
		// body with a "result" or a "method" key is not.
		{"plain JSON with a result", `{"user": "admin", "result": "ok"}`, "ingress", "audit.login", ""},
		{"plain JSON with a method", `{"method": "GET", "path": "/"}`, "ingress", "audit.http", ""},
		{"plain JSON with an event_type", `{"event_type": "login"}`, "ingress", "audit.login", ""},
		{"bare reply", `{"result": 5, "failure": null, "ending": true, "_msg_id": "m1"}`, "", "reply_x", "reply to m1: 5"},
	} {
		m, err := DecodeOslo([]byte(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := OsloSummary(m, c.exchange, c.key); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestPyShort(t *testing.T) {
	v := mustPy(t, `{"k": ["`+strings.Repeat("é", 10000)+`"]}`)
	got := PyShort(v, 10)
	if got != `{"k": ["é…` {
		t.Errorf("got %s", got)
	}
	if got := PyShort(PyStr("abc"), 5); got != `"abc"` {
		t.Errorf("got %s", got)
	}
	if got := PyShort(PyStr("abcd"), 5); got != `"abc…` {
		t.Errorf("got %s", got)
	}
}

func TestOsloCallMatcher(t *testing.T) {
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	call := func(id string) OsloMessage {
		m, _ := DecodeOslo([]byte(osloEnvelope(`{"method": "m", "args": {}, "_msg_id": "` + id + `"}`)))
		return m
	}
	reply := func(id string, ending bool) OsloMessage {
		e := "false"
		if ending {
			e = "true"
		}
		m, _ := DecodeOslo([]byte(osloEnvelope(`{"result": null, "failure": null, "ending": ` + e + `, "_msg_id": "` + id + `"}`)))
		return m
	}
	c := NewOsloCallMatcher(2)
	c.Observe(call("a"), "compute", at)
	c.Observe(call("a"), "compute", at.Add(time.Second)) // the firehose's delivery of the same call
	c.Observe(call("b"), "compute.host1", at.Add(2*time.Second))
	if mt, ok := c.Observe(reply("a", false), "reply_q", at.Add(3*time.Second)); !ok || mt.Final || mt.RTT != 3*time.Second || mt.Call.Method != "m" {
		t.Errorf("heartbeat for a: %+v %v", mt, ok)
	}
	if mt, ok := c.Observe(reply("b", true), "reply_q", at.Add(2500*time.Millisecond)); !ok || !mt.Final || mt.RTT != 500*time.Millisecond || mt.Call.Target != "compute.host1" {
		t.Errorf("reply to b: %+v %v", mt, ok)
	}
	c.Observe(call("c"), "compute", at) // a is forgotten
	if _, ok := c.Observe(reply("a", true), "reply_q", at); ok {
		t.Error("a still remembered")
	}
	if _, ok := c.Observe(reply("zzz", true), "reply_q", at); ok {
		t.Error("matched an unknown call")
	}
	if c.Pending() != 2 {
		t.Errorf("%d pending", c.Pending())
	}
	for i := range 1000 {
		c.Observe(call(strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String()), "t", at)
	}
	if c.Pending() != 2 || len(c.order)-c.head != 2 || len(c.order) > 200 {
		t.Errorf("%d pending, order %d from %d", c.Pending(), len(c.order), c.head)
	}
}

func TestFormatOsloRTT(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Microsecond:   "0.4 ms",
		12 * time.Millisecond:    "12 ms",
		9999 * time.Millisecond:  "9999 ms",
		12340 * time.Millisecond: "12.3 s",
		-time.Millisecond:        "-1.0 ms",
	} {
		if got := FormatOsloRTT(d); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
	}
}
