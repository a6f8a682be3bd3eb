package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

func TestPublishCommandPrefillsExchange(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	do(a, ":", "publish orders", "enter")
	p, ok := a.focus.(*publish.Model)
	if !ok {
		t.Fatalf(":publish orders shows %s", a.focus.Kind())
	}
	if p.Form().Exchange != "orders" || p.Focused() != publish.FieldKey || !p.Capturing() {
		t.Fatalf("exchange %q, focus %d, editing %v", p.Form().Exchange, p.Focused(), p.Capturing())
	}
	// Keys go to the form while it edits: q is text, not a command.
	do(a, "q.x")
	if p.Form().RoutingKey != "q.x" {
		t.Errorf("typed key %q", p.Form().RoutingKey)
	}
	// esc stops editing, a second esc goes back; the form is kept.
	do(a, "esc")
	if a.focus != p || p.Capturing() {
		t.Fatalf("first esc: focus %s, editing %v", a.focus.Kind(), p.Capturing())
	}
	do(a, "esc", ":", "pub", "enter")
	if a.focus != p || p.Form().RoutingKey != "q.x" {
		t.Errorf("the form was not kept: %s %q", a.focus.Kind(), p.Form().RoutingKey)
	}
	if !strings.Contains(screen(a), "cannot publish") {
		t.Errorf("the fixture backend cannot publish, and the form should say so:\n%s", screen(a))
	}
}

func TestExchangesPublishKey(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "ex", "enter", "/", "orders.dlx", "enter", "p")
	p, ok := a.focus.(*publish.Model)
	if !ok {
		t.Fatalf("p in the exchanges view shows %s", a.focus.Kind())
	}
	if p.Form().Exchange != "orders.dlx" {
		t.Errorf("p prefilled %q", p.Form().Exchange)
	}
}

func TestRPCCommand(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	do(a, ":", "rpc", "enter")
	r, ok := a.focus.(*rpc.Model)
	if !ok || a.focus.Kind() != common.KindRPC {
		t.Fatalf(":rpc shows %s", a.focus.Kind())
	}
	do(a, "nova")
	if r.OsloForm().Exchange != "nova" {
		t.Errorf("typed exchange %q", r.OsloForm().Exchange)
	}
	if !strings.Contains(screen(a), "rpc (oslo.messaging) in vhost /") {
		t.Errorf("title:\n%s", screen(a))
	}
}

// TestPublishRPCGolden pins the whole screen of the publish form and the
// RPC console, reached by their commands.
func TestPublishRPCGolden(t *testing.T) {
	for _, sc := range []struct {
		name string
		keys []string
	}{
		{"publish", []string{":", "publish orders", "enter", "order.eu.created", "tab", "a=1"}},
		{"rpc", []string{":", "rpc", "enter", "nova", "tab", "compute.host1", "tab", "tab", "ping"}},
	} {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				a := newApp(t, size[0], size[1], Options{})
				do(a, sc.keys...)
				golden.RequireEqual(t, screen(a))
			})
		}
	}
}
