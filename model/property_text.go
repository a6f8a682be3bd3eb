package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SetProperty sets one basic property of p from its AMQP field name
// (content_type, delivery_mode, …, app_id) and its text, as people type
// it into the publish form or `kaiten publish --property`:
// delivery_mode is 1, 2, transient or persistent; priority 0 to 255;
// expiration whole milliseconds; timestamp seconds since the epoch, an
// RFC 3339 time or "now", which is now. The others take any text.
// headers and cluster_id are not set this way (the AMQP client kaiten
// uses cannot send cluster-id), nor is any other name: those are errors,
// as is text a property cannot take.
func SetProperty(p *Properties, name, text string, now time.Time) error {
	if dst, flag := stringProperty(p, name); dst != nil {
		*dst = text
		p.Has |= flag
		return nil
	}
	switch name {
	case "delivery_mode":
		switch strings.ToLower(text) {
		case "1", "transient":
			p.DeliveryMode = Transient
		case "2", "persistent":
			p.DeliveryMode = Persistent
		default:
			return fmt.Errorf("want 1 (transient) or 2 (persistent), not %q", text)
		}
		p.Has |= HasDeliveryMode
	case "priority":
		n, err := strconv.ParseUint(text, 10, 8)
		if err != nil {
			return fmt.Errorf("want a number from 0 to 255, not %q", text)
		}
		p.Priority, p.Has = uint8(n), p.Has|HasPriority
	case "expiration":
		if _, err := strconv.ParseUint(text, 10, 32); err != nil {
			return fmt.Errorf("want milliseconds, a whole number, not %q", text)
		}
		p.Expiration, p.Has = text, p.Has|HasExpiration
	case "timestamp":
		ts, err := parseTimestamp(text, now)
		if err != nil {
			return err
		}
		p.Timestamp, p.Has = ts, p.Has|HasTimestamp
	default:
		return fmt.Errorf("no such basic property %q", name)
	}
	return nil
}

// stringProperty is the field and flag of a property that takes any
// text; nil for the others.
func stringProperty(p *Properties, name string) (*string, PropertySet) {
	switch name {
	case "content_type":
		return &p.ContentType, HasContentType
	case "content_encoding":
		return &p.ContentEncoding, HasContentEncoding
	case "correlation_id":
		return &p.CorrelationID, HasCorrelationID
	case "reply_to":
		return &p.ReplyTo, HasReplyTo
	case "message_id":
		return &p.MessageID, HasMessageID
	case "type":
		return &p.Type, HasType
	case "user_id":
		return &p.UserID, HasUserID
	case "app_id":
		return &p.AppID, HasAppID
	}
	return nil, 0
}

// parseTimestamp reads seconds since the epoch, an RFC 3339 time, or
// "now" (in any case), which is now.
func parseTimestamp(s string, now time.Time) (int64, error) {
	if strings.EqualFold(s, "now") {
		return now.Unix(), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("want seconds since the epoch, an RFC 3339 time or now, not %q", s)
	}
	return t.Unix(), nil
}
