package main

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// osloMatchLimit is how many calls a tap or consume remembers while it
// waits for their replies: enough for minutes of a busy cloud, a few MB.
const osloMatchLimit = 10_000

// osloJSON is what kaiten understood of an oslo.messaging message, in the
// "oslo" member of a message's JSON.
type osloJSON struct {
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
	Call *osloCallRefJSON `json:"call,omitempty"`
}

// osloCallRefJSON names the call a reply answers.
type osloCallRefJSON struct {
	Method     string `json:"method"`
	RoutingKey string `json:"routing_key"`
}

// osloView decodes an oslo.messaging message for output, and with a
// matcher pairs replies with the calls it saw before them, adding the
// round trip. It returns nil for any other message. Like the rest of the
// JSON, names are as sent; only Summary is made printable.
func osloView(m *broker.Message, matcher *model.OsloCallMatcher) *osloJSON {
	if m.Summary == "" { // summarised on arrival: not oslo's
		return nil
	}
	om, ok := m.Oslo()
	if !ok {
		return nil
	}
	j := &osloJSON{Kind: om.Kind.String(), Summary: m.Summary, MsgID: om.MsgID}
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
		j.Call = &osloCallRefJSON{Method: mt.Call.Method, RoutingKey: mt.Call.Target}
	}
	return j
}
