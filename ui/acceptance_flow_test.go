package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/demo"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// flowWait bounds one step of a flow: generous, for -race on a loaded
// 2-core machine; a step that works takes milliseconds to a refresh.
const flowWait = 30 * time.Second

// screenFeed is an io.Reader of the running program's screens for
// teatest.WaitFor: each round of reads gives the screen as the program
// draws it when the probe's turn comes, then io.EOF; a screen like the
// last is given as nothing, so WaitFor's record of the screens it saw
// stays short.
type screenFeed struct {
	p       *screenProbe
	tm      *teatest.TestModel
	pending []byte
	last    string
	served  bool
}

// screenSep ends each screen in what WaitFor reads.
const screenSep = "\n\f\n"

func (f *screenFeed) Read(b []byte) (int, error) {
	if len(f.pending) == 0 {
		if f.served {
			f.served = false
			return 0, io.EOF
		}
		f.served = true
		if s := f.screen(); s != f.last {
			f.last = s
			f.pending = []byte(s + screenSep)
		}
	}
	n := copy(b, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// screen asks the program for its screen and waits for the answer; if
// the program is too busy to answer in time, the last one seen stands.
func (f *screenFeed) screen() string {
	f.tm.Send(probeMsg{})
	select {
	case <-f.p.seen:
	case <-time.After(5 * time.Second):
	}
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	return f.p.latest
}

// runApp runs the app in teatest at w×h, and returns it with a feed of
// its screens for waitScreen.
func runApp(t *testing.T, a *App, w, h int) (*teatest.TestModel, *screenFeed) {
	t.Helper()
	p := &screenProbe{seen: make(chan struct{}, 1)}
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(tea.WithFilter(p.filter)))
	return tm, &screenFeed{p: p, tm: tm}
}

// sendKeys sends keys to the program as a user types them (see
// drive.Keys).
func sendKeys(tm *teatest.TestModel, names ...string) {
	for _, k := range drive.Keys(names...) {
		tm.Send(k)
	}
}

// waitScreen waits with teatest.WaitFor until the latest screen holds
// every one of want; f.last is that screen after.
func waitScreen(t *testing.T, f *screenFeed, want ...string) {
	t.Helper()
	f.last, f.pending, f.served = "", nil, false // the first read gives the screen as it is
	teatest.WaitFor(t, f, func(seen []byte) bool {
		if i := bytes.LastIndex(seen[:max(len(seen)-len(screenSep), 0)], []byte(screenSep)); i >= 0 {
			seen = seen[i+len(screenSep):]
		}
		for _, w := range want {
			if !bytes.Contains(seen, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(flowWait), teatest.WithCheckInterval(50*time.Millisecond))
}

// TestAcceptanceFlow is the flow, keys only, on the embedded
// broker with the demo bus running: start → :queues → / filter → enter
// (the queue's detail) → :trace an exchange and a key, see the route →
// :tap the exchange → :publish to it, fill the key and the body, ctrl+s,
// confirmed → esc back to the tap, and the message is there.
func TestAcceptanceFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo bus")
	}
	bus := drive.Start(t)
	bus.Demo(t, demo.Options{Seed: 7}) // as kaiten starts it with no broker configured
	a, err := New(Options{Backend: bus.Session, Broker: "embedded demo broker", Theme: "dark", Vhost: "/", Refresh: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tm, f := runApp(t, a, 140, 40)
	keys := func(names ...string) { sendKeys(tm, names...) }

	waitScreen(t, f, "● connected", "embedded demo broker")
	keys(":queues", "enter")
	waitScreen(t, f, "queues [", "billing", "dead.letters")
	keys("/audit")
	waitScreen(t, f, "queues [1 of ", "/audit")
	if strings.Contains(f.last, "billing") || strings.Contains(f.last, "dead.letters") {
		t.Errorf("the filter /audit still lists other queues:\n%s", f.last)
	}
	keys("enter", "enter")
	waitScreen(t, f, "queue audit", "ingress")

	keys(":trace", "enter")
	waitScreen(t, f, "trace in vhost /")
	keys("ingress", "tab", "audit.kaiten.flow")
	waitScreen(t, f, "queues (1): `audit`", "→ queue `audit`")

	keys("esc") // stop editing the probe, so that : is a command again
	waitScreen(t, f, "enter/i edit the probe")
	keys(":tap ingress", "enter")
	waitScreen(t, f, "● tapping exchange ingress in vhost /")

	keys(":publish ingress", "enter")
	waitScreen(t, f, "publish in vhost /", "ingress")
	keys("audit.kaiten.flow")
	for range publish.FieldBody - publish.FieldKey {
		keys("tab")
	}
	keys(`{"flow": "acceptance"}`)
	waitScreen(t, f, "✓ valid JSON")
	keys("ctrl+s")
	waitScreen(t, f, "✓ confirmed: 1 message to ingress with key \"audit.kaiten.flow\"")

	keys("esc", "esc")
	waitScreen(t, f, "● tapping exchange ingress", "audit.kaiten.flow", `{"flow": "acceptance"}`)
	if strings.Contains(f.last, "publish in vhost") {
		t.Errorf("esc esc should leave the publish form:\n%s", f.last)
	}

	keys("ctrl+c")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
