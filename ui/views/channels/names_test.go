package channels

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/components/table"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestNamesTellRowsApart is the QA bug: at 80 columns every channel read
// "127.0.0.1:37588 -> 127.0.0.…". The name column keeps the client's
// port and the channel number when the whole name does not fit, and the
// whole name when it does.
func TestNamesTellRowsApart(t *testing.T) {
	var rows []table.Row
	for _, n := range []string{
		"127.0.0.1:37588 -> 127.0.0.1:5672 (1)",
		"127.0.0.1:37588 -> 127.0.0.1:5672 (2)",
		"127.0.0.1:41002 -> 127.0.0.1:5672 (1)",
	} {
		rows = append(rows, Row(broker.Channel{Vhost: "/", Name: n, User: "guest", State: "running"}, broker.Rates{}))
	}
	st := fixture.Common().Styles
	for _, tc := range []struct {
		w    int
		want []string
	}{
		{80, []string{"127.0.0.1:37588 (1)", "127.0.0.1:37588 (2)", "127.0.0.1:41002 (1)"}},
		{160, []string{"127.0.0.1:37588 -> 127.0.0.1:5672 (1)", "127.0.0.1:37588 -> 127.0.0.1:5672 (2)", "127.0.0.1:41002 -> 127.0.0.1:5672 (1)"}},
	} {
		tb := table.New(Columns())
		tb.SetSize(tc.w, 10)
		tb.SetRows(rows)
		lines := strings.Split(ansi.Strip(tb.View(st)), "\n")
		for i, want := range tc.want {
			if !strings.Contains(lines[i+1], want+" ") {
				t.Errorf("%d columns, row %d: %q lacks %q", tc.w, i, lines[i+1], want)
			}
		}
	}
}

func TestTruncateMiddleKeepsTheTail(t *testing.T) {
	if got := table.TruncateMiddle("127.0.0.1:37588 (12)", 16); !strings.HasSuffix(got, "37588 (12)") || ansi.StringWidth(got) != 16 {
		t.Errorf("TruncateMiddle = %q (width %d)", got, ansi.StringWidth(got))
	}
}
