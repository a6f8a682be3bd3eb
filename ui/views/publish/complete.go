package publish

import (
	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/components/complete"
)

// completions finds what the focused field can be completed with: the
// exchanges of the vhost for the exchange, and for the routing key the
// binding keys of the chosen exchange (the queue names for the default
// exchange, which routes by queue name).
func (m *Model) completions() {
	var cands []string
	if d := m.c.Data; d.Ready() {
		vhost, x := m.vhost(), m.inputs[FieldExchange].Value()
		switch m.focus {
		case FieldExchange:
			names := m.names.Get(d.Seq, "x\x00"+vhost, func() []string { return complete.ExchangeNames(d.Snap, vhost) })
			cands = complete.Match(m.inputs[FieldExchange].Value(), names, maxCandidates)
		case FieldKey:
			names := m.names.Get(d.Seq, "k\x00"+vhost+"\x00"+x, func() []string { return complete.BindingKeys(d.Snap, vhost, x) })
			cands = complete.Match(m.inputs[FieldKey].Value(), names, maxCandidates)
		}
	}
	m.cands.Set(cands)
}

// target describes the chosen exchange: its type and binding count, or
// that the vhost has none of that name.
func (m *Model) target() (text string, ok bool) {
	name := m.inputs[FieldExchange].Value()
	if name == "" {
		return "the default exchange: the routing key names the queue", true
	}
	if !m.c.Data.Ready() {
		return "", true
	}
	k := broker.ObjectKey{Vhost: m.vhost(), Name: name}
	for _, x := range m.c.Data.Snap.Exchanges {
		if x.Key() == k {
			n := 0
			for _, b := range m.c.Data.Snap.Bindings {
				if b.Vhost == k.Vhost && b.Source == name {
					n++
				}
			}
			return x.Type + " exchange, " + plural(n, "binding"), true
		}
	}
	return "no such exchange in this vhost: the broker will refuse the publish (404)", false
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}
