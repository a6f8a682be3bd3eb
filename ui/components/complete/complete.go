// Package complete finds completions for the fields of the forms that
// act on the bus (publish, RPC) in the live topology: exchange names,
// binding keys, and fuzzy matches of what was typed.
package complete

import (
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/sahilm/fuzzy"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// ExchangeNames lists the named exchanges of a vhost, in the snapshot's
// order.
func ExchangeNames(s *broker.Snapshot, vhost string) []string {
	var out []string
	for _, x := range s.Exchanges {
		if x.Vhost == vhost && x.Name != "" {
			out = append(out, x.Name)
		}
	}
	return out
}

// BindingKeys lists the routing keys an exchange of a vhost is bound
// with, in the snapshot's order and with repeats (Match drops them); for
// the default exchange (""), the queue names, since it routes by queue
// name. It makes one pass, so that a snapshot of 100,000 bindings costs
// little per keystroke.
func BindingKeys(s *broker.Snapshot, vhost, exchange string) []string {
	var out []string
	if exchange == "" {
		for _, q := range s.Queues {
			if q.Vhost == vhost {
				out = append(out, q.Name)
			}
		}
		return out
	}
	for _, b := range s.Bindings {
		if b.Vhost == vhost && b.Source == exchange && b.RoutingKey != "" {
			out = append(out, b.RoutingKey)
		}
	}
	return out
}

// Match returns up to n distinct names that text matches: for no text
// the first n, sorted; else the exact name first, then the names that
// start with text, then those that hold it, each group sorted, and only
// when those are fewer than n, fuzzy matches, best first (among at most
// MaxFuzzy names).
func Match(text string, names []string, n int) []string {
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	add := func(s string) {
		if len(out) < n && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if text == "" {
		for _, s := range names {
			if len(out) == n {
				break
			}
			add(s)
		}
		slices.Sort(out)
		return out
	}
	if slices.Contains(names, text) {
		add(text)
	}
	start := len(out)
	for _, s := range names {
		if len(out) == n {
			break
		}
		if strings.HasPrefix(s, text) {
			add(s)
		}
	}
	slices.Sort(out[start:])
	if len(out) == n {
		return out
	}
	start = len(out)
	for _, s := range names {
		if len(out) == n {
			break
		}
		if strings.Contains(s, text) {
			add(s)
		}
	}
	slices.Sort(out[start:])
	if len(out) == n || len(names) > MaxFuzzy {
		return out
	}
	for _, f := range fuzzy.Find(text, names) {
		add(f.Str)
	}
	return out
}

// MaxFuzzy is how many names Match searches fuzzily; past it, a fuzzy
// search costs more than a keystroke may (30 ms for 100,000 keys), and
// Match keeps to prefixes and substrings.
const MaxFuzzy = 20_000

// Cache keeps a list of names built from one snapshot for one purpose
// (the keys of one exchange), so that keystrokes reuse it until the
// snapshot or the purpose changes.
type Cache struct {
	seq   uint64
	key   string
	names []string
	ok    bool
}

// Get returns the names for snapshot seq and key, building them when
// either changed.
func (c *Cache) Get(seq uint64, key string, build func() []string) []string {
	if !c.ok || c.seq != seq || c.key != key {
		c.seq, c.key, c.names, c.ok = seq, key, build(), true
	}
	return c.names
}

// Cycler steps through a field's completions with ↑ and ↓, keeping the
// list as it was when the user last typed.
type Cycler struct {
	// Cands are the completions; Sel the chosen one, -1 for none.
	Cands []string
	Sel   int
}

// Set replaces the completions after an edit; none is chosen.
func (c *Cycler) Set(cands []string) { c.Cands, c.Sel = cands, -1 }

// Step chooses the next (d=1) or previous (d=-1) completion and returns
// it; ok is false when there is none.
func (c *Cycler) Step(d int) (string, bool) {
	if len(c.Cands) == 0 {
		return "", false
	}
	if c.Sel < 0 && d < 0 {
		c.Sel = 0
	}
	c.Sel = ((c.Sel+d)%len(c.Cands) + len(c.Cands)) % len(c.Cands)
	return c.Cands[c.Sel], true
}

// View draws the completions in a line of width cells, as many as fit,
// each in tone and the chosen one in selected; names are made printable.
func (c Cycler) View(tone, selected lipgloss.Style, width int) string {
	var b strings.Builder
	used := 0
	for i, name := range c.Cands {
		s := " " + common.Clean(name) + " "
		if used+common.Width(s) > width {
			break
		}
		used += common.Width(s)
		if i == c.Sel {
			b.WriteString(selected.Render(s))
		} else {
			b.WriteString(tone.Render(s))
		}
	}
	return b.String()
}
