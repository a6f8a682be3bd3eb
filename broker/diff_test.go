package broker

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func counters(pairs ...any) Counters {
	var c Counters
	for i := 0; i < len(pairs); i += 2 {
		c.Set(pairs[i].(Stat), uint64(pairs[i+1].(int)))
	}
	return c
}

func snapshotOf(kinds Kinds, qs []Queue, bs []Binding, cs []Consumer) *Snapshot {
	s := &Snapshot{Kinds: kinds, Queues: qs, Bindings: bs, Consumers: cs}
	s.sortAll()
	return s
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func TestDiffSnapshots(t *testing.T) {
	qname := func(q Queue) string { return q.Vhost + "/" + q.Name }
	prev := snapshotOf(AllKinds,
		[]Queue{
			{Vhost: "v", Name: "same", Arguments: model.Table{"x-max-length": model.Long(1)}},
			{Vhost: "v", Name: "gone"},
			{Vhost: "v", Name: "deeper", Ready: 1},
			{Vhost: "w", Name: "same"},
			{Vhost: "v", Name: "args", Arguments: model.Table{"x-max-length": model.Long(1)}},
			{Vhost: "v", Name: "counted", Stats: counters(StatPublish, 1)},
		},
		[]Binding{{Vhost: "v", Source: "x", DestinationType: "queue", Destination: "same", RoutingKey: "k", PropertiesKey: "k"}},
		[]Consumer{{Vhost: "v", Queue: "same", Channel: "c (1)", Tag: "t", Arguments: model.Table{}}},
	)
	cur := snapshotOf(AllKinds,
		[]Queue{
			{Vhost: "w", Name: "same"},
			{Vhost: "v", Name: "same", Arguments: model.Table{"x-max-length": model.Long(1)}},
			{Vhost: "v", Name: "new"},
			{Vhost: "v", Name: "deeper", Ready: 2},
			{Vhost: "v", Name: "args", Arguments: model.Table{"x-max-length": model.Long(2)}},
			{Vhost: "v", Name: "counted", Stats: counters(StatPublish, 2)},
		},
		[]Binding{
			{Vhost: "v", Source: "x", DestinationType: "queue", Destination: "same", RoutingKey: "k", PropertiesKey: "k"},
			{Vhost: "v", Source: "x", DestinationType: "queue", Destination: "same", RoutingKey: "k", Arguments: model.Table{"a": model.Long(1)}},
		},
		[]Consumer{{Vhost: "v", Queue: "same", Channel: "c (1)", Tag: "t", Prefetch: 10}},
	)
	d := DiffSnapshots(prev, cur)
	if got := names(d.Queues.Added, qname); len(got) != 1 || got[0] != "v/new" {
		t.Errorf("added %q", got)
	}
	if got := names(d.Queues.Removed, qname); len(got) != 1 || got[0] != "v/gone" {
		t.Errorf("removed %q", got)
	}
	if got := names(d.Queues.Changed, qname); len(got) != 3 || got[0] != "v/args" || got[1] != "v/counted" || got[2] != "v/deeper" {
		t.Errorf("changed %q", got)
	}
	if d.Queues.Changed[2].Ready != 2 {
		t.Error("Changed holds the old value")
	}
	if len(d.Bindings.Added) != 1 || len(d.Bindings.Removed) != 0 || len(d.Bindings.Changed) != 0 {
		t.Errorf("bindings %+v", d.Bindings)
	}
	if len(d.Consumers.Changed) != 1 || d.Consumers.Len() != 1 {
		t.Errorf("consumers %+v", d.Consumers)
	}
	if d.Empty() || !DiffSnapshots(cur, cur).Empty() {
		t.Error("Empty is wrong")
	}

	first := DiffSnapshots(nil, cur)
	if len(first.Queues.Added) != 6 || len(first.Bindings.Added) != 2 || first.Queues.Len() != 6 {
		t.Errorf("first diff %+v", first.Queues)
	}
	// A kind the new snapshot did not fetch does not change.
	partial := snapshotOf(Kinds(0).With(KindBindings), nil, cur.Bindings, nil)
	if d := DiffSnapshots(cur, partial); !d.Queues.Empty() || !d.Consumers.Empty() || !d.Bindings.Empty() {
		t.Errorf("unfetched kinds changed: %+v", d)
	}
}

func TestSortAllDropsDuplicates(t *testing.T) {
	s := snapshotOf(AllKinds, []Queue{{Vhost: "v", Name: "b"}, {Vhost: "v", Name: "a"}, {Vhost: "v", Name: "b"}, {Vhost: "/", Name: "z"}}, nil, nil)
	if got := names(s.Queues, func(q Queue) string { return q.Vhost + q.Name }); len(got) != 3 || got[0] != "/z" || got[1] != "va" || got[2] != "vb" {
		t.Errorf("sorted %q", got)
	}
}

func TestBindingKeyWithoutPropertiesKey(t *testing.T) {
	a := Binding{Source: "x", Destination: "q", DestinationType: "queue", RoutingKey: "k", Arguments: model.Table{"x-match": model.String("any")}}
	b := a
	b.Arguments = model.Table{"x-match": model.String("all")}
	c := a
	c.Arguments = model.Table{"x-match": model.String("any")}
	if a.Key() == b.Key() || a.Key() != c.Key() {
		t.Errorf("keys %v %v %v", a.Key(), b.Key(), c.Key())
	}
}
