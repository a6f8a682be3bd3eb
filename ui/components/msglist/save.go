package msglist

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// savedJSON is a message as the list saves it, one JSON object a line,
// with the field names of `kaiten tap --output json`.
type savedJSON struct {
	Received     string         `json:"received"`
	Exchange     string         `json:"exchange"`
	RoutingKey   string         `json:"routing_key"`
	Redelivered  bool           `json:"redelivered"`
	Properties   map[string]any `json:"properties"`
	Headers      model.Table    `json:"headers"`
	Body         string         `json:"body"`
	BodyEncoding string         `json:"body_encoding,omitempty"`
	Redacted     bool           `json:"redacted,omitempty"`
	Source       string         `json:"source,omitempty"`
	Oslo         string         `json:"oslo,omitempty"`
}

// WriteJSONLines writes messages as JSON Lines: the body as text when it
// is UTF-8, else base64 with body_encoding "base64"; secrets in an
// oslo.messaging body masked, as everywhere kaiten shows a body.
func WriteJSONLines(w io.Writer, msgs []broker.Message) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range msgs {
		m := &msgs[i]
		j := savedJSON{
			Received: m.Received.UTC().Format(time.RFC3339Nano), Exchange: m.Exchange, RoutingKey: m.RoutingKey,
			Redelivered: m.Redelivered, Properties: propertiesJSON(m.Properties), Headers: m.Properties.Headers,
			Source: m.Source, Oslo: m.Summary,
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
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// propertiesJSON lists the properties that are set, headers aside, by
// their AMQP field names with their types (numbers as numbers), as `kaiten
// tap --output json` writes them.
func propertiesJSON(p model.Properties) map[string]any {
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

// SavedMsg says where a save went, or why it failed.
type SavedMsg struct {
	Owner uint64
	Path  string // absolute
	Count int
	Err   error
}

// save returns the command that writes msgs to path as JSON Lines. msgs
// is the command's own copy.
func save(owner uint64, path string, msgs []broker.Message) tea.Cmd {
	return func() tea.Msg {
		abs, err := filepath.Abs(path)
		if err != nil {
			return SavedMsg{Owner: owner, Path: path, Err: err}
		}
		f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return SavedMsg{Owner: owner, Path: abs, Err: err}
		}
		err = WriteJSONLines(f, msgs)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return SavedMsg{Owner: owner, Path: abs, Count: len(msgs), Err: err}
	}
}

var unsafeFileRunes = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// DefaultPath is the file a save offers: kaiten-<what>-<time>.jsonl in the
// current directory, with what made safe for a file name.
func DefaultPath(what string, now time.Time) string {
	w := unsafeFileRunes.ReplaceAllString(what, "_")
	if len(w) > 48 {
		w = w[:48]
	}
	if w == "" || w == "_" {
		w = "messages"
	}
	return "kaiten-" + w + "-" + now.Format("20060102-150405") + ".jsonl"
}

// savedText is the flash a save ends with.
func savedText(s SavedMsg) string {
	if s.Err != nil {
		return fmt.Sprintf("could not write %s: %v", strconv.Quote(s.Path), s.Err)
	}
	noun := "messages"
	if s.Count == 1 {
		noun = "message"
	}
	return fmt.Sprintf("wrote %d %s to %s (JSON Lines)", s.Count, noun, s.Path)
}
