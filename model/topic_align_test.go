package model

import (
	"slices"
	"strings"
	"testing"
)

func TestAlignTopic(t *testing.T) {
	for _, tc := range []struct {
		pattern, key string
		want         string // part=words, "|"-separated; "-" when no match
	}{
		{"a.*.c", "a.b.c", "a=a|*=b|c=c"},
		{"#", "", "#="},
		{"#", "a.b", "#=a.b"},
		{"a.#", "a", "a=a|#="},
		{"#.c", "a.b.c", "#=a.b|c=c"},
		{"a.#.#.d", "a.b.c.d", "a=a|#=|#=b.c|d=d"}, // the first # takes the fewest
		{"#.b.#", "b.b.b", "#=|b=b|#=b.b"},
		{"*.#", "x", "*=x|#="},
		{"a..b", "a..b", "a=a|=|b=b"}, // an empty word is a word
		{"a.*", "a", "-"},
		{"a.b", "a.c", "-"},
	} {
		spans, ok := AlignTopic(tc.pattern, tc.key)
		got := "-"
		if ok {
			parts := make([]string, len(spans))
			for i, s := range spans {
				parts[i] = s.Part + "=" + strings.Join(s.Words, ".")
			}
			got = strings.Join(parts, "|")
		}
		if got != tc.want {
			t.Errorf("AlignTopic(%q, %q) = %q, want %q", tc.pattern, tc.key, got, tc.want)
		}
	}
}

// TestAlignTopicVectors: over every topic vector, AlignTopic matches
// exactly when RabbitMQ does, and its spans are the binding key word for
// word, each literal taking itself, each `*` one word, and all together
// the routing key in order.
func TestAlignTopicVectors(t *testing.T) {
	for _, file := range []string{"topic_rabbitmq_suites.json", "topic_live_rabbitmq_3.10.8.json"} {
		for _, row := range loadTopicVectors(t, file) {
			pattern, key, want := row[0].(string), row[1].(string), row[2].(bool)
			spans, ok := AlignTopic(pattern, key)
			if ok != want {
				t.Errorf("%s: AlignTopic(%q, %q) ok %v, want %v", file, pattern, key, ok, want)
				continue
			}
			if !ok {
				continue
			}
			var parts, words []string
			for _, s := range spans {
				parts = append(parts, s.Part)
				words = append(words, s.Words...)
				if s.Part != "#" && (len(s.Words) != 1 || s.Part != "*" && s.Words[0] != s.Part) {
					t.Errorf("%s: AlignTopic(%q, %q): %q took %q", file, pattern, key, s.Part, s.Words)
				}
			}
			if !slices.Equal(parts, SplitTopic(pattern)) || !slices.Equal(words, SplitTopic(key)) {
				t.Errorf("%s: AlignTopic(%q, %q) = %v: not the two keys", file, pattern, key, spans)
			}
		}
	}
}
