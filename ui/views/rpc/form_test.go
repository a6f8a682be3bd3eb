package rpc

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 7 * time.Second, "60": time.Minute, "2.5": 2500 * time.Millisecond, "90s": 90 * time.Second,
		"2m": 2 * time.Minute, " 500ms ": 500 * time.Millisecond,
	} {
		if got, err := ParseTimeout(in, 7*time.Second); err != nil || got != want {
			t.Errorf("ParseTimeout(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "0", "-1s", "1h-"} {
		if _, err := ParseTimeout(in, time.Second); err == nil {
			t.Errorf("ParseTimeout(%q) took it", in)
		}
	}
}

func TestParseObject(t *testing.T) {
	fs, err := ParseObject(`{"b": 2, "a": [1, "x"], "c": null}`)
	if err != nil || len(fs) != 3 || fs[0].Key != "b" || fs[1].Key != "a" || !fs[2].Value.IsNull() {
		t.Errorf("members in order: %v %v", fs, err)
	}
	if fs, err := ParseObject("  "); fs != nil || err != nil {
		t.Errorf("empty: %v %v", fs, err)
	}
	for in, want := range map[string]string{`[1]`: "want a JSON object", `{"a":`: "not JSON", `"s"`: "want a JSON object"} {
		if _, err := ParseObject(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseObject(%q): %v, want %q", in, err, want)
		}
	}
}

func TestOsloFormBuild(t *testing.T) {
	f := OsloForm{
		Exchange: "nova", Topic: "compute", Server: "host1", Method: "add", Args: `{"a": 2, "b": 3}`,
		Context: `{"user_id": "u1"}`, Namespace: "baseapi", Version: "1.1", Timeout: "20",
	}
	tg, req, timeout, err := f.Build(true)
	if err != nil {
		t.Fatal(err)
	}
	if tg != (model.OsloTarget{Exchange: "nova", Topic: "compute", Server: "host1"}) || timeout != 20*time.Second {
		t.Errorf("target %+v timeout %s", tg, timeout)
	}
	if req.Method != "add" || req.Namespace != "baseapi" || req.Version != "1.1" || len(req.Args) != 2 || req.Args[1].Key != "b" ||
		len(req.Context) != 1 || req.Context[0].Value.String() != `"u1"` {
		t.Errorf("request %+v", req)
	}
	if _, _, timeout, _ := (OsloForm{Topic: "t", Method: "m"}).Build(true); timeout != broker.OsloDefaultTimeout {
		t.Errorf("default timeout %s", timeout)
	}
	for _, tc := range []struct {
		f     OsloForm
		call  bool
		field string
	}{
		{OsloForm{Method: "m"}, true, "topic"},
		{OsloForm{Topic: "t"}, true, "method"},
		{OsloForm{Topic: "t", Method: "m", Fanout: true, Server: "h"}, false, "server"},
		{OsloForm{Topic: "t", Method: "m", Fanout: true}, true, "fanout"},
		{OsloForm{Topic: "t", Method: "m", Args: "[]"}, true, "args"},
		{OsloForm{Topic: "t", Method: "m", Context: "{"}, true, "context"},
		{OsloForm{Topic: "t", Method: "m", Timeout: "never"}, true, "timeout"},
	} {
		_, _, _, err := tc.f.Build(tc.call)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v call=%v: %v, want a %s error", tc.f, tc.call, err, tc.field)
		}
	}
	if _, _, _, err := (OsloForm{Topic: "t", Method: "m", Fanout: true}).Build(false); err != nil {
		t.Errorf("a fanout cast: %v", err)
	}
}

func TestAMQPFormBuild(t *testing.T) {
	p, timeout, err := AMQPForm{Exchange: "x", RoutingKey: "k", Body: ` {"n": 1}`, Timeout: ""}.Build()
	if err != nil || p.Exchange != "x" || p.RoutingKey != "k" || string(p.Body) != ` {"n": 1}` ||
		p.Properties.ContentType != "application/json" || timeout != DefaultAMQPTimeout {
		t.Errorf("%+v %s %v", p, timeout, err)
	}
	if p, _, _ := (AMQPForm{Body: "plain"}).Build(); p.Properties.Has != 0 {
		t.Errorf("a plain body got properties %+v", p.Properties)
	}
	if _, _, err := (AMQPForm{Timeout: "x"}).Build(); err == nil || !strings.HasPrefix(err.Error(), "timeout: ") {
		t.Errorf("bad timeout: %v", err)
	}
}

func TestEntryTextIsSafe(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b[2J"
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	entries := []*Entry{
		{Mode: ModeAMQP, Call: true, AMQP: AMQPForm{RoutingKey: evil}, At: at, Done: true, Outcome: Outcome{
			Reply: &broker.Reply{Message: broker.Message{Body: []byte(`{"x": "` + evil[:4] + `"}` + evil)}, ReplyTo: evil, CorrelationID: evil},
		}},
		{Mode: ModeOslo, Call: true, Oslo: OsloForm{Topic: evil, Method: evil}, At: at, Done: true, Outcome: Outcome{
			OsloReply: &broker.OsloReply{Failure: &model.RemoteError{Class: evil, Message: evil, Traceback: []string{evil + "\n"}}},
		}},
		{Mode: ModeOslo, At: at, Done: true, Outcome: Outcome{Err: &broker.Error{Kind: broker.ErrTimeout, Target: "reply queue " + evil, Reason: evil}}},
	}
	for i, e := range entries {
		sum, _ := e.Summary()
		texts := []string{sum, e.Target(), e.Method()}
		for _, l := range e.Lines() {
			texts = append(texts, l.Text)
		}
		for _, s := range texts {
			if strings.ContainsAny(s, "\x1b\x07") {
				t.Errorf("entry %d: %q reaches the terminal", i, s)
			}
		}
	}
	if sum, _ := entries[2].Summary(); !strings.HasPrefix(sum, "timed out waiting on reply queue ") {
		t.Errorf("timeout summary %q", sum)
	}
}

func TestLiveFieldCheck(t *testing.T) {
	m := New(fixture.Common())
	m.SetSize(80, 21)
	for m.Focused() != OsloArgs {
		m.move(1)
	}
	m.toField(tea.KeyPressMsg{Code: '{', Text: "{"})
	if !strings.HasPrefix(m.formErr, "args: not JSON") {
		t.Errorf("half-typed args: %q", m.formErr)
	}
	m.toField(tea.KeyPressMsg{Code: '}', Text: "}"})
	if m.formErr != "" {
		t.Errorf("args {}: %q", m.formErr)
	}
	m.SetMode(ModeAMQP)
	for m.Focused() != AMQPTimeout {
		m.move(1)
	}
	m.toField(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if !strings.HasPrefix(m.formErr, "timeout: want seconds") {
		t.Errorf("timeout x: %q", m.formErr)
	}
}
