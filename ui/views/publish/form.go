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
	"github.com/kaiten-bus/kaiten/ui/components/form"
)

// Property is one basic property of the form: its AMQP name, which
// model.SetProperty reads its text by.
type Property struct {
	Name string
	// Hint is the placeholder: what the field takes.
	Hint string
}

// Properties are the basic properties the form offers, in the order of
// the AMQP class (cluster-id aside, which amqp091-go cannot send).
var Properties = []Property{
	{Name: "content_type", Hint: "application/json"},
	{Name: "content_encoding", Hint: "utf-8, gzip"},
	{Name: "delivery_mode", Hint: "1 or 2 (persistent)"},
	{Name: "priority", Hint: "0-255"},
	{Name: "correlation_id", Hint: "any text"},
	{Name: "reply_to", Hint: "a queue name"},
	{Name: "expiration", Hint: "ms, e.g. 60000"},
	{Name: "message_id", Hint: "any text"},
	{Name: "timestamp", Hint: "now, secs, RFC 3339"},
	{Name: "type", Hint: "any text"},
	{Name: "user_id", Hint: "the login user"},
	{Name: "app_id", Hint: "any text"},
}

// ParseHeaders reads the headers field: K=V lines, whose values are
// strings, or a JSON object, which keeps types ({"n": 1} is a long).
// Blank lines and lines starting with # are skipped. Empty is no headers.
func ParseHeaders(s string) (model.Table, error) {
	return form.ParseHeaders(s, headerLines)
}

// headerLines reads K=V lines; a key given twice is an error.
func headerLines(s string) (model.Table, error) {
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

// CheckJSON checks the body when the content type is JSON or the body
// looks like JSON; an error gives the line and column.
func CheckJSON(contentType, body string) JSONCheck {
	if !IsJSONType(contentType) && !form.LooksJSON(body) {
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
type FieldError = form.FieldError

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
		if err := model.SetProperty(&p.Properties, prop.Name, text, now); err != nil {
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
