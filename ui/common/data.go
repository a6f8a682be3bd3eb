package common

import (
	"slices"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
)

// HistoryLen is how many refreshes a sparkline remembers.
const HistoryLen = 40

// Data is the live state of the broker as the poller last delivered it.
type Data struct {
	Snap  *broker.Snapshot
	Rates *broker.RateSheet
	// Seq counts the snapshots applied.
	Seq uint64
	// Err is why the last refresh failed, nil when it worked.
	Err     error
	History History
	// Members counts, per kind, the snapshots that changed which objects
	// the kind's list holds. While a count stays the same, index i of the
	// list is the same object from one snapshot to the next, so a view
	// may keep what it worked out per index.
	Members Members
}

// Members counts changes of the objects a snapshot's lists hold, per
// kind (see Data.Members).
type Members struct {
	Exchanges, Queues, Bindings, Connections, Channels, Consumers uint64
}

// Apply takes one update of the poller. The update's Diff must be
// against the previous update's snapshot, as the poller makes it.
func (d *Data) Apply(u broker.Update) {
	d.Err = u.Err
	if u.Err != nil || u.Snapshot == nil {
		return
	}
	prev, cur := d.Snap, u.Snapshot
	if prev == nil {
		prev = &broker.Snapshot{}
	}
	d.Snap, d.Rates = cur, u.Rates
	d.Seq++
	trust := d.Seq > 1 && !u.Diff.Empty()
	same := func(ok bool) bool { return ok && d.Seq > 1 }
	sameQ := same(sameMembers(prev.Queues, cur.Queues, func(q *broker.Queue) broker.ObjectKey { return q.Key() }, u.Diff.Queues, trust))
	sameX := same(sameMembers(prev.Exchanges, cur.Exchanges, func(x *broker.Exchange) broker.ObjectKey { return x.Key() }, u.Diff.Exchanges, trust))
	sameB := same(sameMembers(prev.Bindings, cur.Bindings, func(b *broker.Binding) broker.BindingKey { return b.Key() }, u.Diff.Bindings, trust))
	sameCo := same(sameMembers(prev.Connections, cur.Connections, func(c *broker.Connection) broker.ObjectKey { return c.Key() }, u.Diff.Connections, trust))
	sameCh := same(sameMembers(prev.Channels, cur.Channels, func(c *broker.Channel) broker.ObjectKey { return c.Key() }, u.Diff.Channels, trust))
	sameCu := same(sameMembers(prev.Consumers, cur.Consumers, func(c *broker.Consumer) broker.ConsumerKey { return c.Key() }, u.Diff.Consumers, trust))
	if !trust && !(sameQ && sameX && sameB && sameCo && sameCh && sameCu) {
		// Not the poller's: make sure of the order the views rely on.
		cur = inOrder(cur)
		d.Snap = cur
	}
	count := func(n *uint64, same bool) {
		if !same {
			*n++
		}
	}
	count(&d.Members.Queues, sameQ)
	count(&d.Members.Exchanges, sameX)
	count(&d.Members.Bindings, sameB)
	count(&d.Members.Connections, sameCo)
	count(&d.Members.Channels, sameCh)
	count(&d.Members.Consumers, sameCu)
	var diff *broker.Diff
	if trust {
		diff = &u.Diff
	}
	d.History.observe(prev, cur, u.Rates, diff, sameQ, sameX)
}

// inOrder returns the snapshot with its lists in identity order, as the
// poller delivers them and as the views read them (a vhost's objects
// together, found by binary search). A snapshot made another way is
// copied and sorted, never changed in place. Its rates, aligned with the
// lists it came with, no longer apply; such snapshots come without.
func inOrder(s *broker.Snapshot) *broker.Snapshot {
	sorted := func() bool {
		return slices.IsSortedFunc(s.Exchanges, byKey(broker.Exchange.Key, broker.ObjectKey.Compare)) &&
			slices.IsSortedFunc(s.Queues, byKey(broker.Queue.Key, broker.ObjectKey.Compare)) &&
			slices.IsSortedFunc(s.Bindings, byKey(broker.Binding.Key, broker.BindingKey.Compare)) &&
			slices.IsSortedFunc(s.Connections, byKey(broker.Connection.Key, broker.ObjectKey.Compare)) &&
			slices.IsSortedFunc(s.Channels, byKey(broker.Channel.Key, broker.ObjectKey.Compare)) &&
			slices.IsSortedFunc(s.Consumers, byKey(broker.Consumer.Key, broker.ConsumerKey.Compare))
	}
	if sorted() {
		return s
	}
	c := *s
	c.Exchanges = sortedBy(s.Exchanges, broker.Exchange.Key, broker.ObjectKey.Compare)
	c.Queues = sortedBy(s.Queues, broker.Queue.Key, broker.ObjectKey.Compare)
	c.Bindings = sortedBy(s.Bindings, broker.Binding.Key, broker.BindingKey.Compare)
	c.Connections = sortedBy(s.Connections, broker.Connection.Key, broker.ObjectKey.Compare)
	c.Channels = sortedBy(s.Channels, broker.Channel.Key, broker.ObjectKey.Compare)
	c.Consumers = sortedBy(s.Consumers, broker.Consumer.Key, broker.ConsumerKey.Compare)
	return &c
}

func byKey[T, K any](key func(T) K, compare func(K, K) int) func(a, b T) int {
	return func(a, b T) int { return compare(key(a), key(b)) }
}

func sortedBy[T, K any](list []T, key func(T) K, compare func(K, K) int) []T {
	out := slices.Clone(list)
	slices.SortStableFunc(out, byKey(key, compare))
	return out
}

// sameMembers reports whether two lists in identity order hold the same
// objects. A diff that is trusted (the poller's, against prev) answers
// without comparing every key; a sample of keys is still compared.
func sameMembers[T any, K comparable](prev, cur []T, key func(*T) K, c broker.Changes[T], trust bool) bool {
	if len(prev) != len(cur) || len(c.Added) != 0 || len(c.Removed) != 0 {
		return false
	}
	n := len(cur)
	if !trust {
		for i := range n {
			if key(&prev[i]) != key(&cur[i]) {
				return false
			}
		}
		return true
	}
	const samples = 64
	for j := range min(n, samples) {
		i := j * (n - 1) / max(min(n, samples)-1, 1)
		if key(&prev[i]) != key(&cur[i]) {
			return false
		}
	}
	return true
}

// Ready reports whether a snapshot has arrived.
func (d *Data) Ready() bool { return d != nil && d.Snap != nil }

// QueueRates returns a queue's rates.
func (d *Data) QueueRates(k broker.ObjectKey) broker.Rates { return d.Rates.Queue(k) }

// ExchangeRates returns an exchange's rates.
func (d *Data) ExchangeRates(k broker.ObjectKey) broker.Rates { return d.Rates.Exchange(k) }

// ConnectionRates returns a connection's rates.
func (d *Data) ConnectionRates(k broker.ObjectKey) broker.Rates { return d.Rates.Connection(k) }

// ChannelRates returns a channel's rates.
func (d *Data) ChannelRates(k broker.ObjectKey) broker.Rates { return d.Rates.Channel(k) }

// QueueRatesAt returns the rates of the snapshot's queue at index i.
func (d *Data) QueueRatesAt(i int) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return broker.At(d.Rates.Queues, i)
}

// ExchangeRatesAt returns the rates of the snapshot's exchange at index i.
func (d *Data) ExchangeRatesAt(i int) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return broker.At(d.Rates.Exchanges, i)
}

// ConnectionRatesAt returns the rates of the snapshot's connection at
// index i.
func (d *Data) ConnectionRatesAt(i int) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return broker.At(d.Rates.Connections, i)
}

// ChannelRatesAt returns the rates of the snapshot's channel at index i.
func (d *Data) ChannelRatesAt(i int) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return broker.At(d.Rates.Channels, i)
}

// InVhost reports whether an object of vhost v is in view when the UI
// shows vhost want ("" shows all).
func InVhost(want, v string) bool { return want == "" || want == v }

// VhostRange returns the part [lo, hi) of a list in identity order (vhost
// first) that is in view when the UI shows vhost want ("" shows all).
func VhostRange[T any](list []T, vhost func(T) string, want string) (lo, hi int) {
	if want == "" {
		return 0, len(list)
	}
	lo, _ = slices.BinarySearchFunc(list, want, func(x T, v string) int { return strings.Compare(vhost(x), v) })
	hi, _ = slices.BinarySearchFunc(list[lo:], want, func(x T, v string) int {
		if vhost(x) <= v {
			return -1
		}
		return 1
	})
	return lo, lo + hi
}
