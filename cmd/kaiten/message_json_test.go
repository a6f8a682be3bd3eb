package main

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/components/msglist"
)

// TestSavedLineIsTapLine: a message list the TUI saves to a file holds,
// line for line, what `kaiten tap --output json` writes for the same
// stream, byte for byte, after the time it was received: text, binary
// and typed-header messages, an oslo.messaging call (token masked) and
// its reply (paired, with the round trip) and a firehose message.
func TestSavedLineIsTapLine(t *testing.T) {
	req := model.OsloRequest{
		Method: "add", Args: []model.PyField{{Key: "a", Value: model.PyInt(2)}},
		Context: []model.PyField{{Key: "auth_token", Value: model.PyStr("s3cret")}},
	}
	call, err := model.NewOsloCall(req, "reply_q", 0, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := model.NewOsloReply(call.MsgID, model.PyInt(5), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	oslo := func(x, key string, om model.OsloMessage, d time.Duration) broker.Message {
		return broker.Message{
			Exchange: x, RoutingKey: key, Body: om.Encode(), Received: at.Add(d),
			Summary: model.OsloSummary(om, x, key), Source: "tap-nova",
		}
	}
	stream := []broker.Message{
		{
			Exchange: "orders<&>", RoutingKey: "eu.new", Body: []byte(`{"a":"<b>"}`), Received: at, Source: "orders<&>",
			Properties: model.Properties{
				ContentType: "application/json", DeliveryMode: 2, Priority: 4, Timestamp: 99,
				Has:     model.HasContentType | model.HasDeliveryMode | model.HasPriority | model.HasTimestamp | model.HasHeaders,
				Headers: model.Table{"n": {Type: model.TypeLong, Int: 5}, "s": model.String("v\x1b")},
			},
		},
		{RoutingKey: "q", Body: []byte{0xff, 0x00}, Redelivered: true, Received: at.Add(time.Millisecond)},
		oslo("nova", "compute", call, 2*time.Millisecond),
		oslo("", "reply_q", reply, 14*time.Millisecond),
		{
			Exchange: "orders", RoutingKey: "k", Body: []byte("fh"), Received: at.Add(15 * time.Millisecond),
			Firehose: &broker.FirehoseInfo{RoutingKeys: []string{"k"}, RoutedQueues: []string{"q"}, Compared: true, Predicted: []string{}, Missing: []string{"q"}},
		},
	}

	var cli, saved bytes.Buffer
	mw := newMessageWriter(&cli, "json")
	for i := range stream {
		if err := mw.write(&stream[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := msglist.WriteJSONLines(&saved, stream); err != nil {
		t.Fatal(err)
	}
	cliLines := strings.SplitAfter(cli.String(), "\n")
	savedLines := strings.SplitAfter(saved.String(), "\n")
	if len(cliLines) != len(stream)+1 || len(savedLines) != len(stream)+1 {
		t.Fatalf("%d CLI lines and %d saved lines for %d messages", len(cliLines)-1, len(savedLines)-1, len(stream))
	}
	for i, m := range stream {
		want := `{"received":"` + m.Received.Format(time.RFC3339Nano) + `",` + strings.TrimPrefix(cliLines[i], "{")
		if savedLines[i] != want {
			t.Errorf("message %d saved as\n%s\nkaiten tap --output json wrote\n%s", i, savedLines[i], cliLines[i])
		}
	}
	for _, want := range []string{`"rtt_ms":12`, `"body_encoding":"base64"`, `"firehose":{`, `"redacted":true`, `"headers":{"n":5,"s":"v\u001b"}`} {
		if !strings.Contains(saved.String(), want) {
			t.Errorf("saved lines lack %s:\n%s", want, saved.String())
		}
	}
	if strings.Contains(saved.String(), "s3cret") {
		t.Errorf("the token was saved:\n%s", saved.String())
	}
}
