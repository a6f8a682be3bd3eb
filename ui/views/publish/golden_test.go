package publish_test

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// terminals are the screen sizes of the goldens; the view gets the
// screen less the header (2 lines) and the status line (1).
var terminals = [][2]int{{80, 24}, {160, 48}}

// TestGolden pins the form's content on the fixture's topology: empty,
// and filled in from an exchange with completions and a JSON error. The
// fixture has no broker session, so the form says it cannot publish.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		fill func(m *publish.Model)
	}{
		{"empty", func(*publish.Model) {}},
		{"filled", func(m *publish.Model) {
			m.Open(common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "orders"}})
			drive.Type(m, "order.eu")
			m.SetField(publish.FieldHeaders, "x-tenant=acme\nx-trace=on")
			m.SetField(publish.FieldProp, "application/json")
			m.SetField(publish.FieldProp+2, "2")
			m.SetField(publish.FieldBody, "{\n  \"id\": 7,\n  \"items\": [1, 2,]\n}")
		}},
	} {
		for _, size := range terminals {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				m := publish.New(fixture.Common())
				m.SetSize(size[0], size[1]-3)
				tc.fill(m)
				golden.RequireEqual(t, screen(m))
			})
		}
	}
}
