package ui

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// Names a broker may hold: escape sequences that clear the screen, set
// the title or ring the bell, wide runes, invalid UTF-8, format
// characters that reorder text, and a megabyte.
var hostile = []string{
	"evil\x1b[2J\x1b[H\x1b]0;pwned\x07",
	"全角キュー名前がとても長いのでテーブルを壊すかもしれない",
	"bad\xff\xfeutf8\xc3",
	"rtl\u202eesrever\u2066",
	"nul\x00and\r\nnewline",
	strings.Repeat("m", 1<<20),
}

// hostileSnapshot is the fixture with hostile objects added to vhost /.
func hostileSnapshot() *broker.Snapshot {
	s := fixture.Snapshot()
	for _, n := range hostile {
		s.Exchanges = append(s.Exchanges, broker.Exchange{
			Vhost: "/", Name: n, Type: "topic", Policy: n,
			Arguments: model.Table{n: model.String(n), "alternate-exchange": model.String(n)},
		})
		s.Queues = append(s.Queues, broker.Queue{
			Vhost: "/", Name: n, Type: "classic", State: n, Policy: n,
			Arguments: model.Table{"x-dead-letter-exchange": model.String(n)},
		})
		s.Bindings = append(s.Bindings, broker.Binding{
			Vhost: "/", Source: n, Destination: n, DestinationType: "queue",
			RoutingKey: n, Arguments: model.Table{n: model.String(n)}, PropertiesKey: n,
		})
		s.Connections = append(s.Connections, broker.Connection{Vhost: "/", Name: n, User: n, ClientName: n, State: n})
		s.Channels = append(s.Channels, broker.Channel{Vhost: "/", Name: n, User: n, Connection: n, State: n})
		s.Consumers = append(s.Consumers, broker.Consumer{Vhost: "/", Queue: n, Tag: n, Channel: n, ActivityStatus: n})
	}
	s.Overview.ClusterName = hostile[0]
	s.Overview.Listeners = append(s.Overview.Listeners, broker.Listener{Protocol: hostile[0], IPAddress: hostile[2]})
	return s
}

// sgr matches the styling sequences kaiten itself writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// checkScreen fails when a screen holds anything but styled text of
// exactly the screen's size.
func checkScreen(t *testing.T, name, out string, w, h int) {
	t.Helper()
	if len(out) > 200_000 {
		t.Errorf("%s: the screen is %d bytes: a long name reached the terminal", name, len(out))
	}
	bare := sgr.ReplaceAllString(out, "")
	for _, r := range bare {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\uFFFD') {
			t.Errorf("%s: the screen holds %U", name, r)
			return
		}
	}
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", name, len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("%s: line %d is %d wide, want %d: %q", name, i, got, w, ansi.Strip(l))
			return
		}
	}
}

func TestHostileNamesAreDrawnSafely(t *testing.T) {
	extra := []struct {
		name string
		keys []string
	}{
		{"detail-hostile-queue", []string{":", "qu", "enter", "/", "evil", "enter", "enter"}},
		{"detail-hostile-exchange", []string{":", "ex", "enter", "/", "mmmmmm", "enter", "enter"}},
		{"detail-hostile-binding", []string{":", "bi", "enter", "/", "rtl", "enter", "enter"}},
		{"topology-hostile", []string{":", "ex", "enter", "/", "bad", "enter", "t"}},
		{"trace-hostile", []string{":", "trace", "enter", "evil", "tab", "全角"}},
		{"connections-sorted", []string{":", "co", "enter", "S"}},
	}
	cases := append(screens[:len(screens):len(screens)], extra...)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range cases {
			a := newApp(t, size[0], size[1], Options{})
			a.Update(pollMsg{id: a.pollID, update: broker.Update{Snapshot: hostileSnapshot()}})
			do(a, sc.keys...)
			checkScreen(t, sc.name, a.render(), size[0], size[1])
		}
	}
}

func TestHostileNamesAreShownEscaped(t *testing.T) {
	a := newApp(t, 200, 60, Options{})
	a.Update(pollMsg{id: a.pollID, update: broker.Update{Snapshot: hostileSnapshot()}})
	do(a, ":", "qu", "enter")
	got := screen(a)
	for _, want := range []string{`evil\x1b[2J\x1b[H\x1b]0;pwned\x07`, `bad\xff\xfeutf8\xc3`, `rtl\u202eesrever\u2066`, "全角キュー名前が", "mmmmmmmm…"} {
		if !strings.Contains(got, want) {
			t.Errorf("the queues list does not show %q:\n%s", want, got)
		}
	}
}
