package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// messageFlags describe a message to publish: publish, call and cast
// share them.
type messageFlags struct {
	exchange    string
	routingKey  string
	body        string
	bodyFile    string
	headers     headerFlags
	headersJSON string
	props       headerFlags // K=V, checked by applyProperty
	set         map[string]bool
}

func (m *messageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.exchange, "exchange", "", `exchange to publish to ("" is the default exchange)`)
	fs.StringVar(&m.routingKey, "routing-key", "", "routing key")
	fs.StringVar(&m.body, "body", "", "message body (default: --body-file, else stdin)")
	fs.StringVar(&m.bodyFile, "body-file", "", "read the body from this file")
	fs.Var(&m.headers, "header", "message header NAME=VALUE, a string (repeatable)")
	fs.StringVar(&m.headersJSON, "headers-json", "", `message headers as a JSON object, keeping types: {"a": 1} is a long, {"a": 1.5} a double`)
	fs.Var(&m.props, "property", "basic property NAME=VALUE (repeatable): content_type, content_encoding, delivery_mode (1, 2, transient, persistent), "+
		"priority, correlation_id, reply_to, expiration (ms), message_id, timestamp (seconds, RFC 3339 or now), type, user_id, app_id")
}

// check validates the flags once parsed; fs tells which were given.
func (m *messageFlags) check(fs *flag.FlagSet) error {
	m.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { m.set[f.Name] = true })
	switch {
	case !m.set["exchange"]:
		return errors.New(`--exchange is required (use --exchange "" for the default exchange)`)
	case m.set["body"] && m.bodyFile != "":
		return errors.New("give --body or --body-file, not both")
	}
	return nil
}

// publishing builds the message; the body comes from --body, else
// --body-file, else stdin.
func (m *messageFlags) publishing(stdin io.Reader, stderr io.Writer) (broker.Publishing, error) {
	p := broker.Publishing{Exchange: m.exchange, RoutingKey: m.routingKey}
	headers, err := parseHeaders(m.headersJSON, m.headers)
	if err != nil {
		return p, err
	}
	if headers != nil {
		p.Properties.Headers = headers
		p.Properties.Has |= model.HasHeaders
	}
	for _, kv := range m.props {
		k, v, _ := strings.Cut(kv, "=")
		if err := applyProperty(&p.Properties, k, v); err != nil {
			return p, fmt.Errorf("--property %s: %v", k, err)
		}
	}
	switch {
	case m.set["body"]:
		p.Body = []byte(m.body)
	case m.bodyFile != "":
		if p.Body, err = os.ReadFile(m.bodyFile); err != nil {
			return p, fmt.Errorf("cannot read the body: %v", err)
		}
	default:
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				fmt.Fprintln(stderr, "reading the body from stdin; end it with Ctrl-D (or give --body or --body-file)")
			}
		}
		if p.Body, err = io.ReadAll(stdin); err != nil {
			return p, fmt.Errorf("cannot read the body from stdin: %v", err)
		}
	}
	return p, nil
}

// openWithMessage builds the message from the flags and opens the
// session, as publish, cast and call all start. A nil session comes with
// the exit status, the error printed.
func openWithMessage(ctx context.Context, cmd string, conn *connFlags, msg *messageFlags, stdin io.Reader, stderr io.Writer) (broker.Publishing, *broker.Session, int) {
	p, err := msg.publishing(stdin, stderr)
	if err != nil {
		fail(stderr, cmd, err)
		return p, nil, exitUsage
	}
	s, code := conn.open(ctx, cmd, false, stderr)
	return p, s, code
}

// parseHeaders builds a headers table from --headers-json (typed) and
// --header NAME=VALUE flags (strings, winning over the JSON); nil when
// there are none.
func parseHeaders(headersJSON string, kvs []string) (model.Table, error) {
	h := model.Table{}
	if headersJSON != "" {
		t, err := model.ParseTableJSON([]byte(headersJSON))
		if err != nil {
			return nil, fmt.Errorf("--headers-json: %v", err)
		}
		h = t
	}
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		h[k] = model.String(v)
	}
	if len(h) == 0 {
		return nil, nil
	}
	return h, nil
}

// applyProperty sets one basic property from its name (with _ or -) and
// text, as model.SetProperty reads it.
func applyProperty(p *model.Properties, name, value string) error {
	switch name = strings.ReplaceAll(strings.ToLower(name), "-", "_"); name {
	case "cluster_id":
		return errors.New("cluster_id is deprecated in AMQP 0-9-1, and the AMQP client kaiten uses cannot send it")
	case "headers":
		return errors.New("give headers with --header or --headers-json")
	}
	return model.SetProperty(p, name, value, time.Now())
}
