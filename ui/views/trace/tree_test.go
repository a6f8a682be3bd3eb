package trace

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func TestAlignTopic(t *testing.T) {
	for _, tc := range []struct {
		pattern, key string
		want         string // part=words, "!" for no match
	}{
		{"eu.*.orders", "eu.de.orders", "eu=eu *=de orders=orders"},
		{"#", "a.b.c", "#=a.b.c"},
		{"a.#", "a", "a=a #=∅"},
		{"#.b.#", "a.b.c.b", "#=a b=b #=c.b"},
		{"*.*", "a.b", "*=a *=b"},
		{"", "", ""},
		{"a.*", "a", "!"},
		{"a.b", "a.c", "!"},
		{"a..b", "a..b", "a=a = b=b"},
	} {
		spans, ok := AlignTopic(tc.pattern, tc.key)
		got := "!"
		if ok {
			parts := make([]string, len(spans))
			for i, s := range spans {
				parts[i] = s.Part + "=" + s.Took()
				if s.Took() == "∅" && len(s.Words) != 0 {
					t.Errorf("%q: an empty word shown as none", tc.pattern)
				}
			}
			got = strings.Join(parts, " ")
		}
		if got != tc.want {
			t.Errorf("AlignTopic(%q, %q) = %q, want %q", tc.pattern, tc.key, got, tc.want)
		}
		// It agrees with the model's own matcher.
		if ok2, _ := model.ExplainTopic(tc.pattern, tc.key); ok2 != ok {
			t.Errorf("AlignTopic(%q, %q) ok %v, ExplainTopic says %v", tc.pattern, tc.key, ok, ok2)
		}
	}
}

// column returns the display column where sub starts in line.
func column(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return -1
	}
	return ansi.StringWidth(line[:i])
}

// TestMatchedWordsAreShown: a matched topic binding is drawn as its key
// over the routing key, word under word, with what each wildcard took;
// the wildcard's words are highlighted.
func TestMatchedWordsAreShown(t *testing.T) {
	c := fixture.Common()
	m := New(c, exchangeRef("/", "orders"))
	m.SetSize(100, 30)
	typeIn(m, "order.eu.created")
	lines := strings.Split(view(m), "\n")
	var top, bottom string
	for i, l := range lines {
		if strings.Contains(l, "✓ order . eu . *") {
			top, bottom = l, lines[i+1]
		}
	}
	if top == "" || !strings.Contains(top, "→ queue `orders.eu`") || !strings.Contains(bottom, "order . eu . created") || !strings.Contains(bottom, "`*`→`created`") {
		t.Fatalf("the matched words are not drawn:\n%s", view(m))
	}
	if column(top, "*") != column(bottom, "created") || column(top, "eu") != column(bottom, "eu") {
		t.Errorf("the words are not aligned:\n%s\n%s", top, bottom)
	}
	if !strings.Contains(m.View(), c.Styles.Highlight.Render("created")) {
		t.Error("the words `*` took are not highlighted")
	}
	// Too narrow for the two lines: the explanation, wrapped.
	m.SetSize(40, 30)
	if got := view(m); !strings.Contains(got, "✓ `order.eu.*` → queue") || !strings.Contains(got, "took") {
		t.Errorf("narrow fallback:\n%s", got)
	}
}

// TestBranchesDrawnApart: alternate-exchange edges are dashed and
// dead-letter branches hang off their own rule, so they read apart from
// bindings without colour.
func TestBranchesDrawnApart(t *testing.T) {
	m := New(fixture.Common(), exchangeRef("/", "orders"))
	m.SetSize(120, 30)
	typeIn(m, "refund")
	got := view(m)
	for _, want := range []string{
		"└┄ ⇢ alternate exchange `orders.unrouted` (argument alternate-exchange): taken",
		"   └┄ `orders.unrouted` (fanout)",
		"├─ ✗ `order.#` → exchange `audit`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	for range len("refund") {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeIn(m, "order.eu.x")
	got = view(m)
	if !strings.Contains(got, "☠ if dead-lettered from `orders.eu`") || !strings.Contains(got, "╎ rejected, expired, maxlen → `orders.dead`") {
		t.Errorf("dead-letter branch:\n%s", got)
	}
	// Every row of the tree says what it is through its kind.
	for _, r := range Rows(m.Trace()) {
		if r.Kind == model.LineDeadLetter && !strings.ContainsAny(r.Prefix, "☠╎") {
			t.Errorf("dead-letter row without its rule: %+v", r)
		}
		if r.Kind == model.LineAlternate && !strings.Contains(r.Prefix, "┄") {
			t.Errorf("alternate row without a dashed edge: %+v", r)
		}
	}
}

// TestPickerHighlightsMatchedLetters: the exchange picker is a fuzzy
// list too, and shows the letters typed in the highlight style.
func TestPickerHighlightsMatchedLetters(t *testing.T) {
	c := fixture.Common()
	m := New(c, common.Ref{})
	m.SetSize(100, 30)
	typeIn(m, "ordr")
	out := m.View()
	hl := c.Styles.Highlight.Inherit(c.Styles.Selected)
	if !strings.Contains(out, hl.Render("ord")) || !strings.Contains(out, hl.Render("r")) {
		t.Errorf("the picker does not highlight the typed letters:\n%q", out)
	}
	if got := highlight("a\x1bb", []int{0}, c.Styles.Rule, c.Styles.Highlight); strings.Contains(got, "\x1bb") || ansi.Strip(got) != common.Name("a\x1bb") {
		t.Errorf("a hostile name reached the terminal: %q", got)
	}
}

// TestDefaultExchangeNames: a queue named by the empty key is `""`, not
// "the default exchange", which names only the exchange.
func TestDefaultExchangeNames(t *testing.T) {
	m := New(fixture.Common(), common.Ref{})
	m.SetSize(120, 30)
	got := view(m)
	if !strings.Contains(got, "publish to the default exchange (direct)") || !strings.Contains(got, "→ queue \"\":") {
		t.Errorf("default exchange probe:\n%s", got)
	}
}

// TestTapQueuesMarked: a kaiten tap's queue on the route is said to be
// one, in the bindings and in the queue list; other queues are not.
func TestTapQueuesMarked(t *testing.T) {
	tap := broker.TapQueuePrefix + "0123abcd"
	v := model.Vhost{
		Exchanges: []model.Exchange{{Name: "logs", Type: model.ExchangeFanout}},
		Queues:    []model.Queue{{Name: "audit"}, {Name: tap}},
		Bindings: []model.Binding{
			{Source: "logs", Destination: "audit", DestinationType: model.DestQueue},
			{Source: "logs", Destination: tap, DestinationType: model.DestQueue},
		},
	}
	tr := model.NewRouter(v, model.Options{}).Trace(model.Message{Exchange: "logs", RoutingKey: "k"}, model.TraceOptions{})
	var all []string
	for _, r := range Rows(&tr) {
		all = append(all, r.Text)
	}
	got := strings.Join(all, "\n")
	if strings.Count(got, "`"+tap+"` (a kaiten tap)") != 2 || strings.Contains(got, "`audit` (a kaiten tap)") {
		t.Errorf("tap queue marks:\n%s", got)
	}
}
