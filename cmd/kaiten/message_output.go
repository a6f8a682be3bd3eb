package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// osloMatchLimit is how many calls a tap or consume remembers while it
// waits for their replies: enough for minutes of a busy cloud, a few MB.
const osloMatchLimit = 10_000

// messageWriter writes messages as JSON Lines or as text for people. An
// oslo.messaging message is shown as what it is, and a reply as the answer
// to the call seen before it, with the round trip.
type messageWriter struct {
	w     io.Writer
	json  bool
	peek  bool // write how many messages remained
	enc   *json.Encoder
	count int
	calls *model.OsloCallMatcher
}

func newMessageWriter(w io.Writer, output string) *messageWriter {
	mw := &messageWriter{w: w, json: output == "json", calls: model.NewOsloCallMatcher(osloMatchLimit)}
	if mw.json {
		mw.enc = json.NewEncoder(w)
		mw.enc.SetEscapeHTML(false)
	}
	return mw
}

// write writes one message.
func (mw *messageWriter) write(m *broker.Message) error {
	mw.count++
	oslo := m.OsloJSON(mw.calls)
	if mw.json {
		j := m.JSON(oslo)
		if mw.peek {
			j.Remaining = &m.Remaining
		}
		return mw.enc.Encode(j)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#%d ", mw.count)
	if oslo != nil {
		// "#3 reply to 6bc8…: 5 (12 ms)", then where it went.
		b.WriteString(oslo.Summary + "\n  ")
	}
	fmt.Fprintf(&b, "%s routing key %s", exchangeName(m.Exchange), strconv.Quote(m.RoutingKey))
	if m.Source != "" && m.Source != m.Exchange {
		fmt.Fprintf(&b, " (from %s)", model.Printable(m.Source))
	}
	if m.Redelivered {
		b.WriteString(" redelivered")
	}
	if mw.peek {
		fmt.Fprintf(&b, " (%d more in the queue)", m.Remaining)
	}
	b.WriteByte('\n')
	if props := propertiesText(m.Properties); props != "" {
		b.WriteString("  properties: " + props + "\n")
	}
	if len(m.Properties.Headers) > 0 {
		h, _ := json.Marshal(m.Properties.Headers)
		b.WriteString("  headers: " + model.Printable(string(h)) + "\n")
	}
	if fi := m.Firehose; fi != nil {
		b.WriteString("  " + firehoseText(fi) + "\n")
	}
	body, redacted := m.DisplayBody()
	note := ""
	if redacted {
		note = " (secrets masked)"
	}
	b.WriteString("  body" + note + ": " + bodyText(body) + "\n")
	_, err := io.WriteString(mw.w, b.String())
	return err
}

func exchangeName(x string) string {
	if x == "" {
		return "default exchange"
	}
	return "exchange " + strconv.Quote(x)
}

// propertiesText lists the set properties as name=value, made printable.
func propertiesText(p model.Properties) string {
	props := broker.PropertiesJSON(p)
	var parts []string
	for _, k := range []string{
		"content_type", "content_encoding", "delivery_mode", "priority", "correlation_id", "reply_to",
		"expiration", "message_id", "timestamp", "type", "user_id", "app_id", "cluster_id",
	} {
		if v, ok := props[k]; ok {
			parts = append(parts, k+"="+model.Printable(fmt.Sprint(v)))
		}
	}
	return strings.Join(parts, " ")
}

// firehoseText puts the broker's routed queues beside kaiten's route.
func firehoseText(fi *broker.FirehoseInfo) string {
	s := "routed to " + quoteList(fi.RoutedQueues)
	switch {
	case !fi.Compared:
		s += "; kaiten did not compare: " + model.Printable(fi.NotCompared)
	case fi.Differs():
		s += "; kaiten's route: " + quoteList(fi.Predicted) + " — DIFFERS"
		if len(fi.Missing) > 0 {
			s += ", the broker also routed to " + quoteList(fi.Missing)
		}
		if len(fi.Extra) > 0 {
			s += ", kaiten also routes to " + quoteList(fi.Extra)
		}
	default:
		s += "; kaiten's route agrees"
	}
	return s
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "no queue"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// maxTextBody is how much of a body text output shows.
const maxTextBody = 4096

// bodyText shows a body for people: printable text, cut when long, or a
// note and base64 for bytes that are not UTF-8.
func bodyText(body []byte) string {
	cut := ""
	if len(body) > maxTextBody {
		cut = fmt.Sprintf(" … (%d bytes; --output json has all of it)", len(body))
		body = body[:maxTextBody]
		for i := 0; i < utf8.UTFMax && !utf8.Valid(body); i++ { // a rune cut in two
			body = body[:len(body)-1]
		}
	}
	if utf8.Valid(body) {
		return model.Printable(string(body)) + cut
	}
	return fmt.Sprintf("(%d bytes, not UTF-8) base64:%s%s", len(body), base64.StdEncoding.EncodeToString(body), cut)
}
