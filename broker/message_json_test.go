package broker

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// TestMessageJSON: the members of kaiten's message JSON, from a message
// with typed properties and headers, one without either, one whose body is
// not UTF-8, and an oslo.messaging call carrying a token.
func TestMessageJSON(t *testing.T) {
	encode := func(j MessageJSON) string {
		t.Helper()
		b, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	m := Message{
		Exchange: "x", RoutingKey: "k", Body: []byte("héllo"), Source: "q", Remaining: 7,
		Properties: model.Properties{
			ContentType: "text/plain", Priority: 9, Timestamp: 1700000000, ReplyTo: "r",
			Has:     model.HasContentType | model.HasPriority | model.HasTimestamp | model.HasReplyTo | model.HasHeaders,
			Headers: model.Table{"n": {Type: model.TypeLong, Int: 5}},
		},
	}
	want := `{"exchange":"x","routing_key":"k","redelivered":false,` +
		`"properties":{"content_type":"text/plain","priority":9,"reply_to":"r","timestamp":1700000000},` +
		`"headers":{"n":5},"body":"héllo","source":"q"}`
	if got := encode(m.JSON(m.OsloJSON(nil))); got != want {
		t.Errorf("typed message:\n got %s\nwant %s", got, want)
	}

	bare := Message{RoutingKey: "q", Body: []byte{0xff, 0x00}, Redelivered: true}
	want = `{"exchange":"","routing_key":"q","redelivered":true,"properties":{},"headers":{},"body":"/wA=","body_encoding":"base64"}`
	if got := encode(bare.JSON(nil)); got != want {
		t.Errorf("binary message:\n got %s\nwant %s", got, want)
	}

	call, err := model.NewOsloCall(model.OsloRequest{
		Method: "ping", Context: []model.PyField{{Key: "auth_token", Value: model.PyStr("s3cret")}},
	}, "reply_q", 0, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := model.NewOsloReply(call.MsgID, model.PyStr("pong"), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cm := Message{Exchange: "nova", RoutingKey: "compute", Body: call.Encode(), Received: at}
	cm.summarize()
	rm := Message{RoutingKey: "reply_q", Body: reply.Encode(), Received: at.Add(1500 * time.Microsecond)}
	rm.summarize()
	matcher := model.NewOsloCallMatcher(10)
	cj := cm.JSON(cm.OsloJSON(matcher))
	if !cj.Redacted || strings.Contains(cj.Body, "s3cret") {
		t.Errorf("call body not masked: %+v", cj)
	}
	if o := cj.Oslo; o == nil || o.Kind != "call" || o.Method != "ping" || o.MsgID != call.MsgID || o.RTTMillis != nil {
		t.Errorf("call oslo %+v", o)
	}
	rj := rm.JSON(rm.OsloJSON(matcher))
	if o := rj.Oslo; o == nil || o.Kind != "reply" || o.RTTMillis == nil || *o.RTTMillis != 1.5 ||
		o.Call == nil || *o.Call != (OsloCallRefJSON{Method: "ping", RoutingKey: "compute"}) || !strings.HasSuffix(o.Summary, "(1.5 ms)") {
		t.Errorf("reply oslo %+v", o)
	}
	if bare.OsloJSON(matcher) != nil {
		t.Error("a message that is not oslo.messaging's has an oslo member")
	}
}
