package broker

import (
	"encoding/base64"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/model"
)

// MessageJSON is a message in kaiten's JSON, the shape `kaiten tap
// --output json` (and consume, call, and a TUI list saved to a file)
// writes: exchange, routing_key, redelivered, properties, headers and body
// (text when it is valid UTF-8, else base64 with body_encoding "base64").
// Other programs read it, so its members and their order are a contract.
type MessageJSON struct {
	Exchange     string         `json:"exchange"`
	RoutingKey   string         `json:"routing_key"`
	Redelivered  bool           `json:"redelivered"`
	Properties   map[string]any `json:"properties"`
	Headers      model.Table    `json:"headers"`
	Body         string         `json:"body"`
	BodyEncoding string         `json:"body_encoding,omitempty"`
	// Redacted says that secrets in an oslo.messaging body were masked.
	Redacted bool   `json:"redacted,omitempty"`
	Source   string `json:"source,omitempty"`
	// Remaining is, for a peeked message, how many the queue held after
	// it; left nil by Message.JSON.
	Remaining *int          `json:"remaining,omitempty"`
	Oslo      *OsloJSON     `json:"oslo,omitempty"`
	Firehose  *FirehoseJSON `json:"firehose,omitempty"`
}

// FirehoseJSON is what the firehose said and what kaiten's route says.
type FirehoseJSON struct {
	RoutingKeys  []string `json:"routing_keys"`
	RoutedQueues []string `json:"routed_queues"`
	Node         string   `json:"node,omitempty"`
	Connection   string   `json:"connection,omitempty"`
	User         string   `json:"user,omitempty"`
	Compared     bool     `json:"compared"`
	Predicted    []string `json:"kaiten_queues"`
	Differs      bool     `json:"differs"`
	Missing      []string `json:"missing,omitempty"`
	Extra        []string `json:"extra,omitempty"`
	NotCompared  string   `json:"not_compared,omitempty"`
}

// OsloJSON is what kaiten understood of an oslo.messaging message, in the
// "oslo" member of a message's JSON.
type OsloJSON struct {
	// Kind is call, cast, reply, heartbeat, notification or unknown.
	Kind string `json:"kind"`
	// Summary is the line text output shows, the round trip included.
	Summary string `json:"summary"`
	// MsgID is a call's _msg_id, or the one a reply or heartbeat answers.
	MsgID     string `json:"msg_id,omitempty"`
	Method    string `json:"method,omitempty"`
	EventType string `json:"event_type,omitempty"`
	// RTTMillis is, for a reply or heartbeat to a call seen earlier in the
	// same stream, the time between the two arriving.
	RTTMillis *float64 `json:"rtt_ms,omitempty"`
	// Call is that call, when one was matched.
	Call *OsloCallRefJSON `json:"call,omitempty"`
}

// OsloCallRefJSON names the call a reply answers.
type OsloCallRefJSON struct {
	Method     string `json:"method"`
	RoutingKey string `json:"routing_key"`
}

// JSON converts the message for JSON output, with oslo as its "oslo"
// member (nil for none; see OsloJSON). The body is DisplayBody's, so
// secrets in an oslo.messaging body are masked, as everywhere kaiten
// shows a body. Like the rest of the JSON, names are as sent: JSON
// escapes what a terminal must not see.
func (m *Message) JSON(oslo *OsloJSON) MessageJSON {
	j := MessageJSON{
		Exchange: m.Exchange, RoutingKey: m.RoutingKey, Redelivered: m.Redelivered,
		Properties: PropertiesJSON(m.Properties), Headers: m.Properties.Headers,
		Source: m.Source, Oslo: oslo,
	}
	if j.Headers == nil {
		j.Headers = model.Table{}
	}
	body, redacted := m.DisplayBody()
	j.Redacted = redacted
	if utf8.Valid(body) {
		j.Body = string(body)
	} else {
		j.Body, j.BodyEncoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	if fi := m.Firehose; fi != nil {
		j.Firehose = &FirehoseJSON{
			RoutingKeys: fi.RoutingKeys, RoutedQueues: fi.RoutedQueues, Node: fi.Node, Connection: fi.Connection, User: fi.User,
			Compared: fi.Compared, Predicted: fi.Predicted, Differs: fi.Differs(), Missing: fi.Missing, Extra: fi.Extra,
			NotCompared: fi.NotCompared,
		}
	}
	return j
}

// OsloJSON decodes an oslo.messaging message for JSON output; nil for any
// other message. With a matcher, fed the messages of one stream in order,
// a reply is paired with the call seen before it and gets the round trip.
// Only Summary is made printable.
func (m *Message) OsloJSON(matcher *model.OsloCallMatcher) *OsloJSON {
	if m.Summary == "" { // summarised on arrival: not oslo's
		return nil
	}
	om, ok := m.Oslo()
	if !ok {
		return nil
	}
	j := &OsloJSON{Kind: om.Kind.String(), Summary: m.Summary, MsgID: om.MsgID}
	switch om.Kind {
	case model.OsloCall, model.OsloCast:
		j.Method = om.Method
	case model.OsloNotification:
		j.EventType = om.EventType
	}
	if matcher == nil {
		return j
	}
	if mt, ok := matcher.Observe(om, m.RoutingKey, m.Received); ok {
		rtt := float64(mt.RTT.Microseconds()) / 1000
		j.RTTMillis = &rtt
		j.Summary = mt.Annotate(j.Summary)
		j.Call = &OsloCallRefJSON{Method: mt.Call.Method, RoutingKey: mt.Call.Target}
	}
	return j
}

// PropertiesJSON lists the properties that are set, headers aside, by
// their AMQP field names with their types (numbers as numbers).
func PropertiesJSON(p model.Properties) map[string]any {
	out := map[string]any{}
	add := func(flag model.PropertySet, key string, v any) {
		if p.Has&flag != 0 {
			out[key] = v
		}
	}
	add(model.HasContentType, "content_type", p.ContentType)
	add(model.HasContentEncoding, "content_encoding", p.ContentEncoding)
	add(model.HasDeliveryMode, "delivery_mode", p.DeliveryMode)
	add(model.HasPriority, "priority", p.Priority)
	add(model.HasCorrelationID, "correlation_id", p.CorrelationID)
	add(model.HasReplyTo, "reply_to", p.ReplyTo)
	add(model.HasExpiration, "expiration", p.Expiration)
	add(model.HasMessageID, "message_id", p.MessageID)
	add(model.HasTimestamp, "timestamp", p.Timestamp)
	add(model.HasType, "type", p.Type)
	add(model.HasUserID, "user_id", p.UserID)
	add(model.HasAppID, "app_id", p.AppID)
	add(model.HasClusterID, "cluster_id", p.ClusterID)
	return out
}
