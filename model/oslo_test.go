package model

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// osloTrace is one firehose record of the captures in testdata/oslo.
type osloTrace struct {
	TraceRK     string         `json:"trace_rk"`
	Exchange    string         `json:"exchange_name"`
	RoutingKeys []string       `json:"routing_keys"`
	Properties  map[string]any `json:"properties"`
	Body        string         `json:"-"`
}

// loadOsloCapture reads a capture's records with their wire bodies.
// capture2 stores bodies decoded, so its wire bytes come from built.json,
// where gen.py re-made them with oslo's serialize_msg and kombu's json.
func loadOsloCapture(t testing.TB, name string) []osloTrace {
	t.Helper()
	data, err := os.ReadFile("testdata/oslo/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var capture struct {
		Trace []struct {
			osloTrace
			Body json.RawMessage `json:"body"`
		} `json:"trace"`
	}
	if err := json.Unmarshal(data, &capture); err != nil {
		t.Fatal(err)
	}
	var wire []string
	if name == "capture2_firehose.json" {
		wire = loadOsloBuilt(t).Capture2
	}
	out := make([]osloTrace, len(capture.Trace))
	for i, r := range capture.Trace {
		out[i] = r.osloTrace
		if wire != nil {
			out[i].Body = wire[i]
		} else if err := json.Unmarshal(r.Body, &out[i].Body); err != nil {
			t.Fatalf("%s record %d: %v", name, i, err)
		}
	}
	return out
}

type osloBuilt struct {
	Messages []struct {
		Name    string   `json:"name"`
		Wire    string   `json:"wire"`
		Failure string   `json:"failure"`
		TB      []string `json:"tb"`
	} `json:"messages"`
	Capture2   []string `json:"capture2"`
	Compressed []struct {
		Compression string `json:"compression"`
		Body        []byte `json:"body"`
		Plain       string `json:"plain"`
	} `json:"compressed"`
}

func loadOsloBuilt(t testing.TB) osloBuilt {
	t.Helper()
	data, err := os.ReadFile("testdata/oslo/built.json")
	if err != nil {
		t.Fatal(err)
	}
	var b osloBuilt
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOsloCaptures decodes every body oslo.messaging 14.0.3 put through the
// firehose, checks its kind, and writes it back byte for byte.
func TestOsloCaptures(t *testing.T) {
	const (
		N = OsloNone
		C = OsloCall
		S = OsloCast
		R = OsloReply
		H = OsloHeartbeat
		M = OsloNotification
	)
	for _, c := range []struct {
		file  string
		kinds []OsloKind
	}{
		{"capture1_firehose.json", []OsloKind{
			N, C, C, R, R, // call-echo
			N, C, C, R, R, // call-server
			N, S, S, // cast
			N, S, S, S, // fanout-cast
			N, C, C, R, R, // call-boom
			N, C, // call-timeout
			N, N, // another client's plain text
			N, M, // notify-v2
			N, M, // notify-v1
			N, // end
		}},
		{"capture2_firehose.json", []OsloKind{
			C, C, R, // boom
			C, C, H, H, R, // slow with a call monitor
			C, C, R, // namespace
			C, C, R, // bad version
			C, C, R, // no such method
		}},
	} {
		traces := loadOsloCapture(t, c.file)
		var got []OsloKind
		for i, r := range traces {
			m, err := DecodeOslo([]byte(r.Body))
			if err != nil {
				t.Errorf("%s[%d]: %v", c.file, i, err)
			}
			got = append(got, m.Kind)
			if m.Kind == OsloNone {
				continue
			}
			if enc := string(m.Encode()); enc != r.Body {
				t.Errorf("%s[%d]: round trip\n got %s\nwant %s", c.file, i, enc, r.Body)
			}
		}
		if !slices.Equal(got, c.kinds) {
			t.Errorf("%s: kinds\n got %v\nwant %v", c.file, got, c.kinds)
		}
	}
}

// TestOsloCaptureProperties checks OsloProperties against the properties
// kombu set on every oslo message published in the captures.
func TestOsloCaptureProperties(t *testing.T) {
	for _, file := range []string{"capture1_firehose.json", "capture2_firehose.json"} {
		for i, r := range loadOsloCapture(t, file) {
			m, _ := DecodeOslo([]byte(r.Body))
			if m.Kind == OsloNone {
				continue
			}
			var timeout time.Duration
			if e, ok := r.Properties["expiration"].(string); ok {
				ms, _ := strconv.Atoi(e)
				timeout = time.Duration(ms) * time.Millisecond
			}
			if m.Kind == OsloCall && timeout == 0 {
				t.Errorf("%s[%d]: a call without expiration", file, i)
			}
			p := OsloProperties(m.Kind, timeout)
			got := map[string]any{
				"priority":         float64(p.Priority),
				"delivery_mode":    float64(p.DeliveryMode),
				"headers":          map[string]any{},
				"content_encoding": p.ContentEncoding,
				"content_type":     p.ContentType,
			}
			if p.Has&HasExpiration != 0 {
				got["expiration"] = p.Expiration
			}
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(r.Properties)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("%s[%d] %s: properties %s, want %s", file, i, m.Kind, gotJSON, wantJSON)
			}
			wantMandatory := r.Exchange == "" // replies go through the default exchange
			if OsloMandatory(m.Kind) != wantMandatory {
				t.Errorf("%s[%d] %s: mandatory %v", file, i, m.Kind, !wantMandatory)
			}
		}
	}
}

func osloEnvelope(inner string) string {
	return `{"oslo.version": "2.0", "oslo.message": ` + PyStr(inner).String() + `}`
}

func TestDecodeOsloKinds(t *testing.T) {
	for _, c := range []struct {
		name  string
		body  string
		check func(t *testing.T, m OsloMessage)
	}{
		{
			"call", osloEnvelope(`{"method": "add", "args": {"a": 2, "b": 3}, "namespace": "ns", "version": "1.2", "_msg_id": "m1", "_reply_q": "reply_q", "_timeout": 30, "_unique_id": "u1", "_context_user_id": "u-1", "_context_roles": ["admin"]}`),
			func(t *testing.T, m OsloMessage) {
				want := OsloMessage{
					Kind: OsloCall, Envelope: "2.0", Method: "add", Namespace: "ns", Version: "1.2",
					MsgID: "m1", ReplyQueue: "reply_q", UniqueID: "u1",
				}
				if m.Kind != want.Kind || m.Envelope != want.Envelope || m.Method != want.Method ||
					m.Namespace != want.Namespace || m.Version != want.Version || m.MsgID != want.MsgID ||
					m.ReplyQueue != want.ReplyQueue || m.UniqueID != want.UniqueID {
					t.Errorf("got %+v", m)
				}
				if m.Args.String() != `{"a": 2, "b": 3}` {
					t.Errorf("args %s", m.Args)
				}
				if m.Timeout.State != OsloTimeoutSet || m.Timeout.Seconds.Text != "30" {
					t.Errorf("timeout %+v", m.Timeout)
				}
				if len(m.Context) != 2 || m.Context[0].Key != "user_id" || m.Context[1].Value.String() != `["admin"]` {
					t.Errorf("context %+v", m.Context)
				}
			},
		},
		{
			"call with null timeout", osloEnvelope(`{"method": "m", "args": {}, "_msg_id": "m1", "_reply_q": "q", "_timeout": null, "_unique_id": "u"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloCall || m.Timeout.State != OsloTimeoutNull {
					t.Errorf("got %s, timeout %+v", m.Kind, m.Timeout)
				}
			},
		},
		{
			"cast", osloEnvelope(`{"method": "fire", "args": {"n": 1}, "_unique_id": "u"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloCast || m.Timeout.State != OsloTimeoutAbsent || m.MsgID != "" {
					t.Errorf("got %s, timeout %+v, msg id %q", m.Kind, m.Timeout, m.MsgID)
				}
			},
		},
		{
			"empty msg id is a cast", osloEnvelope(`{"method": "fire", "args": {}, "_msg_id": ""}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloCast {
					t.Errorf("got %s", m.Kind)
				}
			},
		},
		{
			"bare 1.0 request", `{"method": "fire", "args": {}}`,
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloCast || m.Envelope != "" {
					t.Errorf("got %s, envelope %q", m.Kind, m.Envelope)
				}
			},
		},
		{
			"reply", osloEnvelope(`{"result": 5, "failure": null, "ending": true, "_msg_id": "m1", "_unique_id": "u"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloReply || !m.Ending || m.Result.Text != "5" || m.Failure != nil || m.MsgID != "m1" {
					t.Errorf("got %+v", m)
				}
			},
		},
		{
			"final reply with no result", osloEnvelope(`{"result": null, "failure": null, "ending": true, "_msg_id": "m1"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloReply || !m.Ending || !m.Result.IsNull() {
					t.Errorf("got %+v", m)
				}
			},
		},
		{
			"pre-Newton partial reply", osloEnvelope(`{"result": 5, "failure": null, "ending": false, "_msg_id": "m1"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloReply || m.Ending {
					t.Errorf("got %s ending %v", m.Kind, m.Ending)
				}
			},
		},
		{
			"heartbeat", osloEnvelope(`{"result": null, "failure": null, "ending": false, "_msg_id": "m1", "_unique_id": "u"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloHeartbeat || m.MsgID != "m1" {
					t.Errorf("got %+v", m)
				}
			},
		},
		{
			"failure", osloEnvelope(`{"result": null, "failure": "{\"class\": \"ValueError\", \"module\": \"builtins\", \"message\": \"boom\", \"tb\": [\"Traceback\\n\", \"ValueError: boom\\n\"], \"args\": [\"boom\"], \"kwargs\": {}}", "ending": true, "_msg_id": "m1"}`),
			func(t *testing.T, m OsloMessage) {
				e := m.Failure
				if m.Kind != OsloReply || e == nil {
					t.Fatalf("got %s, failure %v", m.Kind, e)
				}
				if e.Class != "ValueError" || e.Module != "builtins" || e.Message != "boom" ||
					len(e.Traceback) != 2 || e.Traceback[1] != "ValueError: boom\n" || e.Args.String() != `["boom"]` {
					t.Errorf("failure %+v", e)
				}
				if e.Error() != "ValueError: boom" {
					t.Errorf("Error() = %q", e.Error())
				}
			},
		},
		{
			"failure that is not JSON", osloEnvelope(`{"result": null, "failure": "it broke", "ending": true, "_msg_id": "m1"}`),
			func(t *testing.T, m OsloMessage) {
				if m.Failure == nil || m.Failure.Raw != "it broke" || m.Failure.Error() != "remote error: it broke" {
					t.Errorf("failure %+v", m.Failure)
				}
			},
		},
		{
			"notification", `{"message_id": "355a24ab-f367-4453-9c99-d6656e08e2f5", "publisher_id": "compute.host1", "event_type": "compute.instance.create.end", "priority": "INFO", "payload": {"a": 1}, "timestamp": "2026-11-25 08:03:13.946044", "_unique_id": "u", "_context_user_id": "u-1"}`,
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloNotification || m.Envelope != "" || m.MessageID != "355a24ab-f367-4453-9c99-d6656e08e2f5" ||
					m.PublisherID != "compute.host1" || m.EventType != "compute.instance.create.end" || m.Priority != "INFO" ||
					m.Payload.String() != `{"a": 1}` || m.Timestamp != "2026-11-25 08:03:13.946044" || m.User() != "u-1" {
					t.Errorf("got %+v", m)
				}
			},
		},
		{
			"envelope with another message", osloEnvelope(`[1, 2]`),
			func(t *testing.T, m OsloMessage) {
				if m.Kind != OsloUnknown || m.Body.String() != "[1, 2]" {
					t.Errorf("got %s %s", m.Kind, m.Body)
				}
			},
		},
		{"other JSON", `{"hello": "world"}`, func(t *testing.T, m OsloMessage) {
			if m.Kind != OsloNone {
				t.Errorf("got %s", m.Kind)
			}
		}},
		{"a JSON list", `[{"method": "x"}]`, func(t *testing.T, m OsloMessage) {
			if m.Kind != OsloNone {
				t.Errorf("got %s", m.Kind)
			}
		}},
		{"not JSON", "call-echo", func(t *testing.T, m OsloMessage) {
			if m.Kind != OsloNone {
				t.Errorf("got %s", m.Kind)
			}
		}},
		{"invalid UTF-8", "{\"method\": \"\xff\", \"args\": {}}", func(t *testing.T, m OsloMessage) {
			if m.Kind != OsloNone {
				t.Errorf("got %s", m.Kind)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := DecodeOslo([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, m)
			if m.Kind != OsloNone && string(m.Encode()) != c.body {
				t.Errorf("round trip\n got %s\nwant %s", m.Encode(), c.body)
			}
		})
	}
}

func TestDecodeOsloEnvelopeErrors(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"oslo.version": "3.0", "oslo.message": "{}"}`, "specified RPC envelope version, 3.0, not supported by this endpoint"},
		{`{"oslo.version": "2.1", "oslo.message": "{}"}`, "specified RPC envelope version, 2.1, not supported by this endpoint"},
		{`{"oslo.version": "2", "oslo.message": "{}"}`, "specified RPC envelope version, 2, not supported by this endpoint"},
		{`{"oslo.version": 2.0, "oslo.message": "{}"}`, "specified RPC envelope version, 2.0, not supported by this endpoint"},
		{`{"oslo.version": "2.0", "oslo.message": {}}`, "oslo envelope 2.0: oslo.message is not a string"},
		{`{"oslo.version": "2.0", "oslo.message": "{"}`, "oslo envelope 2.0: oslo.message: JSON at offset 1: expecting property name enclosed in double quotes"},
	} {
		m, err := DecodeOslo([]byte(c.body))
		var env *OsloEnvelopeError
		if !errors.As(err, &env) || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
		if m.Kind != OsloNone {
			t.Errorf("%s: kind %s", c.body, m.Kind)
		}
	}
	// 2.0.x and 2.0 with spaces are compatible, as in oslo.
	for _, v := range []string{"2.0", "2.0.0", " 2 . 0 "} {
		if _, err := DecodeOslo([]byte(`{"oslo.version": "` + v + `", "oslo.message": "{}"}`)); err != nil {
			t.Errorf("version %q: %v", v, err)
		}
	}
}

func TestOsloVersionCompatible(t *testing.T) {
	for _, c := range []struct {
		imp, v string
		want   bool
	}{
		{"2.0", "2.0", true},
		{"2.0", "2.1", false},
		{"2.0", "3.0", false},
		{"2.0", "1.0", false},
		{"1.3", "1.1", true},
		{"1.3", "1.3.1", false},
		{"1.3.2", "1.3.1", true},
		{"1.3", "1.2.9", true},
		{"1.3", "x.0", false},
		{"1.3", "1", false},
	} {
		if got := OsloVersionCompatible(c.imp, c.v); got != c.want {
			t.Errorf("OsloVersionCompatible(%q, %q) = %v", c.imp, c.v, got)
		}
	}
}

// TestOsloEnvelopeKeepsOuterMembers re-encodes an envelope with an extra
// member and its keys in another order.
func TestOsloEnvelopeKeepsOuterMembers(t *testing.T) {
	body := `{"oslo.message": "{\"method\": \"m\", \"args\": {}}", "x": [1], "oslo.version": "2.0"}`
	m, err := DecodeOslo([]byte(body))
	if err != nil || m.Kind != OsloCast {
		t.Fatalf("%s, %v", m.Kind, err)
	}
	if got := string(m.Encode()); got != body {
		t.Errorf("got %s", got)
	}
}
