package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// hasOsloFlag reports whether a command line asks for oslo.messaging
// (--oslo, -oslo or --oslo=true), before the flags are parsed for real.
func hasOsloFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch strings.TrimLeft(a, "-") {
		case "oslo", "oslo=true", "oslo=1":
			return strings.HasPrefix(a, "-")
		}
	}
	return false
}

// osloFlags are the flags of kaiten call --oslo and kaiten cast --oslo.
type osloFlags struct {
	conn                    connFlags
	oslo                    bool
	exchange, topic, server string
	method, args, context   string
	namespace, version      string
	fanout                  bool
	timeout, callMonitor    durationFlag
	output                  string
	request                 model.OsloRequest
	eventType, priority     string
	payload, publisherID    string
	count                   int
	payloadValue            model.PyValue
	notifyContext           []model.PyField
}

func newOsloFlagSet(name string, f *osloFlags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	fs.StringVar(&f.exchange, "exchange", model.OsloDefaultExchange, "the control exchange (a project's, like nova)")
	fs.StringVar(&f.output, "output", "text", "text or json")
	return fs
}

// parseOsloRequestFlags reads call --oslo and cast --oslo.
func parseOsloRequestFlags(name string, call bool, args []string, stderr io.Writer) (*osloFlags, error) {
	f := &osloFlags{}
	fs := newOsloFlagSet(name, f, stderr)
	fs.BoolVar(&f.oslo, "oslo", false, "speak oslo.messaging (OpenStack RPC)")
	fs.StringVar(&f.topic, "topic", "", "the RPC topic, e.g. compute")
	fs.StringVar(&f.server, "server", "", "one server of the topic (default: any)")
	fs.StringVar(&f.method, "method", "", "the remote method")
	fs.StringVar(&f.args, "args", "{}", "the keyword arguments, a JSON object")
	fs.StringVar(&f.context, "oslo-context", "{}", "the request context, a JSON object (user_id, project_id, auth_token, …); sent as _context_*")
	fs.StringVar(&f.namespace, "namespace", "", "the target's namespace")
	fs.StringVar(&f.version, "version", "", "the target's API version, e.g. 1.0")
	if call {
		f.timeout.d = broker.OsloDefaultTimeout
		fs.Var(&f.timeout, "timeout", "how long to wait for the reply, also the request's expiration (60s, 2m, or seconds)")
		fs.Var(&f.callMonitor, "call-monitor-timeout", "oslo's call_monitor_timeout, sent as _timeout: the server sends a heartbeat "+
			"every half of it, and the call fails when none comes within it (at least 2s; default: none, _timeout null)")
	} else {
		fs.BoolVar(&f.fanout, "fanout", false, "cast to every server of the topic, through <topic>_fanout")
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch {
	case f.topic == "":
		return nil, errors.New("--topic is required")
	case f.method == "":
		return nil, errors.New("--method is required")
	case f.fanout && f.server != "":
		return nil, errors.New("--fanout goes to every server: drop --server")
	case f.callMonitor.d != 0 && f.callMonitor.d < 2*time.Second:
		return nil, errors.New("--call-monitor-timeout must be at least 2s: oslo.messaging servers ignore less")
	}
	a, err := jsonObject("--args", f.args)
	if err != nil {
		return nil, err
	}
	c, err := jsonObject("--oslo-context", f.context)
	if err != nil {
		return nil, err
	}
	f.request = model.OsloRequest{Method: f.method, Args: a, Namespace: f.namespace, Version: f.version, Context: c}
	return f, checkOutput(f.output, "text", "json")
}

// jsonObject reads a flag's JSON object, its members in order.
func jsonObject(flagName, s string) ([]model.PyField, error) {
	v, err := model.ParsePyJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%s is not JSON: %w", flagName, err)
	}
	if v.Kind != model.PyObject {
		return nil, fmt.Errorf("%s must be a JSON object, like '{\"a\": 1}'", flagName)
	}
	return v.Fields, nil
}

func (f *osloFlags) target() model.OsloTarget {
	return model.OsloTarget{Exchange: f.exchange, Topic: f.topic, Server: f.server, Fanout: f.fanout}
}

// osloCallJSON is a call's outcome in JSON.
type osloCallJSON struct {
	Exchange   string          `json:"exchange"`
	RoutingKey string          `json:"routing_key"`
	MsgID      string          `json:"msg_id"`
	ReplyQueue string          `json:"reply_queue"`
	RTTMillis  float64         `json:"rtt_ms"`
	Heartbeats int             `json:"heartbeats"`
	Result     json.RawMessage `json:"result"`
	Failure    *failureJSON    `json:"failure"`
}

type failureJSON struct {
	Class     string   `json:"class"`
	Module    string   `json:"module"`
	Message   string   `json:"message"`
	Traceback []string `json:"traceback"`
}

// runOsloCall is kaiten call --oslo: an oslo.messaging call. It prints
// the result and the round trip, or the remote exception with exit 1.
func runOsloCall(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten call --oslo"
	f, err := parseOsloRequestFlags("kaiten call", true, args, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	r, err := s.OsloCall(ctx, broker.OsloCallOptions{
		Target: f.target(), Request: f.request, Timeout: f.timeout.d, CallMonitor: f.callMonitor.d,
	})
	if err != nil {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	exchange, key := f.target().Route()
	if f.output == "json" {
		j := osloCallJSON{
			Exchange: exchange, RoutingKey: key, MsgID: r.MsgID, ReplyQueue: r.ReplyQueue,
			RTTMillis: float64(r.RTT.Microseconds()) / 1000, Heartbeats: r.Heartbeats,
			Result: r.Result.AppendPython(nil),
		}
		if e := r.Failure; e != nil {
			j.Failure = &failureJSON{Class: e.Class, Module: e.Module, Message: e.Message, Traceback: e.Traceback}
			if j.Failure.Traceback == nil {
				j.Failure.Traceback = []string{}
			}
			if e.Class == "" && e.Message == "" {
				j.Failure.Message = e.Raw
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j); err != nil {
			fail(stderr, cmd, err)
			return exitFailed
		}
	} else if r.Failure == nil {
		beats := ""
		if r.Heartbeats > 0 {
			beats = fmt.Sprintf(" after %d heartbeat(s)", r.Heartbeats)
		}
		_, err := fmt.Fprintf(stdout, "%s\nreply in %s from %s%s (_msg_id %s, reply queue %s)\n",
			model.Printable(string(r.Result.AppendPython(nil))), model.FormatOsloRTT(r.RTT),
			model.Printable(f.request.Method), beats, r.MsgID, r.ReplyQueue)
		if err != nil {
			fail(stderr, cmd, err)
			return exitFailed
		}
	}
	if e := r.Failure; e != nil {
		if f.output != "json" {
			writeRemoteError(stderr, cmd, e, r.RTT)
			if e.Class == "NoSuchMethod" && f.version == "" {
				fmt.Fprintf(stderr, "%s: without --version the server dispatches the request as version 1.0, to the endpoints of that version; "+
					"if the method is on a newer API (nova's compute is at 6.x), name it: --version 6.0\n", cmd)
			}
		}
		return exitFailed
	}
	return exitOK
}

// writeRemoteError prints the remote exception: class and message, then
// the server's traceback.
func writeRemoteError(w io.Writer, cmd string, e *model.RemoteError, rtt time.Duration) {
	what := e.Error()
	if e.Class == "" && e.Message == "" && e.Raw != "" {
		what = "remote error: " + e.Raw
	}
	fmt.Fprintf(w, "%s: the server raised %s (after %s)\n", cmd, model.Printable(what), model.FormatOsloRTT(rtt))
	if e.Module != "" {
		fmt.Fprintf(w, "  class %s.%s\n", model.Printable(e.Module), model.Printable(e.Class))
	}
	if len(e.Traceback) > 0 {
		fmt.Fprintln(w, "remote traceback:")
		for _, l := range e.Traceback {
			for _, line := range strings.Split(strings.TrimRight(l, "\n"), "\n") {
				fmt.Fprintln(w, "  "+model.Printable(line))
			}
		}
	}
}

// runOsloCast is kaiten cast --oslo [--fanout]: it publishes and returns.
func runOsloCast(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten cast --oslo"
	f, err := parseOsloRequestFlags("kaiten cast", false, args, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	p, res, err := s.OsloCast(ctx, f.target(), f.request)
	return finishOsloPublish(cmd, f.output, p, res, err, stdout, stderr)
}

func finishOsloPublish(cmd, output string, p broker.Publishing, res broker.PublishResult, err error, stdout, stderr io.Writer) int {
	if err != nil && res.Published == 0 {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	if werr := writePublishResult(stdout, output, p, res, true); werr != nil {
		fail(stderr, cmd, werr)
		return exitFailed
	}
	if err != nil && !errors.Is(err, broker.ErrUnroutable) {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	if err != nil || !res.OK() {
		return exitFailed
	}
	return exitOK
}

// runOsloNotify is kaiten notify --oslo: a messagingv2 notification to
// <topic>.<priority> on the control exchange.
func runOsloNotify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten notify"
	f := &osloFlags{}
	fs := newOsloFlagSet(cmd, f, stderr)
	fs.BoolVar(&f.oslo, "oslo", true, "oslo.messaging notification (the only kind)")
	fs.StringVar(&f.topic, "topic", "notifications", "the notification topic")
	fs.StringVar(&f.eventType, "event-type", "", "the event type, e.g. compute.instance.create.end")
	fs.StringVar(&f.priority, "priority", "info", "audit, debug, info, warn, error, critical or sample")
	fs.StringVar(&f.payload, "payload", "{}", "the payload, JSON")
	fs.StringVar(&f.publisherID, "publisher-id", "", "the publisher, e.g. compute.host1 (default: kaiten.<host name>)")
	fs.StringVar(&f.context, "oslo-context", "{}", "the request context, a JSON object; sent as _context_*")
	err := parseFlags(fs, args)
	if err == nil {
		err = f.checkNotify()
	}
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	p, res, err := s.OsloNotify(ctx, f.exchange, f.topic, model.OsloNotificationSpec{
		PublisherID: f.publisherID, EventType: f.eventType, Priority: f.priority,
		Payload: f.payloadValue, Context: f.notifyContext,
	})
	return finishOsloPublish(cmd, f.output, p, res, err, stdout, stderr)
}

func (f *osloFlags) checkNotify() error {
	switch {
	case f.eventType == "":
		return errors.New("--event-type is required")
	case f.topic == "":
		return errors.New("--topic cannot be empty")
	case !model.IsOsloPriority(f.priority) && !strings.EqualFold(f.priority, "warning"):
		return fmt.Errorf("--priority must be one of %s, not %q", strings.Join(model.OsloPriorities, ", "), f.priority)
	}
	v, err := model.ParsePyJSON([]byte(f.payload))
	if err != nil {
		return fmt.Errorf("--payload is not JSON: %w", err)
	}
	f.payloadValue = v
	if f.notifyContext, err = jsonObject("--oslo-context", f.context); err != nil {
		return err
	}
	if f.publisherID == "" {
		host, _ := os.Hostname()
		f.publisherID = "kaiten." + cmp.Or(host, "localhost")
	}
	return checkOutput(f.output, "text", "json")
}

// runOsloNotifications is kaiten notifications: it listens on a queue of
// its own bound to <topic>.<priority> (or <topic>.*) and prints each
// notification, until --count or --timeout.
func runOsloNotifications(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten notifications"
	f := &osloFlags{}
	fs := newOsloFlagSet(cmd, f, stderr)
	fs.BoolVar(&f.oslo, "oslo", true, "oslo.messaging notifications (the only kind)")
	fs.StringVar(&f.topic, "topic", "notifications", "the notification topic")
	fs.StringVar(&f.priority, "priority", "", "only this priority (default: every one)")
	fs.IntVar(&f.count, "count", 0, "stop after this many notifications (default: no limit)")
	fs.Var(&f.timeout, "timeout", "stop after this long (30s, 2m, or seconds; default: no limit)")
	err := parseFlags(fs, args)
	switch {
	case err != nil:
	case f.priority != "" && !model.IsOsloPriority(f.priority):
		err = fmt.Errorf("--priority must be one of %s, not %q", strings.Join(model.OsloPriorities, ", "), f.priority)
	case f.count < 0:
		err = fmt.Errorf("--count cannot be negative")
	default:
		err = checkOutput(f.output, "text", "json")
	}
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	if f.timeout.d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout.d)
		defer cancel()
	}
	l, err := s.OsloNotifications(ctx, f.exchange, f.topic, f.priority)
	if err != nil {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	defer l.Close()
	fmt.Fprintf(stderr, "%s: listening on %s, bound to %s with %s\n", cmd, strconv.Quote(l.Queue), exchangeName(f.exchange), strconv.Quote(l.BindingKey))
	n := 0
	for f.count == 0 || n < f.count {
		select {
		case <-ctx.Done():
			if f.timeout.d > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				fmt.Fprintf(stderr, "%s: %d notification(s) in %s\n", cmd, n, f.timeout.d)
				return exitOK
			}
			return exitOK
		case m, ok := <-l.Messages():
			if !ok {
				if err := l.Err(); err != nil {
					fail(stderr, cmd, err)
				}
				return exitFailed
			}
			n++
			if err := writeNotification(stdout, f.output, &m); err != nil {
				fail(stderr, cmd, err)
				return exitFailed
			}
		}
	}
	return exitOK
}

// notificationJSON is one notification as JSON Lines.
type notificationJSON struct {
	Exchange    string              `json:"exchange"`
	RoutingKey  string              `json:"routing_key"`
	MessageID   string              `json:"message_id"`
	PublisherID string              `json:"publisher_id"`
	EventType   string              `json:"event_type"`
	Priority    string              `json:"priority"`
	Timestamp   string              `json:"timestamp"`
	Payload     json.RawMessage     `json:"payload"`
	Context     json.RawMessage     `json:"context"`
	Summary     string              `json:"summary"`
	Message     *broker.MessageJSON `json:"message,omitempty"` // when it is not a notification
}

func writeNotification(w io.Writer, output string, m *broker.Message) error {
	om, ok := m.Oslo()
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if !ok || om.Kind != model.OsloNotification {
			j := m.JSON(m.OsloJSON(nil))
			return enc.Encode(notificationJSON{Exchange: m.Exchange, RoutingKey: m.RoutingKey, Summary: m.Summary, Message: &j, Payload: []byte("null"), Context: []byte("{}")})
		}
		om = om.Redacted()
		return enc.Encode(notificationJSON{
			Exchange: m.Exchange, RoutingKey: m.RoutingKey, MessageID: om.MessageID, PublisherID: om.PublisherID,
			EventType: om.EventType, Priority: om.Priority, Timestamp: om.Timestamp,
			Payload: om.Payload.AppendPython(nil), Context: model.PyDict(om.Context...).AppendPython(nil),
			Summary: m.Summary,
		})
	}
	line := m.Summary
	if line == "" {
		line = "not an oslo message: " + strconv.Itoa(len(m.Body)) + " bytes"
	}
	ts := m.Received.UTC().Format("15:04:05.000")
	if ok && om.Timestamp != "" {
		if t, err := model.ParseOsloTimestamp(om.Timestamp); err == nil {
			ts = t.Format("15:04:05.000")
		}
	}
	payload := ""
	if ok && om.Kind == model.OsloNotification {
		payload = " " + model.PyShort(om.Redacted().Payload, 120)
	}
	_, err := fmt.Fprintf(w, "%s %s%s\n", ts, line, model.Printable(payload))
	return err
}
