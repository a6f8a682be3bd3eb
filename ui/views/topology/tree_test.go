package topology

import (
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

func text(ls []Line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Prefix + l.Text)
		if l.Note != "" {
			b.WriteString(" " + l.Note)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestTreeOfOrders(t *testing.T) {
	got := text(Tree(fixture.Snapshot(), "/", "orders"))
	want := `⬢ orders (topic)
├─ "order.#" ⇒ exchange audit
│  └─ ⬢ audit (fanout)
│     └─ → queue audit.log
├─ "order.#" → queue orders.all
├─ "order.eu.*" → queue orders.eu
│  └─ ☠ dead-letters to orders.dlx (argument x-dead-letter-exchange)
│     └─ ⬢ orders.dlx (fanout)
│        └─ → queue orders.dead
├─ "order.us.*" → queue orders.us
└─ ⇢ alternate exchange orders.unrouted (argument alternate-exchange)
   └─ ⬢ orders.unrouted (fanout)
      └─ → queue orders.unrouted
`
	if got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

func TestTreeEdgesHaveTheirTones(t *testing.T) {
	tones := map[string]styles.Tone{}
	for _, l := range Tree(fixture.Snapshot(), "/", "orders") {
		tones[strings.Fields(l.Text)[0]] = l.Tone
	}
	if tones["⇢"] != styles.Alternate || tones["☠"] != styles.DeadLetter || tones["⬢"] != styles.Exchange {
		t.Errorf("edge tones: %v", tones)
	}
}

func TestForestAndMissing(t *testing.T) {
	got := text(Forest(fixture.Snapshot(), "/"))
	for _, want := range []string{"⬢ orders (topic)", "⬢ nova (topic)", `[priority=5 region="eu" x-match="any"] → queue orders.all`} {
		if !strings.Contains(got, want) {
			t.Errorf("forest lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "⬢ amq.direct") {
		t.Errorf("forest shows a built-in exchange with no bindings:\n%s", got)
	}
	if got := text(Tree(fixture.Snapshot(), "/", "nope")); got != "no exchange nope in vhost /\n" {
		t.Errorf("missing exchange: %q", got)
	}
}
