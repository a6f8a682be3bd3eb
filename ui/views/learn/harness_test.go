package learn

import (
	"context"
	"testing"
	"time"

	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
)

// wait bounds a step of a lesson test.
const wait = 20 * time.Second

// target is an embedded broker of the test's own for lessons to run on.
func target(t *testing.T) engine.Target {
	t.Helper()
	bus := drive.Start(t)
	return engine.Target{URL: bus.URL, APIURL: bus.APIURL}
}

// driver is a lesson view run by a drive.Driver, as the program would
// run it: the messages for the root (flash, scope, navigation) recorded.
type driver struct {
	*drive.Driver
	t *testing.T
	m *Model
}

func newDriver(t *testing.T, env Env, w, h int) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := drive.Common()
	c.Ctx = ctx
	m := New(c, env)
	m.SetSize(w, h)
	t.Cleanup(func() {
		if cmd := m.Stop(); cmd != nil {
			cmd()
		}
		cancel()
	})
	return &driver{Driver: drive.New(t, m), t: t, m: m}
}

// lessons returns the real lessons.
func lessons(t *testing.T) []engine.Lesson {
	t.Helper()
	ls, err := engine.Load()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}
