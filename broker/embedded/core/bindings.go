package core

import (
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// bindingKey identifies a binding: RabbitMQ treats two bindings with the
// same source, destination, key and arguments as one.
type bindingKey struct {
	src  string
	dst  destRef
	key  string
	args string // canonical form of the arguments
}

// destRef names a binding destination.
type destRef struct {
	name     string
	exchange bool
}

// bindingSet holds a vhost's explicit bindings, indexed by source and by
// destination so deleting a queue or an exchange finds its bindings
// without a scan. Guarded by Vhost.mu.
type bindingSet struct {
	all   map[bindingKey]model.Binding
	bySrc map[string]map[bindingKey]struct{}
	byDst map[destRef]map[bindingKey]struct{}
}

func newBindingSet() bindingSet {
	return bindingSet{
		all:   make(map[bindingKey]model.Binding),
		bySrc: make(map[string]map[bindingKey]struct{}),
		byDst: make(map[destRef]map[bindingKey]struct{}),
	}
}

func keyOf(b model.Binding) bindingKey {
	return bindingKey{
		src:  b.Source,
		dst:  destRef{b.Destination, b.DestinationType == model.DestExchange},
		key:  b.RoutingKey,
		args: canonicalArgs(b.Arguments),
	}
}

// canonicalArgs renders a table so equal tables render alike.
func canonicalArgs(t model.Table) string {
	if len(t) == 0 {
		return ""
	}
	var sb strings.Builder
	for _, k := range t.Keys() {
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(t[k].String())
		sb.WriteByte(';')
	}
	return sb.String()
}

// add adds the binding and reports whether it is new.
func (s *bindingSet) add(b model.Binding) bool {
	k := keyOf(b)
	if _, ok := s.all[k]; ok {
		return false
	}
	s.all[k] = b
	addIndex(s.bySrc, k.src, k)
	addIndex(s.byDst, k.dst, k)
	return true
}

func addIndex[K comparable](m map[K]map[bindingKey]struct{}, at K, k bindingKey) {
	set := m[at]
	if set == nil {
		set = make(map[bindingKey]struct{})
		m[at] = set
	}
	set[k] = struct{}{}
}

func dropIndex[K comparable](m map[K]map[bindingKey]struct{}, at K, k bindingKey) {
	if set := m[at]; set != nil {
		delete(set, k)
		if len(set) == 0 {
			delete(m, at)
		}
	}
}

// remove removes the binding and reports whether it existed.
func (s *bindingSet) remove(k bindingKey) bool {
	if _, ok := s.all[k]; !ok {
		return false
	}
	delete(s.all, k)
	dropIndex(s.bySrc, k.src, k)
	dropIndex(s.byDst, k.dst, k)
	return true
}

// hasSource reports whether the exchange is the source of any binding.
func (s *bindingSet) hasSource(x string) bool { return len(s.bySrc[x]) > 0 }

// keysTouching returns the bindings whose source is x (when src) and those
// whose destination is d.
func (s *bindingSet) keysTouching(src string, hasSrc bool, d destRef) []bindingKey {
	var out []bindingKey
	if hasSrc {
		for k := range s.bySrc[src] {
			out = append(out, k)
		}
	}
	for k := range s.byDst[d] {
		if !hasSrc || k.src != src { // an exchange bound to itself is listed once
			out = append(out, k)
		}
	}
	return out
}

// list returns every binding, in no particular order.
func (s *bindingSet) list() []model.Binding {
	out := make([]model.Binding, 0, len(s.all))
	for _, b := range s.all {
		out = append(out, b)
	}
	return out
}

// sortBindings orders bindings as the management API lists them.
func sortBindings(bs []model.Binding) {
	slices.SortFunc(bs, func(a, b model.Binding) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if a.DestinationType != b.DestinationType {
			return int(a.DestinationType) - int(b.DestinationType)
		}
		if c := strings.Compare(a.Destination, b.Destination); c != 0 {
			return c
		}
		if c := strings.Compare(a.RoutingKey, b.RoutingKey); c != 0 {
			return c
		}
		return strings.Compare(canonicalArgs(a.Arguments), canonicalArgs(b.Arguments))
	})
}
