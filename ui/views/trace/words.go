package trace

import (
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// WordSpan is one word of a topic binding key and the routing key words
// it took: a literal takes itself, `*` one word, `#` any number.
type WordSpan struct {
	Part  string
	Words []string
}

// Wildcard reports whether the part is `*` or `#`.
func (s WordSpan) Wildcard() bool { return s.Part == "*" || s.Part == "#" }

// Took is the words the part took, joined as in a key; "∅" for none.
func (s WordSpan) Took() string {
	if len(s.Words) == 0 {
		return "∅"
	}
	return strings.Join(s.Words, ".")
}

// AlignTopic lines a topic binding key up with a routing key it matches:
// which key words each binding word took. Where `#` could take more or
// fewer words it takes the fewest, as model.ExplainTopic says. ok is
// false when the keys do not match.
func AlignTopic(pattern, key string) ([]WordSpan, bool) {
	p, k := model.SplitTopic(pattern), model.SplitTopic(key)
	m := matchTable(p, k)
	if !m[0][0] {
		return nil, false
	}
	spans := make([]WordSpan, 0, len(p))
	j := 0
	for i, w := range p {
		switch w {
		case "#":
			end := j
			for !m[i+1][end] {
				end++
			}
			spans = append(spans, WordSpan{Part: w, Words: k[j:end]})
			j = end
		default:
			spans = append(spans, WordSpan{Part: w, Words: k[j : j+1]})
			j++
		}
	}
	return spans, true
}

// matchTable returns m where m[i][j] says whether p[i:] matches k[j:].
func matchTable(p, k []string) [][]bool {
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(k)+1)
	}
	m[len(p)][len(k)] = true
	for i := len(p) - 1; i >= 0; i-- {
		for j := len(k); j >= 0; j-- {
			switch {
			case p[i] == "#":
				m[i][j] = m[i+1][j] || (j < len(k) && m[i][j+1])
			case j < len(k) && (p[i] == "*" || p[i] == k[j]):
				m[i][j] = m[i+1][j+1]
			}
		}
	}
	return m
}

// allBytes is the offsets of every byte of s: an exact match.
func allBytes(s string) []int {
	out := make([]int, len(s))
	for i := range out {
		out[i] = i
	}
	return out
}
