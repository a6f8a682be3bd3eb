package drive

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Viewer is a view that draws itself.
type Viewer interface {
	Updater
	View() string
}

// Common returns the views' shared state in the dark theme on vhost "/",
// with no session, holding the updates given (none: no data yet).
func Common(updates ...broker.Update) *common.Common {
	c := &common.Common{Styles: styles.New(themes.Dark(), false), Data: &common.Data{}, Vhost: "/"}
	for _, u := range updates {
		c.Data.Apply(u)
	}
	return c
}

// Size is a terminal size goldens are taken at: its name, and the size
// of a view's body in it (the root's header and footer take 3 lines).
type Size struct {
	Name string
	W, H int
}

// Sizes are the terminal sizes of the views' goldens: 80×24 and 160×48.
var Sizes = []Size{{"80x24", 80, 21}, {"160x48", 160, 45}}

// Golden compares the view's screen, as plain text, with the test's
// golden file (go test -update rewrites it).
func Golden(t *testing.T, v Viewer) {
	t.Helper()
	golden.RequireEqual(t, ansi.Strip(v.View()))
}

// BenchKeys measures keystrokes (see Keys) pressed in turn, each from
// the message to the drawn frame.
func BenchKeys(b *testing.B, v Viewer, keys ...string) {
	ks := Keys(keys...)
	for i := 0; b.Loop(); i++ {
		v.Update(ks[i%len(ks)])
		_ = v.View()
	}
}
