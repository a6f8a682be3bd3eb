package publish_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

func screen(m *publish.Model) string { return ansi.Strip(m.View()) }

// declare makes a topic exchange orders feeding queue orders.eu with
// order.eu.*, then refreshes the snapshot.
func declare(t *testing.T, bus *drive.Bus) {
	t.Helper()
	drive.Declare(t, bus.Session, "orders", "topic", "orders.eu", "order.eu.*")
	bus.Refresh(t)
}

// newForm is a publish form on the bus, and a driver of it.
func newForm(t *testing.T, bus *drive.Bus) (*publish.Model, *drive.Driver) {
	m := publish.New(bus.Common)
	m.SetSize(120, 40)
	return m, drive.New(t, m)
}

func TestPublishReachesQueue(t *testing.T) {
	bus := drive.Start(t)
	declare(t, bus)
	m, d := newForm(t, bus)
	// Complete the exchange from the topology: "ord" then ↓ picks orders.
	d.Press("ord", "down")
	if got := m.Form().Exchange; got != "orders" {
		t.Fatalf("exchange completion gave %q", got)
	}
	// The key completes from orders' binding keys.
	d.Press("tab", "down")
	if got := m.Form().RoutingKey; got != "order.eu.*" {
		t.Fatalf("key completion gave %q", got)
	}
	m.SetField(publish.FieldKey, "order.eu.created")
	d.Press("tab", "x-tenant=acme", "tab", "application/json")
	m.SetField(publish.FieldBody, `{"id": 7}`)
	m.SetField(publish.FieldRepeat, "2")
	if !strings.Contains(screen(m), "✓ valid JSON") {
		t.Errorf("no live JSON check:\n%s", screen(m))
	}
	if fl := d.Do("ctrl+s"); len(fl) != 0 {
		t.Fatalf("publish flashed %v", fl)
	}
	last := m.Last()
	if last == nil || last.Err != nil || last.Result.Published != 2 || last.Result.Acked != 2 || last.Result.Returned != 0 {
		t.Fatalf("result %+v", last)
	}
	if !strings.Contains(screen(m), `✓ confirmed: 2 messages to orders with key "order.eu.created"`) {
		t.Errorf("the result is not shown:\n%s", screen(m))
	}
	if n := bus.Depth(t, "orders.eu"); n != 2 {
		t.Fatalf("the broker counts %d messages in orders.eu, want 2", n)
	}
	got, ok, err := bus.Channel(t).Get("orders.eu", true)
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	if string(got.Body) != `{"id": 7}` || got.ContentType != "application/json" || got.Headers["x-tenant"] != "acme" || got.RoutingKey != "order.eu.created" {
		t.Errorf("delivered %q content_type %q headers %v key %q", got.Body, got.ContentType, got.Headers, got.RoutingKey)
	}
}

func TestMandatoryReturnShown(t *testing.T) {
	bus := drive.Start(t)
	declare(t, bus)
	m, d := newForm(t, bus)
	m.SetField(publish.FieldExchange, "orders")
	m.SetField(publish.FieldKey, "order.us.created")
	m.SetField(publish.FieldBody, "hello")
	d.Do("ctrl+s")
	last := m.Last()
	if last == nil || last.Err != nil || last.Result.Returned != 1 || last.Result.Returns[0].Code != 312 {
		t.Fatalf("result %+v", last)
	}
	if !strings.Contains(screen(m), `↩ returned: 312 NO_ROUTE — no queue took it to orders with key "order.us.created"`) {
		t.Errorf("the return is not shown:\n%s", screen(m))
	}

	// Mandatory off: the broker drops it, and the form says confirmed.
	m.SetField(publish.FieldKey, "order.us.dropped")
	for m.Focused() != publish.FieldMandatory {
		d.Press("tab")
	}
	d.Press("space")
	d.Do("ctrl+s")
	if last := m.Last(); last == nil || last.Options.Mandatory || last.Result.Returned != 0 || last.Result.Acked != 1 {
		t.Fatalf("with mandatory off: %+v", last)
	}
	if n := bus.Depth(t, "orders.eu"); n != 0 {
		t.Errorf("orders.eu holds %d messages; nothing was routed there", n)
	}
}

func TestRefusedPublishShown(t *testing.T) {
	bus := drive.Start(t)
	bus.Refresh(t)
	m, d := newForm(t, bus)
	m.SetField(publish.FieldExchange, "nowhere")
	if !strings.Contains(screen(m), "no such exchange in this vhost") {
		t.Errorf("a missing exchange is not flagged:\n%s", screen(m))
	}
	d.Do("ctrl+s")
	last := m.Last()
	if last == nil || last.Err == nil {
		t.Fatalf("publish to a missing exchange: %+v", last)
	}
	if !strings.Contains(screen(m), "✗ refused: ") || !strings.Contains(screen(m), "404") {
		t.Errorf("the refusal is not shown:\n%s", screen(m))
	}
}

func TestBadFieldBlocksPublish(t *testing.T) {
	bus := drive.Start(t)
	declare(t, bus)
	m, d := newForm(t, bus)
	m.SetField(publish.FieldExchange, "orders")
	m.SetField(publish.FieldKey, "order.eu.x")
	m.SetField(publish.FieldProp+3, "high") // priority
	fl := d.Do("ctrl+s")
	if len(fl) != 1 || fl[0].Level != common.LevelError || !strings.Contains(fl[0].Text, "priority") {
		t.Fatalf("flashes %v", fl)
	}
	if m.Last() != nil || m.Focused() != publish.FieldProp+3 {
		t.Errorf("a bad priority published (%+v) or did not focus the field (%d)", m.Last(), m.Focused())
	}
	if n := bus.Depth(t, "orders.eu"); n != 0 {
		t.Errorf("orders.eu holds %d", n)
	}
}

func TestReadOnlyDisablesPublish(t *testing.T) {
	bus := drive.Start(t)
	declare(t, bus)
	bus.Common.ReadOnly = true
	m, d := newForm(t, bus)
	m.SetField(publish.FieldExchange, "orders")
	m.SetField(publish.FieldKey, "order.eu.created")
	fl := d.Do("ctrl+s")
	if len(fl) != 1 || !strings.Contains(fl[0].Text, "read-only") {
		t.Fatalf("flashes %v", fl)
	}
	if !strings.Contains(screen(m), "read-only: publishing is disabled") {
		t.Errorf("the reason is not shown:\n%s", screen(m))
	}
	if m.Last() != nil || m.Busy() || bus.Depth(t, "orders.eu") != 0 {
		t.Errorf("a read-only form published")
	}
}

func TestEditingKeys(t *testing.T) {
	bus := drive.Start(t)
	declare(t, bus)
	m, d := newForm(t, bus)
	if !m.Capturing() {
		t.Fatal("a new form does not edit")
	}
	d.Press("shift+tab")
	if m.Focused() != publish.FieldRepeat {
		t.Errorf("shift+tab from the exchange focuses %d, want the repeat count", m.Focused())
	}
	d.Press("tab", "tab", "tab")
	if m.Focused() != publish.FieldHeaders {
		t.Errorf("tab ×3 focuses %d", m.Focused())
	}
	// Enter in the headers is a new line, not the next field.
	d.Press("a=1", "enter", "b=2")
	if got := m.Form().Headers; got != "a=1\nb=2" {
		t.Errorf("headers %q", got)
	}
	if !m.Esc() || m.Capturing() {
		t.Error("esc does not stop editing")
	}
	if m.Esc() {
		t.Error("esc when not editing should let the root go back")
	}
	d.Press("i")
	if !m.Capturing() {
		t.Error("i does not edit again")
	}

	// Opened from an exchange, the form takes it and edits the key.
	m.Open(common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "orders"}})
	if m.Form().Exchange != "orders" || m.Focused() != publish.FieldKey {
		t.Errorf("Open: exchange %q focus %d", m.Form().Exchange, m.Focused())
	}
}
