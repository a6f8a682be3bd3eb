package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// Property is one basic property of the form: its AMQP name and how its
// text is read into model.Properties.
type Property struct {
	Name string
	// Hint is the placeholder: what the field takes.
	Hint  string
	apply func(p *model.Properties, text string, now time.Time) error
}

// Properties are the basic properties the form offers, in the order of
// the AMQP class (cluster-id aside, which amqp091-go cannot send).
var Properties = []Property{
	strProp("content_type", "application/json", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.ContentType, model.HasContentType
	}),
	strProp("content_encoding", "utf-8, gzip", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.ContentEncoding, model.HasContentEncoding
	}),
	{Name: "delivery_mode", Hint: "1 or 2 (persistent)", apply: applyDeliveryMode},
	{Name: "priority", Hint: "0-255", apply: applyPriority},
	strProp("correlation_id", "any text", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.CorrelationID, model.HasCorrelationID
	}),
	strProp("reply_to", "a queue name", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.ReplyTo, model.HasReplyTo
	}),
	{Name: "expiration", Hint: "ms, e.g. 60000", apply: applyExpiration},
	strProp("message_id", "any text", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.MessageID, model.HasMessageID
	}),
	{Name: "timestamp", Hint: "now, secs, RFC 3339", apply: applyTimestamp},
	strProp("type", "any text", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.Type, model.HasType
	}),
	strProp("user_id", "the login user", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.UserID, model.HasUserID
	}),
	strProp("app_id", "any text", func(p *model.Properties) (*string, model.PropertySet) {
		return &p.AppID, model.HasAppID
	}),
}

func strProp(name, hint string, field func(*model.Properties) (*string, model.PropertySet)) Property {
	return Property{Name: name, Hint: hint, apply: func(p *model.Properties, text string, _ time.Time) error {
		dst, has := field(p)
		*dst = text
		p.Has |= has
		return nil
	}}
}

func applyDeliveryMode(p *model.Properties, text string, _ time.Time) error {
	switch strings.ToLower(text) {
	case "1", "transient":
		p.DeliveryMode = model.Transient
	case "2", "persistent":
		p.DeliveryMode = model.Persistent
	default:
		return fmt.Errorf("want 1 (transient) or 2 (persistent), not %q", text)
	}
	p.Has |= model.HasDeliveryMode
	return nil
}

func applyPriority(p *model.Properties, text string, _ time.Time) error {
	n, err := strconv.ParseUint(text, 10, 8)
	if err != nil {
		return fmt.Errorf("want a number from 0 to 255, not %q", text)
	}
	p.Priority = uint8(n)
	p.Has |= model.HasPriority
	return nil
}

func applyExpiration(p *model.Properties, text string, _ time.Time) error {
	if _, err := strconv.ParseUint(text, 10, 32); err != nil {
		return fmt.Errorf("want milliseconds, a whole number, not %q", text)
	}
	p.Expiration = text
	p.Has |= model.HasExpiration
	return nil
}

func applyTimestamp(p *model.Properties, text string, now time.Time) error {
	switch n, err := strconv.ParseInt(text, 10, 64); {
	case strings.EqualFold(text, "now"):
		p.Timestamp = now.Unix()
	case err == nil:
		p.Timestamp = n
	default:
		t, err := time.Parse(time.RFC3339, text)
		if err != nil {
			return fmt.Errorf("want now, seconds since the epoch or an RFC 3339 time, not %q", text)
		}
		p.Timestamp = t.Unix()
	}
	p.Has |= model.HasTimestamp
	return nil
}

// ParseHeaders reads the headers field: K=V lines, whose values are
// strings, or a JSON object, which keeps types ({"n": 1} is a long).
// Blank lines and lines starting with # are skipped. Empty is no headers.
func ParseHeaders(s string) (model.Table, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "{") {
		t, err := model.ParseTableJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("headers JSON: %v", err)
		}
		return t, nil
	}
	t := model.Table{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("headers line %d: want K=V, not %q", i+1, line)
		}
		if _, dup := t[k]; dup {
			return nil, fmt.Errorf("headers line %d: %s is given twice", i+1, k)
		}
		t[k] = model.String(strings.TrimSpace(v))
	}
	return t, nil
}

// JSONState is what the JSON check says of a body.
type JSONState uint8

// The states of the JSON check.
const (
	// JSONUnchecked is a body that is not JSON and not said to be.
	JSONUnchecked JSONState = iota
	JSONValid
	JSONInvalid
)

// JSONCheck is the live check of the body.
type JSONCheck struct {
	State JSONState
	// Err is why invalid JSON is, with its line and column.
	Err string
}

// IsJSONType reports whether a content type says JSON:
// application/json, or any type with a +json suffix.
func IsJSONType(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	ct = strings.TrimSpace(ct)
	return ct == "application/json" || ct == "text/json" || strings.HasSuffix(ct, "+json")
}

// LooksJSON reports whether a body looks meant as JSON: it starts with
// { or [ after white space.
func LooksJSON(body string) bool {
	b := strings.TrimLeft(body, " \t\r\n")
	return strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[")
}

// CheckJSON checks the body when the content type is JSON or the body
// looks like JSON; an error gives the line and column.
func CheckJSON(contentType, body string) JSONCheck {
	if !IsJSONType(contentType) && !LooksJSON(body) {
		return JSONCheck{}
	}
	if strings.TrimSpace(body) == "" {
		return JSONCheck{State: JSONInvalid, Err: "empty body, but the content type is JSON"}
	}
	var v json.RawMessage
	err := json.Unmarshal([]byte(body), &v)
	if err == nil {
		return JSONCheck{State: JSONValid}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return JSONCheck{State: JSONInvalid, Err: position(body, se.Offset) + se.Error()}
	}
	return JSONCheck{State: JSONInvalid, Err: err.Error()}
}

// position says where offset falls in text: "line 2, col 5: ".
func position(text string, offset int64) string {
	offset = min(max(offset, 0), int64(len(text)))
	before := text[:offset]
	line := strings.Count(before, "\n") + 1
	col := len([]rune(before[strings.LastIndexByte(before, '\n')+1:]))
	if col == 0 {
		col = 1
	}
	return fmt.Sprintf("line %d, col %d: ", line, col)
}

// Form is what the publish form holds, as text: the pure input of
// Build.
type Form struct {
	Exchange, RoutingKey string
	Headers              string
	// Props are the basic properties' texts by name (see Properties);
	// empty ones are not sent.
	Props map[string]string
	Body  string
	// Confirm and Mandatory are the publish options.
	Confirm, Mandatory bool
	// Repeat is how many times to publish; empty is once.
	Repeat string
}

// FieldError is a field that cannot be read, named by its label.
type FieldError struct {
	Field string
	Err   error
}

// Error names the field and says what is wrong.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// MaxRepeat bounds the repeat count: the form is for trying things, not
// load tests.
const MaxRepeat = 100000

// Build reads the form into a publishing and its options; now is the
// time a "now" timestamp takes. The first field that cannot be read is
// the error.
func (f Form) Build(now time.Time) (broker.Publishing, broker.PublishOptions, error) {
	p := broker.Publishing{Exchange: f.Exchange, RoutingKey: f.RoutingKey, Body: []byte(f.Body)}
	o := broker.PublishOptions{Confirm: f.Confirm, Mandatory: f.Mandatory, Count: 1}
	h, err := ParseHeaders(f.Headers)
	if err != nil {
		return p, o, &FieldError{Field: "headers", Err: err}
	}
	if h != nil {
		p.Properties.Headers = h
		p.Properties.Has |= model.HasHeaders
	}
	for _, prop := range Properties {
		text := strings.TrimSpace(f.Props[prop.Name])
		if text == "" {
			continue
		}
		if err := prop.apply(&p.Properties, text, now); err != nil {
			return p, o, &FieldError{Field: prop.Name, Err: err}
		}
	}
	if r := strings.TrimSpace(f.Repeat); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > MaxRepeat {
			return p, o, &FieldError{Field: "repeat", Err: fmt.Errorf("want a count from 1 to %d, not %q", MaxRepeat, r)}
		}
		o.Count = n
	}
	return p, o, nil
}
