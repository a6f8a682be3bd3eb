package exchanges

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

// TestAllVhostsShowVhost is the QA bug: with :vhost * the lists had no
// VHOST column, so amq.topic of "/" and of "staging" looked the same. A
// list of every vhost has the column first; one vhost's list has not.
func TestAllVhostsShowVhost(t *testing.T) {
	c := fixture.Common()
	c.Vhost = ""
	v := New(c)
	v.SetSize(120, 40)
	v.SetFilter("amq.topic")
	lines := strings.Split(ansi.Strip(v.View()), "\n")
	if !strings.HasPrefix(strings.TrimSpace(lines[0]), "VHOST") {
		t.Fatalf("no VHOST column first: %q", lines[0])
	}
	var seen []string
	row := regexp.MustCompile(`^\s*(\S+)\s+amq\.topic\s`)
	for _, l := range lines[1:] {
		if m := row.FindStringSubmatch(l); m != nil {
			seen = append(seen, m[1])
		}
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Errorf("amq.topic rows by vhost: %v\n%s", seen, strings.Join(lines, "\n"))
	}
	// Back to one vhost: the column goes.
	c.Vhost = "/"
	v.Update(common.RefreshMsg{})
	if h := ansi.Strip(strings.Split(v.View(), "\n")[0]); strings.Contains(h, "VHOST") {
		t.Errorf("one vhost's list has a VHOST column: %q", h)
	}
}
