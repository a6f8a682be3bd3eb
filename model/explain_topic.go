package model

import (
	"fmt"
	"strings"
)

// ExplainTopic reports whether a topic binding key matches a routing key, and
// why, in plain words: which words `*` and `#` took, or where and why the
// match fails. It agrees with the trie (tests check both against the vectors
// and a fuzz reference); it is slower, so routing itself never calls it.
func ExplainTopic(pattern, key string) (bool, string) {
	if pattern == key && !strings.ContainsAny(pattern, "*#") {
		if pattern == "" {
			return true, "both the binding key and the routing key are empty (no words)"
		}
		return true, quote(pattern) + " equals " + quote(key) + " word for word"
	}
	p, k := SplitTopic(pattern), SplitTopic(key)
	m := topicTable(p, k)
	if m[0][0] {
		return true, explainTopicMatch(pattern, key, p, k, m)
	}
	return false, explainTopicMiss(pattern, key, p, k)
}

// TopicSpan is one word of a topic binding key and the routing key words
// it took: a literal or `*` takes exactly one, `#` any number (none too).
type TopicSpan struct {
	Part  string
	Words []string
}

// AlignTopic lines a topic binding key up with a routing key it matches:
// which key words each binding word took, in order. Where `#` could take
// more or fewer words it takes the fewest, as ExplainTopic says. ok is
// false when the keys do not match.
func AlignTopic(pattern, key string) (spans []TopicSpan, ok bool) {
	p, k := SplitTopic(pattern), SplitTopic(key)
	m := topicTable(p, k)
	if !m[0][0] {
		return nil, false
	}
	return alignTopic(p, k, m), true
}

// alignTopic walks the match table m of p and k (which must match),
// giving each `#` the fewest words that still let the rest match.
func alignTopic(p, k []string, m [][]bool) []TopicSpan {
	spans := make([]TopicSpan, 0, len(p))
	j := 0
	for i, w := range p {
		if w != "#" {
			spans = append(spans, TopicSpan{Part: w, Words: k[j : j+1]})
			j++
			continue
		}
		end := j
		for !m[i+1][end] {
			end++
		}
		spans = append(spans, TopicSpan{Part: w, Words: k[j:end]})
		j = end
	}
	return spans
}

// topicTable returns m where m[i][j] says whether p[i:] matches k[j:].
func topicTable(p, k []string) [][]bool {
	m := make([][]bool, len(p)+1)
	cells := make([]bool, (len(p)+1)*(len(k)+1))
	for i := range m {
		m[i] = cells[i*(len(k)+1) : (i+1)*(len(k)+1)]
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

func explainTopicMatch(pattern, key string, p, k []string, m [][]bool) string {
	if len(p) == 0 {
		return "both the binding key and the routing key are empty (no words)"
	}
	var b strings.Builder
	b.WriteString(quote(pattern))
	b.WriteString(" matches ")
	b.WriteString(quote(key))
	sep := ": "
	took := func(what string) {
		b.WriteString(sep)
		b.WriteString(what)
		sep = ", "
	}
	for _, s := range alignTopic(p, k, m) {
		switch {
		case s.Part == "#" && len(s.Words) == 0:
			took("`#` took no words")
		case s.Part == "#" || s.Part == "*":
			took("`" + s.Part + "` took " + quoteWords(s.Words))
		}
	}
	if sep == ": " {
		return quote(pattern) + " equals " + quote(key) + " word for word"
	}
	return b.String()
}

// fixedMiss explains the first word where a run of binding words without
// `#` (so each takes exactly one key word) fails against key words, or ""
// when every word fits. offset numbers the words for people.
func fixedMiss(p, k []string, offset int) string {
	for i, w := range p {
		if i >= len(k) {
			break
		}
		if w != "*" && w != k[i] {
			return wordMismatch(offset+i, w, k[i])
		}
	}
	return ""
}

func wordMismatch(pos int, want, got string) string {
	s := fmt.Sprintf("word %d: the binding needs %s, the key has %s", pos+1, quote(want), quote(got))
	if strings.EqualFold(want, got) {
		s += " (they differ only in case; matching is byte for byte)"
	}
	return s
}

func explainTopicMiss(pattern, key string, p, k []string) string {
	if len(k) == 0 {
		return fmt.Sprintf("the empty routing key has no words; %s needs %s", quote(pattern), countWords(nonHash(p)))
	}
	first, last := -1, -1
	for i, w := range p {
		if w == "#" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return fixedLengthMiss(p, k)
	}
	prefix, suffix, middle := p[:first], p[last+1:], nonHash(p[first:last+1])
	if need := len(prefix) + len(suffix) + len(middle); len(k) < need {
		return fmt.Sprintf("%s needs at least %s besides `#`; %s has %s", quote(pattern), countWords(nonHash(p)), quote(key), countWords(k))
	}
	if why := fixedMiss(prefix, k, 0); why != "" {
		return why
	}
	if why := fixedMiss(suffix, k[len(k)-len(suffix):], len(k)-len(suffix)); why != "" {
		return why + fmt.Sprintf(" (after `#` the key must end with %s)", quoteWords(suffix))
	}
	return fmt.Sprintf("the words %s between the `#`s cannot be found in order in %s", quoteWords(middle), quoteWords(k[len(prefix):len(k)-len(suffix)]))
}

// fixedLengthMiss explains a miss for a binding key without `#`.
func fixedLengthMiss(p, k []string) string {
	if len(p) == 0 {
		return fmt.Sprintf("the empty binding key matches only the empty routing key; %s has %s", quoteWords(k), countWords(k))
	}
	if why := fixedMiss(p, k, 0); why != "" {
		return why
	}
	if len(p) < len(k) {
		rest := k[len(p):]
		if p[len(p)-1] == "*" {
			return fmt.Sprintf("`*` needs exactly one word here; %s has %s", quoteWords(k[len(p)-1:]), countWords(k[len(p)-1:]))
		}
		return fmt.Sprintf("the binding ends after %s but the key goes on with %s (a `#` at the end would take it)", quoteWords(p), quoteWords(rest))
	}
	rest := p[len(k):]
	if rest[0] == "*" {
		return fmt.Sprintf("`*` needs exactly one word here; the key has none left after %s", quoteWords(k))
	}
	return fmt.Sprintf("the key ends after %s; the binding still needs %s", quoteWords(k), quoteWords(rest))
}

func nonHash(p []string) []string {
	var out []string
	for _, w := range p {
		if w != "#" {
			out = append(out, w)
		}
	}
	return out
}

func countWords(ws []string) string {
	names := []string{"no words", "one word", "two words", "three words", "four words", "five words"}
	n := len(ws)
	if n < len(names) {
		return names[n]
	}
	return fmt.Sprintf("%d words", n)
}

// quoteWords shows words joined by dots, as a key.
func quoteWords(ws []string) string {
	if len(ws) == 1 && ws[0] == "" {
		return "an empty word"
	}
	return quote(strings.Join(ws, "."))
}

// quote shows a key in backticks; the empty key is shown as "".
func quote(s string) string {
	if s == "" {
		return `""`
	}
	return "`" + s + "`"
}
