package model

import "strings"

// SplitTopic splits a routing or binding key into words the way RabbitMQ
// does: the empty key has no words, and empty words between dots count.
func SplitTopic(key string) []string {
	if key == "" {
		return nil
	}
	return strings.Split(key, ".")
}

// topicTrie indexes the topic bindings of one exchange by their words, so a
// lookup follows only the edges a key can take (literal word, `*`, `#`)
// instead of scanning every binding.
type topicTrie struct {
	root  tnode
	nodes int
}

// smallEdges is how many literal edges a node keeps in a slice before it
// switches to a map: most nodes have one or two children.
const smallEdges = 8

type tedge struct {
	word string
	node *tnode
}

type tnode struct {
	small   []tedge
	lit     map[string]*tnode
	star    *tnode
	hash    *tnode
	targets []target
}

func (n *tnode) child(word string) *tnode {
	if n.lit != nil {
		return n.lit[word]
	}
	for i := range n.small {
		if n.small[i].word == word {
			return n.small[i].node
		}
	}
	return nil
}

func (t *topicTrie) childOrNew(n *tnode, word string) *tnode {
	switch word {
	case "*":
		if n.star == nil {
			n.star = &tnode{}
			t.nodes++
		}
		return n.star
	case "#":
		if n.hash == nil {
			n.hash = &tnode{}
			t.nodes++
		}
		return n.hash
	}
	if c := n.child(word); c != nil {
		return c
	}
	c := &tnode{}
	t.nodes++
	if n.lit == nil && len(n.small) < smallEdges {
		n.small = append(n.small, tedge{word, c})
		return c
	}
	if n.lit == nil {
		n.lit = make(map[string]*tnode, 2*smallEdges)
		for _, e := range n.small {
			n.lit[e.word] = e.node
		}
		n.small = nil
	}
	n.lit[word] = c
	return c
}

func (t *topicTrie) add(bindingKey string, tg target) {
	n := &t.root
	for _, w := range SplitTopic(bindingKey) {
		n = t.childOrNew(n, w)
	}
	n.targets = append(n.targets, tg)
}

// topicWalk is the state of one lookup. After two `#` edges the same
// (node, position) pair can be reached many ways; it is then remembered so
// that patterns such as `#.a.#.a.#` stay polynomial, as in RabbitMQ.
type topicWalk struct {
	words []string
	out   []target
	memo  map[topicVisit]struct{}
}

type topicVisit struct {
	n *tnode
	i int
}

func (w *topicWalk) match(n *tnode, i, hashes int) {
	if hashes >= 2 {
		if w.memo == nil {
			w.memo = make(map[topicVisit]struct{})
		}
		k := topicVisit{n, i}
		if _, seen := w.memo[k]; seen {
			return
		}
		w.memo[k] = struct{}{}
	}
	if i == len(w.words) {
		w.out = append(w.out, n.targets...)
		if n.hash != nil {
			w.match(n.hash, i, hashes+1)
		}
		return
	}
	if c := n.child(w.words[i]); c != nil {
		w.match(c, i+1, hashes)
	}
	if n.star != nil {
		w.match(n.star, i+1, hashes)
	}
	if n.hash != nil {
		for j := i; j <= len(w.words); j++ {
			w.match(n.hash, j, hashes+1)
		}
	}
}

// lookup appends to out the targets of every binding whose key matches
// the routing key. A target can appear more than once.
func (t *topicTrie) lookup(routingKey string, out []target) []target {
	w := topicWalk{words: SplitTopic(routingKey), out: out}
	w.match(&t.root, 0, 0)
	return w.out
}
