package broker

import "strings"

// Changes are what became of one kind of object between two snapshots,
// each list in identity order.
type Changes[T any] struct {
	Added   []T // in the new snapshot only
	Changed []T // in both and different: the new values
	Removed []T // in the old snapshot only: the old values
}

// Empty reports whether nothing changed.
func (c Changes[T]) Empty() bool {
	return len(c.Added) == 0 && len(c.Changed) == 0 && len(c.Removed) == 0
}

// Len counts the objects that changed in any way.
func (c Changes[T]) Len() int { return len(c.Added) + len(c.Changed) + len(c.Removed) }

// Diff is what changed between two snapshots, per kind, so that a view
// updates only the rows that changed. A kind the new snapshot did not
// fetch shows no change.
type Diff struct {
	Vhosts      Changes[VhostInfo]
	Exchanges   Changes[Exchange]
	Queues      Changes[Queue]
	Bindings    Changes[Binding]
	Connections Changes[Connection]
	Channels    Changes[Channel]
	Consumers   Changes[Consumer]
	Policies    Changes[Policy]
	// Overview is set when the overview differs.
	Overview bool
}

// Empty reports whether nothing changed at all.
func (d Diff) Empty() bool {
	return !d.Overview && d.Vhosts.Empty() && d.Exchanges.Empty() && d.Queues.Empty() &&
		d.Bindings.Empty() && d.Connections.Empty() && d.Channels.Empty() &&
		d.Consumers.Empty() && d.Policies.Empty()
}

// DiffSnapshots compares two snapshots of the same scope. With prev nil,
// everything in cur is added. Both snapshots' lists must be in identity
// order, as Snapshot returns them; the walk is linear.
func DiffSnapshots(prev, cur *Snapshot) Diff {
	if prev == nil {
		prev = &Snapshot{}
	}
	var d Diff
	d.Overview = !overviewEqual(&prev.Overview, &cur.Overview)
	d.Vhosts = diffSorted(prev.Vhosts, cur.Vhosts, func(v VhostInfo) string { return v.Name }, strings.Compare, VhostInfo.equal)
	k := cur.Kinds
	if k.Has(KindExchanges) {
		d.Exchanges = diffSorted(prev.Exchanges, cur.Exchanges, Exchange.Key, ObjectKey.Compare, Exchange.equal)
	}
	if k.Has(KindQueues) {
		d.Queues = diffSorted(prev.Queues, cur.Queues, Queue.Key, ObjectKey.Compare, Queue.equal)
	}
	if k.Has(KindBindings) {
		d.Bindings = diffSorted(prev.Bindings, cur.Bindings, Binding.Key, BindingKey.Compare, Binding.equal)
	}
	if k.Has(KindConnections) {
		d.Connections = diffSorted(prev.Connections, cur.Connections, Connection.Key, ObjectKey.Compare, Connection.equal)
	}
	if k.Has(KindChannels) {
		d.Channels = diffSorted(prev.Channels, cur.Channels, Channel.Key, ObjectKey.Compare, Channel.equal)
	}
	if k.Has(KindConsumers) {
		d.Consumers = diffSorted(prev.Consumers, cur.Consumers, Consumer.Key, ConsumerKey.Compare, Consumer.equal)
	}
	if k.Has(KindPolicies) {
		d.Policies = diffSorted(prev.Policies, cur.Policies, Policy.Key, PolicyKey.Compare, Policy.equal)
	}
	return d
}

// diffSorted merges two lists sorted by key.
func diffSorted[T, K any](prev, cur []T, key func(T) K, cmp func(K, K) int, equal func(T, T) bool) Changes[T] {
	var c Changes[T]
	i, j := 0, 0
	for i < len(prev) && j < len(cur) {
		switch n := cmp(key(prev[i]), key(cur[j])); {
		case n < 0:
			c.Removed = append(c.Removed, prev[i])
			i++
		case n > 0:
			c.Added = append(c.Added, cur[j])
			j++
		default:
			if !equal(prev[i], cur[j]) {
				c.Changed = append(c.Changed, cur[j])
			}
			i++
			j++
		}
	}
	c.Removed = append(c.Removed, prev[i:]...)
	c.Added = append(c.Added, cur[j:]...)
	return c
}

// overviewEqual compares what a header bar shows of the overview.
func overviewEqual(a, b *Overview) bool {
	return a.Version() == b.Version() && a.ClusterName == b.ClusterName && a.Node == b.Node &&
		a.ObjectTotals == b.ObjectTotals && a.QueueTotals == b.QueueTotals && a.Stats == b.Stats &&
		a.DisableStats == b.DisableStats && a.RatesMode == b.RatesMode && len(a.Listeners) == len(b.Listeners)
}
