package rpc_test

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

// terminals are the screen sizes of the goldens; the view gets the
// screen less the header (2 lines) and the status line (1).
var terminals = [][2]int{{80, 24}, {160, 48}}

// TestGolden pins the console's content on the fixture's topology: oslo
// mode with the targets found and completions offered, and plain AMQP.
// The fixture has no broker session, so the console says it cannot call.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		fill func(m *rpc.Model)
	}{
		{"oslo", func(m *rpc.Model) {
			drive.Type(m, "tab", "comp")
		}},
		{"oslo-filled", func(m *rpc.Model) {
			drive.Type(m, "nova", "tab", "compute.host1", "tab", "tab", "ping", "tab", `{"arg": "kaiten"}`)
			m.Esc()
		}},
		{"amqp", func(m *rpc.Model) {
			drive.Type(m, "ctrl+o", "orders", "tab", "order.eu.created", "tab", `{"id": 7}`)
		}},
	} {
		for _, size := range terminals {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				m := rpc.New(fixture.Common())
				m.SetSize(size[0], size[1]-3)
				tc.fill(m)
				golden.RequireEqual(t, screen(m))
			})
		}
	}
}
