package model

import (
	"encoding/json"
	"os"
	"testing"
)

// refMatch is RabbitMQ's reference topic matcher from
// rabbit_db_topic_exchange_SUITE (ref_match/2), word for word.
func refMatch(pattern, key []string) bool {
	switch {
	case len(pattern) == 0:
		return len(key) == 0
	case pattern[0] == "#":
		if len(pattern) == 1 {
			return true
		}
		return refMatchHash(pattern[1:], key)
	case len(key) == 0:
		return false
	case pattern[0] == "*" || pattern[0] == key[0]:
		return refMatch(pattern[1:], key[1:])
	}
	return false
}

func refMatchHash(rest, key []string) bool {
	return refMatch(rest, key) || (len(key) > 0 && refMatchHash(rest, key[1:]))
}

func loadTopicVectors(t *testing.T, file string) [][3]any {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][3]any
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no vectors", file)
	}
	return rows
}

// trieMatches routes key through a topic exchange with the one binding.
func trieMatches(pattern, key string) bool {
	r := NewRouter(Vhost{
		Name:      "/",
		Exchanges: []Exchange{{Name: "t", Type: ExchangeTopic}},
		Queues:    []Queue{{Name: "q"}},
		Bindings:  []Binding{{Source: "t", Destination: "q", RoutingKey: pattern}},
	}, Options{})
	return len(r.Route(Message{Exchange: "t", RoutingKey: key}).Queues) == 1
}

func TestTopicVectors(t *testing.T) {
	for _, file := range []string{"topic_rabbitmq_suites.json", "topic_live_rabbitmq_3.10.8.json"} {
		rows := loadTopicVectors(t, file)
		for _, row := range rows {
			pattern, key, want := row[0].(string), row[1].(string), row[2].(bool)
			if got := trieMatches(pattern, key); got != want {
				t.Errorf("%s: trie: pattern %q key %q = %v, want %v", file, pattern, key, got, want)
			}
			if got := refMatch(SplitTopic(pattern), SplitTopic(key)); got != want {
				t.Errorf("%s: reference: pattern %q key %q = %v, want %v", file, pattern, key, got, want)
			}
			if got, _ := ExplainTopic(pattern, key); got != want {
				t.Errorf("%s: explain: pattern %q key %q = %v, want %v", file, pattern, key, got, want)
			}
		}
		t.Logf("%s: %d vectors", file, len(rows))
	}
}

// TestTopicTrieSharedExchange puts every pattern of the live vectors on one
// exchange at once, so that trie paths share nodes, and checks every vector
// against the queue set each key routes to.
func TestTopicTrieSharedExchange(t *testing.T) {
	rows := loadTopicVectors(t, "topic_live_rabbitmq_3.10.8.json")
	queueOf := map[string]string{} // pattern → queue
	v := Vhost{Name: "/", Exchanges: []Exchange{{Name: "t", Type: ExchangeTopic}}}
	for _, row := range rows {
		pattern := row[0].(string)
		if _, ok := queueOf[pattern]; !ok {
			q := "q" + itoa(len(queueOf))
			queueOf[pattern] = q
			v.Queues = append(v.Queues, Queue{Name: q})
			v.Bindings = append(v.Bindings, Binding{Source: "t", Destination: q, RoutingKey: pattern})
		}
	}
	r := NewRouter(v, Options{})
	routed := map[string]map[string]bool{}
	for _, row := range rows {
		pattern, key, want := row[0].(string), row[1].(string), row[2].(bool)
		if routed[key] == nil {
			routed[key] = map[string]bool{}
			for _, q := range r.Route(Message{Exchange: "t", RoutingKey: key}).Queues {
				routed[key][q] = true
			}
		}
		if got := routed[key][queueOf[pattern]]; got != want {
			t.Errorf("pattern %q key %q: routed %v, want %v", pattern, key, got, want)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func FuzzTopicMatch(f *testing.F) {
	for _, s := range [][2]string{{"a.*.c", "a.b.c"}, {"#.b.#", "a.b.c"}, {"", ""}, {"#", ""}, {"*", ""}, {"a..b", "a.*.b"}, {"#.#.#", "."}, {"*.#.*", "a.b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, key string) {
		if len(pattern) > 64 || len(key) > 64 {
			return
		}
		want := refMatch(SplitTopic(pattern), SplitTopic(key))
		if got := trieMatches(pattern, key); got != want {
			t.Fatalf("trie: pattern %q key %q = %v, reference says %v", pattern, key, got, want)
		}
		if got, _ := ExplainTopic(pattern, key); got != want {
			t.Fatalf("explain: pattern %q key %q = %v, reference says %v", pattern, key, got, want)
		}
	})
}
