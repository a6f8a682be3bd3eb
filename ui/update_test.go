package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/listview"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/views/trace"
)

func TestCommandsNavigate(t *testing.T) {
	for _, tc := range []struct {
		line string
		want common.Kind
	}{
		{"exchanges", common.KindExchanges},
		{"ex", common.KindExchanges},
		{"queues", common.KindQueues},
		{"qu", common.KindQueues},
		{"bi", common.KindBindings},
		{"connections", common.KindConnections},
		{"channels", common.KindChannels},
		{"consumers", common.KindConsumers},
		{"topology", common.KindTopology},
		{"trace", common.KindTrace},
		{"help", common.KindHelp},
		{"overview", common.KindOverview},
		{"bind", common.KindBindings}, // a prefix of one command name
	} {
		a := newApp(t, 80, 24, Options{Start: common.KindQueues})
		if tc.want == common.KindQueues {
			a = newApp(t, 80, 24, Options{})
		}
		do(a, ":", tc.line, "enter")
		if got := a.focus.Kind(); got != tc.want {
			t.Errorf(":%s shows %s, want %s", tc.line, got, tc.want)
		}
	}
}

func TestQuit(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	for _, keys := range [][]string{{":", "q", "enter"}, {":", "quit", "enter"}, {"ctrl+c"}, {":", "qu", "ctrl+c"}} {
		var cmd tea.Cmd
		for _, k := range keys {
			if len([]rune(k)) > 1 && !isSpecial(k) {
				typeText(a, k)
				continue
			}
			cmd = press(a, k)
		}
		if cmd == nil {
			t.Fatalf("%v: no command", keys)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%v does not quit", keys)
		}
		a.mode = modeNormal
	}
}

func TestCommandErrorsAndLaterFeatures(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	for line, want := range map[string]string{
		"nope":          `no command "nope"`,
		"c":             ":c could be :connections, :channels, :consumers",
		"theme":         ":theme needs NAME",
		"theme mauve":   `no theme "mauve"; try dark, light, high-contrast, ansi16`,
		"vhost nowhere": `no vhost "nowhere"; the vhosts are /, staging`,
	} {
		do(a, ":", line, "enter")
		if !strings.Contains(screen(a), want) {
			t.Errorf(":%s: status line lacks %q:\n%s", line, want, screen(a))
		}
	}
	if a.focus.Kind() != common.KindOverview {
		t.Errorf("a failed command moved to %s", a.focus.Kind())
	}
}

func TestCompletion(t *testing.T) {
	a := newApp(t, 80, 24, Options{})
	for in, want := range map[string]string{
		"que": "queues", "qu": "qu", "th": "theme ", "theme l": "theme light", "vh": "vhost ", "vhost s": "vhost staging",
		"c": "c", "con": "con", "topology ord": "topology orders", "zz": "zz",
	} {
		if got := a.complete(in); got != want {
			t.Errorf("complete(%q) = %q, want %q", in, got, want)
		}
	}
	do(a, ":", "que", "tab", "enter")
	if a.focus.Kind() != common.KindQueues {
		t.Errorf("tab then enter shows %s", a.focus.Kind())
	}
}

func TestFilterEnterEscBack(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "qu", "enter", "/", "o.eu")
	q := a.focus.(*listview.Model)
	if shown, total := q.Count(); shown != 1 || total != 10 {
		t.Fatalf("filter o.eu shows %d of %d", shown, total)
	}
	do(a, "enter", "enter")
	if a.focus.Kind() != common.KindDetail || !strings.Contains(screen(a), "queue orders.eu") {
		t.Fatalf("enter on the filtered row: %s\n%s", a.focus.Kind(), screen(a))
	}
	do(a, "esc")
	if a.focus != q || q.Filter() != "o.eu" {
		t.Fatalf("esc goes back to the filtered queues: %s, filter %q", a.focus.Kind(), q.Filter())
	}
	do(a, "esc")
	if q.Filter() != "" || a.focus != q {
		t.Errorf("esc clears the filter first: %q", q.Filter())
	}
	do(a, "esc")
	if a.focus.Kind() != common.KindOverview {
		t.Errorf("then esc goes back: %s", a.focus.Kind())
	}
	do(a, "esc")
	if a.focus.Kind() != common.KindOverview {
		t.Errorf("esc with no history stays: %s", a.focus.Kind())
	}
	// esc in the / prompt clears what was typed.
	do(a, ":", "ex", "enter", "/", "amq", "esc")
	if f := a.focus.(common.Filterable).Filter(); f != "" || a.mode != modeNormal {
		t.Errorf("esc in the prompt: filter %q, mode %d", f, a.mode)
	}
}

func TestKeptViewsKeepTheirState(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "qu", "enter", "j", "j", "S", ":", "ex", "enter", ":", "qu", "enter")
	q := a.focus.(*listview.Model)
	if c, desc := q.Table().Sort(); c != 0 || !desc || q.Table().Cursor() != 7 {
		t.Errorf("queues lost their state: sort %d desc %v cursor %d", c, desc, q.Table().Cursor())
	}
}

func TestRefreshKeepsSelectionAndDropsStaleUpdates(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "qu", "enter", "/", "orders", "enter", "j", "j")
	q := a.focus.(*listview.Model)
	before, _ := q.Table().Selected()
	u := fixture.Updates(1)[0]
	a.Update(pollMsg{id: a.pollID, update: u})
	if after, _ := q.Table().Selected(); after.Key != before.Key {
		t.Errorf("refresh moved the selection from %q to %q", before.Key, after.Key)
	}
	seq := a.data.Seq
	empty := &broker.Snapshot{Kinds: broker.AllKinds}
	a.Update(pollMsg{id: a.pollID - 1, update: broker.Update{Snapshot: empty}})
	if a.data.Seq != seq || q.Table().Total() != 10 {
		t.Error("an update of an old poller was applied")
	}
}

func TestVhostAndTheme(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "vhost staging", "enter", ":", "qu", "enter")
	if !strings.Contains(screen(a), "staging.q") || strings.Contains(screen(a), "orders.eu") {
		t.Errorf("vhost staging shows:\n%s", screen(a))
	}
	do(a, ":", "vhost *", "enter")
	if !strings.Contains(screen(a), "all vhosts") || !strings.Contains(screen(a), "orders.eu") {
		t.Errorf("all vhosts shows:\n%s", screen(a))
	}
	// enter on the overview's vhost table switches too.
	do(a, ":", "ov", "enter", "j", "enter")
	if a.common.Vhost != "staging" {
		t.Errorf("enter on staging: vhost %q", a.common.Vhost)
	}
	styles := a.common.Styles
	do(a, ":", "theme light", "enter")
	if styles.Theme.Name != "light" || a.common.Styles != styles {
		t.Errorf("theme is %s; the styles pointer must stay the same", styles.Theme.Name)
	}
	a.Update(tea.BackgroundColorMsg{})
	if styles.Theme.Name != "light" {
		t.Error("the terminal's background overrode a chosen theme")
	}
}

func TestBackgroundPicksTheTheme(t *testing.T) {
	a, err := New(Options{Backend: &fakeBackend{}})
	if err != nil {
		t.Fatal(err)
	}
	a.Update(tea.BackgroundColorMsg{Color: fixtureWhite{}})
	if a.common.Styles.Theme.Name != "light" {
		t.Errorf("light background gives %s", a.common.Styles.Theme.Name)
	}
	if _, err := New(Options{Theme: "nope"}); err == nil {
		t.Error("an unknown theme is accepted")
	}
}

type fixtureWhite struct{}

func (fixtureWhite) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestMouseAndHelp(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "qu", "enter")
	a.Update(tea.MouseClickMsg{X: 3, Y: headerLines + 4})
	q := a.focus.(*listview.Model)
	if r, _ := q.Table().Selected(); r.Key != common.RowKey("/", "orders.all") {
		t.Errorf("click selected %q", r.Key)
	}
	a.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if q.Table().Cursor() != 6 {
		t.Errorf("wheel: cursor %d", q.Table().Cursor())
	}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 80})
	do(a, "?")
	got := screen(a)
	for _, want := range []string{"r             trace a publish to it", "S             reverse sort", ":queues, :qu", ":publish, :pub", "ctrl+c        quit"} {
		if !strings.Contains(got, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestStatusInHeader(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	for st, want := range map[broker.Status]string{
		{State: broker.StateConnected, ReadOnly: true}: "● read-only",
		{State: broker.StateReconnecting, Attempt: 2}:  "● reconnecting",
		{State: broker.StateDegraded}:                  "● degraded",
	} {
		a.Update(statusMsg{status: st})
		if !strings.Contains(screen(a), want) {
			t.Errorf("header lacks %q", want)
		}
	}
}

func TestTraceFromQueue(t *testing.T) {
	a := newApp(t, 120, 40, Options{})
	do(a, ":", "qu", "enter", "/", "orders.eu", "enter", "r")
	tr := a.focus.(*trace.Model)
	if got := tr.Trace(); got == nil || len(got.Queues) != 1 || got.Queues[0] != "orders.eu" {
		t.Fatalf("r on a queue traces %+v", got)
	}
	// Keys go to the fields while editing: ":" is text, esc stops editing.
	do(a, ":x", "esc")
	if tr.Value(trace.FieldKey) != "orders.eu:x" || a.focus != tr {
		t.Errorf("key field %q, focus %s", tr.Value(trace.FieldKey), a.focus.Kind())
	}
	do(a, "esc")
	if a.focus.Kind() != common.KindQueues {
		t.Errorf("second esc goes back: %s", a.focus.Kind())
	}
}
