package publish

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

func TestParseHeaders(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    model.Table
		wantErr string
	}{
		{in: "", want: nil},
		{in: "  \n ", want: nil},
		{in: "a=1\nb = two words \n\n# a comment\nc=", want: model.Table{"a": model.String("1"), "b": model.String("two words"), "c": model.String("")}},
		{in: "x-match=any\nkey=a=b", want: model.Table{"x-match": model.String("any"), "key": model.String("a=b")}},
		{in: `{"n": 1, "s": "x", "f": 1.5, "ok": true}`, want: model.Table{"n": model.Long(1), "s": model.String("x"), "f": model.Double(1.5), "ok": model.Bool(true)}},
		{in: "a=1\nnovalue", wantErr: `headers line 2: want K=V, not "novalue"`},
		{in: "=v", wantErr: "headers line 1: want K=V"},
		{in: "a=1\na=2", wantErr: "headers line 2: a is given twice"},
		{in: `{"a": `, wantErr: "headers JSON"},
	} {
		got, err := ParseHeaders(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseHeaders(%q) error %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseHeaders(%q): %v", tc.in, err)
			continue
		}
		if !tablesEqual(got, tc.want) {
			t.Errorf("ParseHeaders(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func tablesEqual(a, b model.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.String() != w.String() || v.Type != w.Type {
			return false
		}
	}
	return true
}

func TestBuildProperties(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := Form{
		Exchange: "orders", RoutingKey: "order.eu.created", Headers: "a=1", Body: `{"id": 7}`,
		Confirm: true, Mandatory: true, Repeat: "3",
		Props: map[string]string{
			"content_type": "application/json", "content_encoding": "utf-8", "delivery_mode": "persistent",
			"priority": "9", "correlation_id": "c-1", "reply_to": "replies", "expiration": "60000",
			"message_id": "m-1", "timestamp": "now", "type": "order.created", "user_id": "guest", "app_id": "kaiten",
		},
	}
	p, o, err := f.Build(now)
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Properties
	want := model.Properties{
		ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: model.Persistent, Priority: 9,
		CorrelationID: "c-1", ReplyTo: "replies", Expiration: "60000", MessageID: "m-1", Timestamp: now.Unix(),
		Type: "order.created", UserID: "guest", AppID: "kaiten",
	}
	if h := pr.Headers["a"]; h.Str != "1" {
		t.Errorf("headers %v", pr.Headers)
	}
	pr.Headers, pr.Has = nil, 0
	if !reflect.DeepEqual(pr, want) {
		t.Errorf("properties\n got %+v\nwant %+v", pr, want)
	}
	all := model.HasContentType | model.HasContentEncoding | model.HasHeaders | model.HasDeliveryMode | model.HasPriority |
		model.HasCorrelationID | model.HasReplyTo | model.HasExpiration | model.HasMessageID | model.HasTimestamp |
		model.HasType | model.HasUserID | model.HasAppID
	if p.Properties.Has != all {
		t.Errorf("Has = %b, want every property but cluster_id (%b)", p.Properties.Has, all)
	}
	if p.Exchange != "orders" || p.RoutingKey != "order.eu.created" || string(p.Body) != `{"id": 7}` {
		t.Errorf("publishing %+v", p)
	}
	if !o.Confirm || !o.Mandatory || o.Count != 3 {
		t.Errorf("options %+v", o)
	}

	// Empty properties are not sent, and no repeat is once.
	p, o, err = Form{Props: map[string]string{"priority": "  "}}.Build(now)
	if err != nil || p.Properties.Has != 0 || o.Count != 1 || o.Confirm || o.Mandatory {
		t.Errorf("empty form: %+v %+v %v", p.Properties, o, err)
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		prop, value, field, want string
	}{
		{"delivery_mode", "3", "delivery_mode", "want 1 (transient) or 2 (persistent)"},
		{"priority", "256", "priority", "0 to 255"},
		{"priority", "high", "priority", "0 to 255"},
		{"expiration", "1.5", "expiration", "milliseconds"},
		{"expiration", "-1", "expiration", "milliseconds"},
		{"timestamp", "yesterday", "timestamp", "RFC 3339"},
	} {
		_, _, err := Form{Props: map[string]string{tc.prop: tc.value}}.Build(time.Now())
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: error %v, want field %s saying %q", tc.prop, tc.value, err, tc.field, tc.want)
		}
	}
	for _, r := range []string{"0", "-2", "x", "100001"} {
		if _, _, err := (Form{Repeat: r}).Build(time.Now()); err == nil || !strings.HasPrefix(err.Error(), "repeat: ") {
			t.Errorf("repeat %q: %v", r, err)
		}
	}
	if _, _, err := (Form{Headers: "oops"}).Build(time.Now()); err == nil || !strings.HasPrefix(err.Error(), "headers: ") {
		t.Errorf("bad headers: %v", err)
	}
}

func TestTimestampForms(t *testing.T) {
	for in, want := range map[string]int64{
		"1700000000":           1700000000,
		"2026-01-02T03:04:05Z": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Unix(),
		"NOW":                  42,
	} {
		p, _, err := Form{Props: map[string]string{"timestamp": in}}.Build(time.Unix(42, 0))
		if err != nil || p.Properties.Timestamp != want {
			t.Errorf("timestamp %q = %d, %v; want %d", in, p.Properties.Timestamp, err, want)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		want     JSONState
		err      string
	}{
		{"", "hello", JSONUnchecked, ""},
		{"text/plain", "plain text", JSONUnchecked, ""},
		{"", `{"a": 1}`, JSONValid, ""},
		{"", "  [1, 2]", JSONValid, ""},
		{"application/json", `"just a string"`, JSONValid, ""},
		{"application/json; charset=utf-8", "42", JSONValid, ""},
		{"application/vnd.api+json", "{}", JSONValid, ""},
		{"application/json", "hello", JSONInvalid, "line 1, col 1: invalid character 'h'"},
		{"application/json", "  ", JSONInvalid, "empty body"},
		{"", "{\"a\": 1,\n \"b\": }", JSONInvalid, "line 2, col 7: invalid character '}'"},
		{"", `{"a": 1`, JSONInvalid, "line 1, col 7: unexpected end of JSON input"},
		{"", `{"a": 1} {"b": 2}`, JSONInvalid, "line 1, col 10: invalid character '{' after top-level value"},
		{"", "{\"ü\": \"é\",\n  x}", JSONInvalid, "line 2, col 3: invalid character 'x'"},
	} {
		got := CheckJSON(tc.ct, tc.body)
		if got.State != tc.want || !strings.Contains(got.Err, tc.err) || (tc.err == "" && got.Err != "") {
			t.Errorf("CheckJSON(%q, %q) = %+v, want state %d with %q", tc.ct, tc.body, got, tc.want, tc.err)
		}
	}
}

func TestOutcomeIsSafe(t *testing.T) {
	evil := "\x1b]0;pwned\x07"
	for _, r := range []PublishedMsg{
		{
			Publishing: broker.Publishing{Exchange: evil, RoutingKey: evil}, Options: broker.PublishOptions{Confirm: true},
			Result: broker.PublishResult{Published: 1, Acked: 1, Returned: 1, Returns: []broker.Return{{Code: 312, Text: evil}}},
		},
		{Publishing: broker.Publishing{Exchange: evil}, Err: errors.New(evil)},
		{Publishing: broker.Publishing{Exchange: evil}, Result: broker.PublishResult{Published: 2, Nacked: 1}},
	} {
		if text, _ := Outcome(r); strings.ContainsAny(text, "\x1b\x07") {
			t.Errorf("%q reaches the terminal", text)
		}
	}
}
