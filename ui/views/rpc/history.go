package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// maxHistory bounds the history list.
const maxHistory = 100

// Entry is one call or cast of the console: what was asked, and once
// Done, what came back. The history keeps them, to see again, re-run or
// edit.
type Entry struct {
	ID   int
	Mode Mode
	Call bool // a call, else a cast
	Oslo OsloForm
	AMQP AMQPForm
	At   time.Time
	Done bool
	Outcome
}

// Outcome is what came back from a call or a cast.
type Outcome struct {
	// Err is a failure to call or cast: a timeout, a return, a refusal.
	Err error
	// OsloReply is an oslo call's reply: a result or a remote exception.
	OsloReply *broker.OsloReply
	// Reply is a plain call's reply.
	Reply *broker.Reply
	// Cast is a cast's publish, once confirmed.
	Cast *broker.PublishResult
	// Sent is what a cast published (exchange and routing key).
	Sent broker.Publishing
}

// DoneMsg is the end of a call or cast of the console.
type DoneMsg struct {
	ID int
	Outcome
}

// Verb is "call" or "cast" ("fanout cast" for an oslo fanout).
func (e *Entry) Verb() string {
	switch {
	case e.Call:
		return "call"
	case e.Mode == ModeOslo && e.Oslo.Fanout:
		return "fanout"
	}
	return "cast"
}

// Target says where the request went: for oslo the control exchange and
// topic (and server), for plain AMQP the exchange and routing key.
func (e *Entry) Target() string {
	if e.Mode == ModeAMQP {
		return common.Name(e.AMQP.Exchange) + " → " + strconv.Quote(common.Clean(e.AMQP.RoutingKey))
	}
	t := model.OsloTarget{Exchange: e.Oslo.Exchange, Topic: e.Oslo.Topic, Server: e.Oslo.Server, Fanout: e.Oslo.Fanout}
	x, k := t.Route()
	if t.Fanout {
		return common.Clean(x)
	}
	return common.Clean(x) + " " + common.Clean(k)
}

// Method is the oslo method, or the plain body's size.
func (e *Entry) Method() string {
	if e.Mode == ModeAMQP {
		return common.Bytes(uint64(len(e.AMQP.Body)))
	}
	return common.Clean(e.Oslo.Method)
}

// Summary says in a few words what came back, with its tone.
func (e *Entry) Summary() (string, styles.Tone) {
	switch {
	case !e.Done:
		return "waiting…", styles.Muted
	case e.Err != nil:
		return failure(e.Err), styles.Error
	case e.OsloReply != nil && e.OsloReply.Failure != nil:
		f := e.OsloReply.Failure
		return common.Clean(remoteHead(f)) + " (" + model.FormatOsloRTT(e.OsloReply.RTT) + ")", styles.Error
	case e.OsloReply != nil:
		return common.Clean(string(e.OsloReply.Result.AppendPython(nil))) + " (" + model.FormatOsloRTT(e.OsloReply.RTT) + ")", styles.OK
	case e.Reply != nil:
		return bodyLine(e.Reply.Body) + " (" + model.FormatOsloRTT(e.Reply.RTT) + ")", styles.OK
	case e.Cast != nil:
		return "sent, confirmed by the broker", styles.OK
	}
	return "", styles.Normal
}

// failure says why a call or cast failed; a timeout names the queue
// waited on.
func failure(err error) string {
	var be *broker.Error
	if errors.Is(err, broker.ErrTimeout) && errors.As(err, &be) {
		return "timed out waiting on " + common.Clean(be.Target)
	}
	return common.Clean(err.Error())
}

// remoteHead is a remote exception's class and message.
func remoteHead(f *model.RemoteError) string {
	if f.Class == "" && f.Message == "" {
		return "remote error: " + f.Raw
	}
	return f.Error()
}

// bodyLine shows a body on one line: its text, or its size when it is
// not text.
func bodyLine(b []byte) string {
	if !isText(b) {
		return "(" + common.Bytes(uint64(len(b))) + " of binary)"
	}
	return common.Clean(strings.Join(strings.Fields(string(b)), " "))
}

func isText(b []byte) bool {
	return bytes.IndexByte(b, 0) < 0 && strings.ToValidUTF8(string(b), "\uFFFD") == string(b)
}

// Line is one line of the result pane, with its tone.
type Line struct {
	Text string
	Tone styles.Tone
}

// Lines describe an entry in full: the request, then the reply (pretty
// JSON when it is JSON), the remote exception with its traceback, or why
// it failed. Text from the broker is made printable.
func (e *Entry) Lines() []Line {
	out := []Line{{fmt.Sprintf("%s %s  %s  at %s", e.Verb(), e.Target(), e.Method(), e.At.Format("15:04:05")), styles.Accent}}
	add := func(tone styles.Tone, text string) { out = append(out, Line{text, tone}) }
	switch {
	case !e.Done:
		add(styles.Muted, "waiting for the reply…")
	case e.Err != nil:
		var be *broker.Error
		if errors.Is(e.Err, broker.ErrTimeout) && errors.As(e.Err, &be) {
			add(styles.Error, "⧗ timed out waiting on "+common.Clean(be.Target))
			add(styles.Muted, common.CleanN(be.Reason, common.MaxDetail))
			if be.Fix != "" {
				add(styles.Muted, common.CleanN(be.Fix, common.MaxDetail))
			}
			break
		}
		add(styles.Error, "✗ "+common.CleanN(e.Err.Error(), common.MaxDetail))
	case e.OsloReply != nil && e.OsloReply.Failure != nil:
		r := e.OsloReply
		f := r.Failure
		add(styles.Error, "✗ remote exception after "+model.FormatOsloRTT(r.RTT)+": "+common.CleanN(remoteHead(f), common.MaxDetail))
		if f.Module != "" || f.Class != "" {
			add(styles.Muted, "class "+common.Clean(strings.TrimPrefix(f.Module+"."+f.Class, ".")))
		}
		if len(f.Traceback) > 0 {
			add(styles.Muted, "remote traceback:")
			for _, l := range f.Traceback {
				for _, s := range strings.Split(strings.TrimRight(l, "\n"), "\n") {
					add(styles.Normal, "  "+common.CleanN(s, common.MaxDetail))
				}
			}
		}
	case e.OsloReply != nil:
		r := e.OsloReply
		add(styles.OK, fmt.Sprintf("✓ reply in %s (reply queue %s, _msg_id %s%s)", model.FormatOsloRTT(r.RTT),
			common.Clean(r.ReplyQueue), common.Clean(r.MsgID), heartbeats(r.Heartbeats)))
		for _, s := range pretty(r.Result.AppendPython(nil)) {
			add(styles.Normal, s)
		}
	case e.Reply != nil:
		r := e.Reply
		add(styles.OK, fmt.Sprintf("✓ reply in %s on %s (correlation_id %s)", model.FormatOsloRTT(r.RTT),
			common.Clean(r.ReplyTo), common.Clean(r.CorrelationID)))
		if ct := r.Properties.ContentType; ct != "" {
			add(styles.Muted, "content_type "+common.Clean(ct))
		}
		if !isText(r.Body) {
			add(styles.Muted, bodyLine(r.Body))
			break
		}
		for _, s := range pretty(r.Body) {
			add(styles.Normal, s)
		}
	case e.Cast != nil:
		add(styles.OK, fmt.Sprintf("✓ %s sent to %s with key %s, confirmed by the broker", e.Verb(),
			common.Name(e.Sent.Exchange), strconv.Quote(common.Clean(e.Sent.RoutingKey))))
	}
	return out
}

func heartbeats(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return ", 1 heartbeat"
	}
	return ", " + strconv.Itoa(n) + " heartbeats"
}

// pretty returns a body's lines, indented when it is JSON, each made
// printable.
func pretty(b []byte) []string {
	var buf bytes.Buffer
	if json.Valid(b) && json.Indent(&buf, b, "", "  ") == nil {
		b = buf.Bytes()
	}
	text := string(b)
	if len(text) > 64*1024 {
		text = text[:64*1024] + common.Ellipsis
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = common.CleanN(l, common.MaxDetail)
	}
	return lines
}
