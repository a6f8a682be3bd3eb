package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// TestMessageText: text from the broker reaches the terminal without a
// control character, and long bodies are cut.
func TestMessageText(t *testing.T) {
	m := broker.Message{
		Exchange: "ex\x1b[2J", RoutingKey: "k\x07", Source: "q\u202e",
		Properties: model.Properties{
			Type: "t\x1b]0;title\x07", Has: model.HasType | model.HasHeaders,
			Headers: model.Table{"h\x1b": model.String("v\x1b")},
		},
		Body:     []byte("body \x1b[31m" + strings.Repeat("é", maxTextBody)),
		Firehose: &broker.FirehoseInfo{RoutedQueues: []string{"q\x1b"}, Compared: true, Predicted: []string{}, Missing: []string{"q\x1b"}},
	}
	var out bytes.Buffer
	if err := newMessageWriter(&out, "text").write(&m); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, r := range text {
		if r < 0x20 && r != '\n' || r == 0x7f || r == '\u202e' {
			t.Fatalf("control character %U in %q", r, text)
		}
	}
	if !strings.Contains(text, "DIFFERS") || !strings.Contains(text, "bytes; --output json has all of it") {
		t.Errorf("text %q", text)
	}

	out.Reset()
	m.Body = []byte{0xff, 0x00}
	if err := newMessageWriter(&out, "json").write(&m); err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(out.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j["body"] != "/wA=" || j["body_encoding"] != "base64" || j["exchange"] != "ex\x1b[2J" {
		t.Errorf("json %v", j)
	}
}

// TestMessageSecretsMasked: an oslo.messaging request carries the caller's
// Keystone token; neither the text nor the JSON output may show it.
func TestMessageSecretsMasked(t *testing.T) {
	const token = "gAAAAABbPVb8KSJLyTDQsecret"
	inner := `{\"method\": \"ping\", \"args\": {}, \"_unique_id\": \"u1\", \"_context_auth_token\": \"` + token + `\", \"_context_user_id\": \"u-123\"}`
	m := broker.Message{Exchange: "nova", RoutingKey: "compute", Body: []byte(`{"oslo.version": "2.0", "oslo.message": "` + inner + `"}`)}
	for _, output := range []string{"text", "json"} {
		var out bytes.Buffer
		if err := newMessageWriter(&out, output).write(&m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), token) {
			t.Errorf("%s output shows the token:\n%s", output, out.String())
		}
		if !strings.Contains(out.String(), "u-123") {
			t.Errorf("%s output lost the rest of the context:\n%s", output, out.String())
		}
	}
	if !strings.Contains(string(m.Body), token) {
		t.Error("the message itself must keep its body")
	}
}

// TestMessageOsloMatched: in a stream, a call shows as what it is and its
// reply as the answer to it, with the round trip from the two arrivals;
// the JSON carries the same in its "oslo" object.
func TestMessageOsloMatched(t *testing.T) {
	req := model.OsloRequest{
		Method: "add", Args: []model.PyField{{Key: "a", Value: model.PyInt(2)}, {Key: "b", Value: model.PyInt(3)}},
		Context: []model.PyField{{Key: "user_id", Value: model.PyStr("u-1")}},
	}
	call, err := model.NewOsloCall(req, "reply_q", 0, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := model.NewOsloReply(call.MsgID, model.PyInt(5), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := model.NewOsloReply("0123456789abcdef0123456789abcdef", model.PyInt(7), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	msg := func(x, key string, om model.OsloMessage, d time.Duration) broker.Message {
		return broker.Message{
			Exchange: x, RoutingKey: key, Body: om.Encode(), Received: at.Add(d),
			Summary: model.OsloSummary(om, x, key),
		}
	}
	stream := []broker.Message{
		msg("nova", "compute", call, 0),
		msg("", "reply_q", reply, 12*time.Millisecond),
		msg("", "reply_q", other, 13*time.Millisecond),
		{Exchange: "x", RoutingKey: "k", Body: []byte("plain"), Received: at},
	}

	var out bytes.Buffer
	mw := newMessageWriter(&out, "text")
	for i := range stream {
		if err := mw.write(&stream[i]); err != nil {
			t.Fatal(err)
		}
	}
	text := out.String()
	for _, want := range []string{
		"#1 call compute.add(a=2, b=3) from u-1\n  exchange \"nova\" routing key \"compute\"\n",
		"#2 reply to " + call.MsgID + ": 5 (12 ms)\n  default exchange routing key \"reply_q\"\n",
		"#3 reply to 0123456789abcdef0123456789abcdef: 7\n",
		"#4 exchange \"x\" routing key \"k\"\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}

	out.Reset()
	mw = newMessageWriter(&out, "json")
	for i := range stream {
		if err := mw.write(&stream[i]); err != nil {
			t.Fatal(err)
		}
	}
	type line struct {
		RoutingKey string           `json:"routing_key"`
		Body       string           `json:"body"`
		Oslo       *broker.OsloJSON `json:"oslo"`
	}
	var js []line
	for dec := json.NewDecoder(&out); dec.More(); {
		var l line
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		js = append(js, l)
	}
	if len(js) != 4 {
		t.Fatalf("%d lines", len(js))
	}
	if o := js[0].Oslo; o == nil || o.Kind != "call" || o.Method != "add" || o.MsgID != call.MsgID || o.RTTMillis != nil || js[0].Body == "" {
		t.Errorf("call: %+v", js[0])
	}
	if o := js[1].Oslo; o == nil || o.Kind != "reply" || o.MsgID != call.MsgID || o.RTTMillis == nil || *o.RTTMillis != 12 ||
		o.Call == nil || o.Call.Method != "add" || o.Call.RoutingKey != "compute" || !strings.HasSuffix(o.Summary, ": 5 (12 ms)") {
		t.Errorf("reply: %+v", js[1].Oslo)
	}
	if o := js[2].Oslo; o == nil || o.RTTMillis != nil || o.Call != nil {
		t.Errorf("unmatched reply: %+v", js[2].Oslo)
	}
	if js[3].Oslo != nil || js[3].Body != "plain" {
		t.Errorf("plain message: %+v", js[3])
	}
}

// BenchmarkMessageWriterOslo measures what tap and consume spend per
// oslo.messaging message: decoding, matching the reply to its call,
// masking secrets and writing. One op is a call and its reply.
func BenchmarkMessageWriterOslo(b *testing.B) {
	req := model.OsloRequest{
		Method: "get_console_output", Args: []model.PyField{{Key: "instance", Value: model.PyStr("i-1")}, {Key: "tail_length", Value: model.PyInt(50)}},
		Context: []model.PyField{{Key: "user_id", Value: model.PyStr("u-1")}, {Key: "auth_token", Value: model.PyStr("gAAAAsecret")}},
	}
	for _, output := range []string{"text", "json"} {
		b.Run(output, func(b *testing.B) {
			mw := newMessageWriter(io.Discard, output)
			at := time.Now()
			for b.Loop() {
				call, _ := model.NewOsloCall(req, "reply_q", 0, rand.Reader)
				reply, _ := model.NewOsloReply(call.MsgID, model.PyStr(strings.Repeat("console ", 20)), rand.Reader)
				for _, m := range []broker.Message{
					{Exchange: "nova", RoutingKey: "compute.host1", Body: call.Encode(), Received: at},
					{Exchange: "", RoutingKey: "reply_q", Body: reply.Encode(), Received: at.Add(time.Millisecond)},
				} {
					om, _ := m.Oslo()
					m.Summary = model.OsloSummary(om, m.Exchange, m.RoutingKey)
					if err := mw.write(&m); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
