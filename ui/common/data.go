package common

import (
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
}

// Apply takes one update of the poller.
func (d *Data) Apply(u broker.Update) {
	d.Err = u.Err
	if u.Err != nil || u.Snapshot == nil {
		return
	}
	d.Snap, d.Rates = u.Snapshot, u.Rates
	d.Seq++
	d.History.Observe(u.Snapshot, u.Rates)
}

// Ready reports whether a snapshot has arrived.
func (d *Data) Ready() bool { return d != nil && d.Snap != nil }

// QueueRates returns a queue's rates.
func (d *Data) QueueRates(k broker.ObjectKey) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return d.Rates.Queues[k]
}

// ExchangeRates returns an exchange's rates.
func (d *Data) ExchangeRates(k broker.ObjectKey) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return d.Rates.Exchanges[k]
}

// ConnectionRates returns a connection's rates.
func (d *Data) ConnectionRates(k broker.ObjectKey) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return d.Rates.Connections[k]
}

// ChannelRates returns a channel's rates.
func (d *Data) ChannelRates(k broker.ObjectKey) broker.Rates {
	if d.Rates == nil {
		return broker.Rates{}
	}
	return d.Rates.Channels[k]
}

// InVhost reports whether an object of vhost v is in view when the UI
// shows vhost want ("" shows all).
func InVhost(want, v string) bool { return want == "" || want == v }

// Series is a fixed ring of the last HistoryLen values of one number.
type Series struct {
	v    [HistoryLen]float64
	n    int
	next int
}

// Push adds a value, forgetting the oldest when full.
func (s *Series) Push(v float64) {
	s.v[s.next] = v
	s.next = (s.next + 1) % HistoryLen
	s.n = min(s.n+1, HistoryLen)
}

// Last returns up to n values, oldest first.
func (s *Series) Last(n int) []float64 {
	if s == nil {
		return nil
	}
	n = min(n, s.n)
	out := make([]float64, n)
	for i := range n {
		out[i] = s.v[(s.next-n+i+2*HistoryLen)%HistoryLen]
	}
	return out
}

// Total stats the overview draws, by name.
const (
	TotPublish    = "publish"
	TotDeliver    = "deliver"
	TotAck        = "ack"
	TotUnroutable = "unroutable"
	TotMessages   = "messages"
)

// History remembers recent rates for sparklines: the scope's totals (per
// vhost too), each queue's incoming rate and each exchange's.
type History struct {
	Totals    map[string]*Series // "<vhost>\x00<stat>"; vhost "" is the broker
	Queues    map[broker.ObjectKey]*Series
	Exchanges map[broker.ObjectKey]*Series
}

// Total returns the series of a total stat of a vhost ("" for all).
func (h *History) Total(vhost, stat string) *Series { return h.Totals[vhost+"\x00"+stat] }

// Observe records a snapshot's rates.
func (h *History) Observe(s *broker.Snapshot, r *broker.RateSheet) {
	if h.Totals == nil {
		h.Totals = map[string]*Series{}
		h.Queues = map[broker.ObjectKey]*Series{}
		h.Exchanges = map[broker.ObjectKey]*Series{}
	}
	if r == nil {
		r = &broker.RateSheet{}
	}
	h.totals("", r.Totals, s.Totals())
	for _, v := range s.Vhosts {
		h.totals(v.Name, r.Vhosts[v.Name], v.Stats)
	}
	keep := make(map[broker.ObjectKey]bool, len(s.Queues))
	for _, q := range s.Queues {
		keep[q.Key()] = true
		push(h.Queues, q.Key(), r.Queues[q.Key()].Value(broker.StatPublish))
	}
	prune(h.Queues, keep)
	clear(keep)
	for _, x := range s.Exchanges {
		keep[x.Key()] = true
		push(h.Exchanges, x.Key(), r.Exchanges[x.Key()].Value(broker.StatPublishIn))
	}
	prune(h.Exchanges, keep)
}

func (h *History) totals(vhost string, r broker.Rates, c broker.Counters) {
	add := func(stat string, v float64) { push(h.Totals, vhost+"\x00"+stat, v) }
	add(TotPublish, r.Value(broker.StatPublish))
	add(TotDeliver, r.Value(broker.StatDeliverGet))
	add(TotAck, r.Value(broker.StatAck))
	add(TotUnroutable, r.Value(broker.StatReturnUnroutable)+r.Value(broker.StatDropUnroutable))
	add(TotMessages, float64(c.Value(broker.StatMessages)))
}

func push[K comparable](m map[K]*Series, k K, v float64) {
	s := m[k]
	if s == nil {
		s = &Series{}
		m[k] = s
	}
	s.Push(v)
}

func prune[K comparable](m map[K]*Series, keep map[K]bool) {
	for k := range m {
		if !keep[k] {
			delete(m, k)
		}
	}
}
