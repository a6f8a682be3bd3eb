package rpc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/components/form"
)

// Mode is the kind of RPC the console speaks.
type Mode uint8

// The modes.
const (
	// ModeOslo is oslo.messaging: a method, keyword arguments and a
	// context, to a topic (and a server) on a control exchange.
	ModeOslo Mode = iota
	// ModeAMQP is plain AMQP: a body to an exchange and routing key,
	// the reply on direct reply-to.
	ModeAMQP
)

// String names the mode.
func (m Mode) String() string {
	if m == ModeAMQP {
		return "plain AMQP"
	}
	return "oslo.messaging"
}

// DefaultAMQPTimeout is a plain call's wait when the form says none.
const DefaultAMQPTimeout = 30 * time.Second

// OsloForm is the oslo.messaging form as text.
type OsloForm struct {
	Exchange, Topic, Server, Method string
	// Args and Context are JSON objects; empty is {}.
	Args, Context      string
	Namespace, Version string
	// Timeout is seconds or a Go duration; empty is oslo's 60 s.
	Timeout string
	// Fanout casts to every server of the topic.
	Fanout bool
}

// AMQPForm is the plain AMQP form as text.
type AMQPForm struct {
	Exchange, RoutingKey, Body string
	// Timeout is seconds or a Go duration; empty is 30 s.
	Timeout string
}

// FieldError is a field that cannot be read.
type FieldError = form.FieldError

// ParseTimeout reads a timeout: whole or decimal seconds ("60", "2.5")
// or a Go duration ("90s", "2m"); empty is def.
func ParseTimeout(s string, def time.Duration) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, fmt.Errorf("want seconds or a duration like 90s or 2m, not %q", s)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("want a timeout above zero, not %q", s)
	}
	return d, nil
}

// ParseObject reads a JSON object into its members, in order; empty is
// no members.
func ParseObject(s string) ([]model.PyField, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := model.ParsePyJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if v.Kind != model.PyObject {
		return nil, errors.New(`want a JSON object, like {"a": 1}`)
	}
	return v.Fields, nil
}

// Build reads the form: where the request goes, the request, and how
// long a call waits. A call cannot be a fanout.
func (f OsloForm) Build(call bool) (model.OsloTarget, model.OsloRequest, time.Duration, error) {
	t := model.OsloTarget{
		Exchange: strings.TrimSpace(f.Exchange), Topic: strings.TrimSpace(f.Topic),
		Server: strings.TrimSpace(f.Server), Fanout: f.Fanout,
	}
	req := model.OsloRequest{Method: strings.TrimSpace(f.Method), Namespace: strings.TrimSpace(f.Namespace), Version: strings.TrimSpace(f.Version)}
	fail := func(field string, err error) (model.OsloTarget, model.OsloRequest, time.Duration, error) {
		return t, req, 0, &FieldError{Field: field, Err: err}
	}
	switch {
	case t.Topic == "":
		return fail("topic", errors.New("a topic is needed, like compute"))
	case req.Method == "":
		return fail("method", errors.New("a method is needed, like ping"))
	case t.Fanout && t.Server != "":
		return fail("server", errors.New("a fanout goes to every server: leave the server empty"))
	case t.Fanout && call:
		return fail("fanout", errors.New("a call cannot be a fanout: fanout is for casts"))
	}
	var err error
	if req.Args, err = ParseObject(f.Args); err != nil {
		return fail("args", err)
	}
	if req.Context, err = ParseObject(f.Context); err != nil {
		return fail("context", err)
	}
	timeout, err := ParseTimeout(f.Timeout, broker.OsloDefaultTimeout)
	if err != nil {
		return fail("timeout", err)
	}
	return t, req, timeout, nil
}

// Build reads the form into the request and how long a call waits.
func (f AMQPForm) Build() (broker.Publishing, time.Duration, error) {
	p := broker.Publishing{Exchange: f.Exchange, RoutingKey: f.RoutingKey, Body: []byte(f.Body)}
	if form.LooksJSON(f.Body) {
		p.Properties.ContentType = "application/json"
		p.Properties.Has |= model.HasContentType
	}
	timeout, err := ParseTimeout(f.Timeout, DefaultAMQPTimeout)
	if err != nil {
		return p, 0, &FieldError{Field: "timeout", Err: err}
	}
	return p, timeout, nil
}
