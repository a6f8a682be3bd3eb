package trace

import (
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// WordSpan is one word of a topic binding key and the routing key words
// it took (see model.AlignTopic), with how the trace view shows it.
type WordSpan model.TopicSpan

// Wildcard reports whether the part is `*` or `#`.
func (s WordSpan) Wildcard() bool { return s.Part == "*" || s.Part == "#" }

// Took is the words the part took, joined as in a key; "∅" for none.
func (s WordSpan) Took() string {
	if len(s.Words) == 0 {
		return "∅"
	}
	return strings.Join(s.Words, ".")
}

// AlignTopic lines a topic binding key up with a routing key it matches,
// as model.AlignTopic does. ok is false when the keys do not match.
func AlignTopic(pattern, key string) ([]WordSpan, bool) {
	spans, ok := model.AlignTopic(pattern, key)
	if !ok {
		return nil, false
	}
	out := make([]WordSpan, len(spans))
	for i, s := range spans {
		out[i] = WordSpan(s)
	}
	return out, true
}

// allBytes is the offsets of every byte of s: an exact match.
func allBytes(s string) []int {
	out := make([]int, len(s))
	for i := range out {
		out[i] = i
	}
	return out
}
