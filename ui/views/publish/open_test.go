package publish_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

func exchange(name string) common.Ref {
	return common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: name}}
}

// TestOpenOtherExchangeClearsMessage is the QA bug: a form reopened on
// another exchange kept the old key, so typing "hello" after "sushi" gave
// "sushihello". The same exchange keeps what was written.
func TestOpenOtherExchangeClearsMessage(t *testing.T) {
	m := publish.New(fixture.Common())
	m.SetSize(80, 21)
	m.Open(exchange("orders"))
	drive.Type(m, "sushi")
	m.SetField(publish.FieldHeaders, "x-tenant=acme")
	m.SetField(publish.FieldProp, "application/json")
	m.SetField(publish.FieldBody, `{"a":1}`)

	m.Open(exchange("orders"))
	if f := m.Form(); f.RoutingKey != "sushi" || f.Body != `{"a":1}` || f.Headers != "x-tenant=acme" {
		t.Fatalf("same exchange reopened lost the message: %+v", f)
	}

	m.Open(exchange("events"))
	if m.Focused() != publish.FieldKey {
		t.Fatalf("focus = %d, want the key field", m.Focused())
	}
	drive.Type(m, "hello")
	f := m.Form()
	if f.Exchange != "events" || f.RoutingKey != "hello" {
		t.Fatalf("after reopening on events and typing hello: exchange %q key %q", f.Exchange, f.RoutingKey)
	}
	if f.Body != "" || f.Headers != "" || f.Props["content_type"] != "" {
		t.Fatalf("another exchange kept the old message: headers %q body %q props %v", f.Headers, f.Body, f.Props)
	}
}

// TestEmptyBodySaysEmpty: an empty body is not "sent as typed", it is
// empty.
func TestEmptyBodySaysEmpty(t *testing.T) {
	m := publish.New(fixture.Common())
	m.SetSize(80, 21)
	s := ansi.Strip(m.View())
	if !strings.Contains(s, "empty body") || strings.Contains(s, "sent as typed") {
		t.Fatalf("empty form should say empty body:\n%s", s)
	}
	m.SetField(publish.FieldBody, "plain text")
	if s := ansi.Strip(m.View()); !strings.Contains(s, "not JSON: the body is sent as typed") {
		t.Fatalf("a text body should say it is sent as typed:\n%s", s)
	}
}

// TestOpenFreshClearsSameExchange: a lesson opens the form fresh for each
// task; reopened on the SAME exchange the key and body start empty, the
// key is edited, and typing does not append to the last key.
func TestOpenFreshClearsSameExchange(t *testing.T) {
	m := publish.New(fixture.Common())
	m.SetSize(80, 21)
	m.Open(publish.FreshRef("/", ""))
	drive.Type(m, "hello")
	m.SetField(publish.FieldBody, "hi there")
	if f := m.Form(); f.RoutingKey != "hello" {
		t.Fatalf("first key = %q, want hello", f.RoutingKey)
	}
	m.Esc()
	m.Open(publish.FreshRef("/", ""))
	if !m.Capturing() || m.Focused() != publish.FieldKey {
		t.Fatalf("reopened fresh: editing %v focus %d, want editing the key field", m.Capturing(), m.Focused())
	}
	if f := m.Form(); f.RoutingKey != "" || f.Body != "" || f.Exchange != "" {
		t.Fatalf("reopened fresh on the same exchange kept %+v", f)
	}
	drive.Type(m, "greetings")
	if f := m.Form(); f.RoutingKey != "greetings" {
		t.Fatalf("second key = %q, want greetings (not appended to hello)", f.RoutingKey)
	}
}
