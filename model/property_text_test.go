package model

import (
	"strings"
	"testing"
	"time"
)

func TestSetProperty(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var p Properties
	for _, kv := range [][2]string{
		{"content_type", "application/json"},
		{"content_encoding", "gzip"},
		{"delivery_mode", "Persistent"},
		{"priority", "255"},
		{"correlation_id", "c-1"},
		{"reply_to", "r"},
		{"expiration", "60000"},
		{"message_id", "m-1"},
		{"timestamp", "NOW"},
		{"type", "t"},
		{"user_id", "guest"},
		{"app_id", "a"},
	} {
		if err := SetProperty(&p, kv[0], kv[1], now); err != nil {
			t.Fatalf("%s=%q: %v", kv[0], kv[1], err)
		}
	}
	want := Properties{
		ContentType: "application/json", ContentEncoding: "gzip", DeliveryMode: Persistent, Priority: 255,
		CorrelationID: "c-1", ReplyTo: "r", Expiration: "60000", MessageID: "m-1", Timestamp: now.Unix(),
		Type: "t", UserID: "guest", AppID: "a",
		Has: HasContentType | HasContentEncoding | HasDeliveryMode | HasPriority | HasCorrelationID | HasReplyTo |
			HasExpiration | HasMessageID | HasTimestamp | HasType | HasUserID | HasAppID,
	}
	if p.Has != want.Has || p.ContentType != want.ContentType || p.ContentEncoding != want.ContentEncoding ||
		p.DeliveryMode != want.DeliveryMode || p.Priority != want.Priority || p.CorrelationID != want.CorrelationID ||
		p.ReplyTo != want.ReplyTo || p.Expiration != want.Expiration || p.MessageID != want.MessageID ||
		p.Timestamp != want.Timestamp || p.Type != want.Type || p.UserID != want.UserID || p.AppID != want.AppID {
		t.Errorf("got %+v\nwant %+v", p, want)
	}

	for _, tc := range []struct {
		name, text string
		ok         func(Properties) bool
	}{
		{"delivery_mode", "1", func(q Properties) bool { return q.DeliveryMode == Transient }},
		{"delivery_mode", "transient", func(q Properties) bool { return q.DeliveryMode == Transient }},
		{"timestamp", "1700000000", func(q Properties) bool { return q.Timestamp == 1700000000 }},
		{"timestamp", "2023-11-14T22:13:20Z", func(q Properties) bool { return q.Timestamp == 1700000000 }},
		{"content_type", "", func(q Properties) bool { return q.Has == HasContentType }}, // set, though empty
	} {
		var q Properties
		if err := SetProperty(&q, tc.name, tc.text, now); err != nil || !tc.ok(q) {
			t.Errorf("%s=%q gave %+v, %v", tc.name, tc.text, q, err)
		}
	}

	for _, tc := range []struct{ name, text, want string }{
		{"delivery_mode", "3", "want 1 (transient) or 2 (persistent)"},
		{"priority", "256", "0 to 255"},
		{"priority", "high", "0 to 255"},
		{"expiration", "1.5", "milliseconds"},
		{"expiration", "-1", "milliseconds"},
		{"timestamp", "yesterday", "RFC 3339"},
		{"headers", "a=b", "no such basic property"},
		{"cluster_id", "c", "no such basic property"},
		{"content-type", "x", "no such basic property"},
	} {
		var q Properties
		err := SetProperty(&q, tc.name, tc.text, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) || q.Has != 0 {
			t.Errorf("%s=%q: error %v, has %b; want an error saying %q", tc.name, tc.text, err, q.Has, tc.want)
		}
	}
}
