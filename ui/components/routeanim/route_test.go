package routeanim

import (
	"fmt"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func router(t testing.TB) *model.Router {
	t.Helper()
	data, err := os.ReadFile("testdata/defs.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.ParseDefinitions("defs.json", data, "/")
	if err != nil {
		t.Fatal(err)
	}
	v, ok := d.Vhost("/")
	if !ok {
		t.Fatal("no vhost / in the definitions")
	}
	return model.NewRouter(*v, model.Options{})
}

func trace(t testing.TB, exchange, key string, near int) model.Trace {
	return router(t).Trace(model.Message{Exchange: exchange, RoutingKey: key}, model.TraceOptions{NearMisses: near})
}

var cases = []struct {
	name, exchange, key string
	near                int
	o                   Options
}{
	// A topic exchange fanning out to two queues and, through an
	// exchange-to-exchange binding, a third; q.eu has a consumer and a
	// dead-letter exchange.
	{"topic-e2e", "logs", "eu.orders", 1, Options{Consumed: map[string]bool{"q.eu": true}}},
	// The alternate exchange takes what orders cannot route.
	{"alternate", "orders", "eu", 0, Options{}},
	// The default exchange, by queue name.
	{"default", "", "q.logs", 0, Options{Consumed: map[string]bool{"q.logs": true}}},
	// Nothing matches: unroutable, with the near miss.
	{"unroutable", "strict", "b", 1, Options{}},
	// No such exchange: refused.
	{"refused", "nope", "k", 0, Options{}},
	// The broker put it somewhere else than the trace says.
	{"delivered-differs", "logs", "us.k", 0, Options{Delivered: []string{}}},
}

// TestFrames pins every step of each route, as plain text.
func TestFrames(t *testing.T) {
	st := styles.New(themes.Dark(), false)
	for _, tc := range cases {
		r := Layout(trace(t, tc.exchange, tc.key, tc.near), tc.o)
		var b strings.Builder
		for step := 0; step <= r.Steps(); step++ {
			fmt.Fprintf(&b, "── step %d of %d\n%s\n", step, r.Steps(), ansi.Strip(Frame(st, r, step, 80)))
		}
		t.Run(tc.name, func(t *testing.T) { golden.RequireEqual(t, b.String()) })
	}
}

// TestFrameStyled pins the colours of a frame mid-way, and NO_COLOR.
func TestFrameStyled(t *testing.T) {
	r := Layout(trace(t, "logs", "eu.orders", 1), Options{Consumed: map[string]bool{"q.eu": true}})
	for _, tc := range []struct {
		name    string
		noColor bool
	}{{"dark", false}, {"no-color", true}} {
		t.Run(tc.name, func(t *testing.T) {
			golden.RequireEqual(t, Frame(styles.New(themes.Dark(), tc.noColor), r, 3, 80))
		})
	}
}

// TestFrameWidth: no line is wider than asked, and the message's dot is
// where the step says.
func TestFrameWidth(t *testing.T) {
	st := styles.New(themes.Dark(), false)
	r := Layout(trace(t, "logs", "eu.orders", 1), Options{})
	for step := 0; step <= r.Steps(); step++ {
		for _, w := range []int{20, 40, 80} {
			for _, l := range strings.Split(Frame(st, r, step, w), "\n") {
				if got := ansi.StringWidth(l); got > w {
					t.Fatalf("step %d width %d: line %q is %d wide", step, w, ansi.Strip(l), got)
				}
			}
		}
		plain := ansi.Strip(Frame(st, r, step, 200))
		dots := strings.Count(plain, dot)
		if step < r.Steps() && dots == 0 {
			t.Errorf("step %d: the message is nowhere:\n%s", step, plain)
		}
		if step == r.Steps() && dots != 0 {
			t.Errorf("final frame still moves:\n%s", plain)
		}
	}
}

// TestHostileNames: escape sequences in names are shown escaped.
func TestHostileNames(t *testing.T) {
	tr := model.Trace{
		Exchange: "x\x1b[31m", RoutingKey: "k\x07", Queues: []string{"q\x1b]0;t\x07"},
		Hops: []model.Hop{{Exchange: "x\x1b[31m", Type: "direct", Parent: -1, Via: model.ViaPublish, Bindings: []model.BindingCheck{
			{BindingRef: model.BindingRef{Source: "x\x1b[31m", Destination: "q\x1b]0;t\x07", DestinationType: "queue", RoutingKey: "k\x07"}, Matched: true, Outcome: model.OutcomeQueue},
		}}},
	}
	r := Layout(tr, Options{})
	out := Frame(styles.New(themes.Dark(), true), r, r.Steps(), 200)
	if strings.ContainsAny(ansi.Strip(out), "\x1b\x07") {
		t.Fatalf("control characters reached the frame: %q", ansi.Strip(out))
	}
}

// TestPlay runs the ticks: the model walks every step, stops on the
// final frame, and plays a route queued meanwhile after it.
func TestPlay(t *testing.T) {
	m := New(styles.New(themes.Dark(), false))
	if m.View(80) != "" || !m.Empty() {
		t.Fatal("a new model should draw nothing")
	}
	first := trace(t, "logs", "eu.orders", 0)
	second := trace(t, "orders", "eu", 0)
	cmd := m.Play(first, Options{})
	if cmd == nil || !m.Playing() {
		t.Fatal("Play should start ticking")
	}
	if m.Play(second, Options{}) != nil {
		t.Fatal("a second Play while playing should wait its turn")
	}
	steps1 := Layout(first, Options{}).Steps()
	var frames []string
	ticks := 0
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(TickMsg); !ok {
			t.Fatalf("got %T, want a TickMsg", msg)
		}
		frames = append(frames, ansi.Strip(m.View(80)))
		cmd = m.Update(msg)
		ticks++
		if ticks > 100 {
			t.Fatal("the animation never stops")
		}
	}
	steps2 := Layout(second, Options{}).Steps()
	if want := steps1 + hold + steps2; ticks != want {
		t.Errorf("played %d ticks, want %d (%d steps, hold %d, %d steps)", ticks, want, steps1, hold, steps2)
	}
	if m.Playing() {
		t.Error("still playing at the end")
	}
	final := ansi.Strip(m.View(80))
	if !strings.Contains(final, "exchange unrouted (fanout)") || strings.Contains(final, dot) {
		t.Errorf("the last frame should be the second route, still:\n%s", final)
	}
	if !strings.Contains(frames[0], dot+" producer") {
		t.Errorf("the first frame should show the message at the producer:\n%s", frames[0])
	}
	// A stale tick of an earlier route does nothing.
	if m.Update(TickMsg{id: m.id, gen: m.gen - 1}) != nil {
		t.Error("a stale tick restarted the animation")
	}
	var _ tea.Msg = TickMsg{}
}
