package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

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
