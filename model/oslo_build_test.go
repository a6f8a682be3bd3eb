package model

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"
)

// pyUUIDs yields the bytes of the ids gen.py hands out in turn: the
// integers 0x1000, 0x1001, … as 16 big-endian bytes.
type pyUUIDs struct{ next uint64 }

func (r *pyUUIDs) Read(p []byte) (int, error) {
	n := 0
	for len(p) >= 16 {
		binary.BigEndian.PutUint64(p[:8], 0)
		binary.BigEndian.PutUint64(p[8:16], 0x1000+r.next)
		r.next++
		p, n = p[16:], n+16
	}
	return n, nil
}

func mustPy(t *testing.T, s string) PyValue {
	t.Helper()
	v, err := ParsePyJSON([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// TestOsloBuildersMatchOslo builds in Go the messages gen.py composed with
// oslo.messaging's own functions and the same ids, and compares the bytes.
func TestOsloBuildersMatchOslo(t *testing.T) {
	built := loadOsloBuilt(t)
	want := map[string]string{}
	var failure string
	var tb []string
	for _, m := range built.Messages {
		want[m.Name] = m.Wire
		if m.Name == "remote error" {
			failure, tb = m.Failure, m.TB
		}
	}
	ids := &pyUUIDs{}
	ctx := mustPy(t, `{"user_id": "u-123", "project_id": "p-456", "auth_token": "gAAAA-secret", "roles": ["admin", "member"], "is_admin": true}`).Fields
	replyQ := "reply_" + strings.Repeat("ab", 16)
	msgID := strings.Repeat("cd", 16)
	remote := &RemoteError{Class: "ValueError", Module: "builtins", Message: "boom \u2603", Traceback: tb}
	if got := remote.Encode(); got != failure {
		t.Errorf("remote error\n got %s\nwant %s", got, failure)
	}
	steps := []struct {
		name  string
		kind  OsloKind
		build func() (OsloMessage, error)
	}{
		{"call", OsloCall, func() (OsloMessage, error) {
			req := OsloRequest{Method: "add", Args: mustPy(t, `{"a": 2, "b": 3.5, "name": "café"}`).Fields, Version: "1.0", Context: ctx}
			return NewOsloCall(req, replyQ, 0, ids)
		}},
		{"call with monitor", OsloCall, func() (OsloMessage, error) {
			req := OsloRequest{Method: "slow", Args: []PyField{{Key: "secs", Value: PyInt(3)}}, Namespace: "baseapi", Version: "1.1", Context: ctx}
			return NewOsloCall(req, replyQ, 2*time.Second, ids)
		}},
		{"cast", OsloCast, func() (OsloMessage, error) {
			return NewOsloCast(OsloRequest{Method: "fire", Args: []PyField{{Key: "n", Value: PyInt(1)}}, Context: ctx}, ids)
		}},
		{"reply", OsloReply, func() (OsloMessage, error) {
			return NewOsloReply(msgID, mustPy(t, `{"echo": [1, "two"]}`), ids)
		}},
		{"heartbeat", OsloHeartbeat, func() (OsloMessage, error) { return NewOsloHeartbeat(msgID, ids) }},
		{"failure reply", OsloReply, func() (OsloMessage, error) { return NewOsloFailure(msgID, remote, ids) }},
		{"notification v2", OsloNotification, func() (OsloMessage, error) {
			return NewOsloNotification(osloTestNotification(t, false), ids)
		}},
		{"notification v1", OsloNotification, func() (OsloMessage, error) {
			return NewOsloNotification(osloTestNotification(t, true), ids)
		}},
	}
	for _, s := range steps {
		m, err := s.build()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if m.Kind != s.kind {
			t.Errorf("%s: kind %s, want %s", s.name, m.Kind, s.kind)
		}
		if got := string(m.Encode()); got != want[s.name] {
			t.Errorf("%s:\n got %s\nwant %s", s.name, got, want[s.name])
		}
		back, err := DecodeOslo(m.Encode())
		if err != nil || back.Kind != s.kind || string(back.Encode()) != want[s.name] {
			t.Errorf("%s: decoded back as %s, %v", s.name, back.Kind, err)
		}
	}
}

func osloTestNotification(t *testing.T, v1 bool) OsloNotificationSpec {
	return OsloNotificationSpec{
		PublisherID: "compute.host1",
		EventType:   "compute.instance.create.end",
		Priority:    "info",
		Payload:     mustPy(t, `{"instance_id": "i-1", "state": "active"}`),
		Time:        time.Date(2026, 11, 25, 8, 3, 13, 946044999, time.UTC),
		Context:     []PyField{{Key: "user_id", Value: PyStr("u-123")}},
		V1:          v1,
	}
}

func TestOsloBuildErrors(t *testing.T) {
	if _, err := NewOsloCast(OsloRequest{}, &pyUUIDs{}); err == nil {
		t.Error("a request without a method built")
	}
	n := osloTestNotification(t, false)
	n.Priority = "loud"
	if _, err := NewOsloNotification(n, &pyUUIDs{}); err == nil {
		t.Error("a notification with an unknown priority built")
	}
	n.Priority = "Warning"
	if m, err := NewOsloNotification(n, &pyUUIDs{}); err != nil || m.Priority != "WARN" {
		t.Errorf("warning: %q, %v", m.Priority, err)
	}
	if _, err := NewOsloCall(OsloRequest{Method: "m"}, "q", 0, strings.NewReader("short")); err == nil {
		t.Error("a call built from too few random bytes")
	}
	m, err := NewOsloCall(OsloRequest{Method: "m"}, "q", 1500*time.Millisecond, &pyUUIDs{})
	if err != nil || m.Timeout.Seconds.Text != "1.5" || m.Args.String() != "{}" {
		t.Errorf("monitor 1.5 s: %+v, %v", m.Timeout, err)
	}
}

func TestOsloIDs(t *testing.T) {
	r := bytes.NewReader(bytes.Repeat([]byte{0xff}, 48))
	id, _ := NewOsloID(r)
	if id != "ffffffffffff4fffbfffffffffffffff" {
		t.Errorf("id %s", id)
	}
	u, _ := NewOsloUUID(r)
	if u != "ffffffff-ffff-4fff-bfff-ffffffffffff" {
		t.Errorf("uuid %s", u)
	}
	q, _ := NewOsloReplyQueue(r)
	if q != "reply_ffffffffffff4fffbfffffffffffffff" {
		t.Errorf("reply queue %s", q)
	}
	if _, err := NewOsloID(r); err == nil {
		t.Error("an id from an exhausted reader")
	}
}

func TestOsloTimestamp(t *testing.T) {
	at := time.Date(2026, 11, 25, 9, 3, 13, 946044000, time.FixedZone("CET", 3600))
	if got := OsloTimestamp(at); got != "2026-11-25 08:03:13.946044" {
		t.Errorf("got %s", got)
	}
	if got := OsloTimestamp(at.Truncate(time.Second)); got != "2026-11-25 08:03:13" {
		t.Errorf("whole second: %s", got)
	}
	for s, want := range map[string]time.Time{
		"2026-11-25 08:03:13.946044": at,
		"2026-11-25T08:03:13.946044": at,
		"2026-11-25 08:03:13":        at.Truncate(time.Second),
	} {
		p, err := ParseOsloTimestamp(s)
		if err != nil || !p.Equal(want) || p.Location() != time.UTC {
			t.Errorf("%s: %v, %v", s, p, err)
		}
	}
	if _, err := ParseOsloTimestamp("yesterday"); err == nil {
		t.Error("parsed yesterday")
	}
}

func TestOsloTargetRoute(t *testing.T) {
	for _, c := range []struct {
		t       OsloTarget
		x, rkey string
	}{
		{OsloTarget{Topic: "compute"}, "openstack", "compute"},
		{OsloTarget{Exchange: "nova", Topic: "compute", Server: "host1.example.org"}, "nova", "compute.host1.example.org"},
		{OsloTarget{Exchange: "nova", Topic: "compute", Server: "host1", Fanout: true}, "compute_fanout", ""},
	} {
		if x, k := c.t.Route(); x != c.x || k != c.rkey {
			t.Errorf("%+v: %q %q", c.t, x, k)
		}
	}
	if k := OsloNotificationKey("notifications", "INFO"); k != "notifications.info" {
		t.Errorf("notification key %s", k)
	}
}

func TestOsloProperties(t *testing.T) {
	p := OsloProperties(OsloCall, 60*time.Second)
	if p.Expiration != "60000" || p.Has&HasExpiration == 0 || p.DeliveryMode != 2 || p.Has&HasPriority == 0 || p.Headers == nil {
		t.Errorf("call: %+v", p)
	}
	if p := OsloProperties(OsloCast, 60*time.Second); p.Has&HasExpiration != 0 {
		t.Errorf("cast with expiration: %+v", p)
	}
	if !OsloMandatory(OsloHeartbeat) || OsloMandatory(OsloCall) || OsloMandatory(OsloNotification) {
		t.Error("mandatory flags")
	}
}

// TestOsloBodyDecompresses reads bodies kombu compressed (its
// application/x-gzip is zlib) and a real gzip stream.
func TestOsloBodyDecompresses(t *testing.T) {
	built := loadOsloBuilt(t)
	if len(built.Compressed) != 2 {
		t.Fatalf("%d compressed bodies", len(built.Compressed))
	}
	props := func(ctype string) Properties {
		return Properties{Headers: Table{OsloCompressionHeader: String(ctype)}}
	}
	for _, c := range built.Compressed {
		m, err := DecodeOsloDelivery(props(c.Compression), c.Body)
		if err != nil || m.Kind != OsloCall || string(m.Encode()) != c.Plain {
			t.Errorf("%s: %s, %v", c.Compression, m.Kind, err)
		}
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	io.WriteString(w, built.Compressed[0].Plain)
	w.Close()
	if body, err := OsloBody(props("gzip"), gz.Bytes()); err != nil || string(body) != built.Compressed[0].Plain {
		t.Errorf("gzip stream: %v", err)
	}
	if body, err := OsloBody(Properties{}, []byte("plain")); err != nil || string(body) != "plain" {
		t.Errorf("no compression: %q, %v", body, err)
	}
	if _, err := OsloBody(props("application/x-brotli"), []byte("x")); err == nil {
		t.Error("brotli accepted")
	}
	if _, err := OsloBody(props("application/x-gzip"), []byte("not zlib")); err == nil {
		t.Error("corrupt zlib accepted")
	}
}
