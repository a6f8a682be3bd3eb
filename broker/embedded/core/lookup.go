package core

import "github.com/kaiten-bus/kaiten/model"

// One-object reads for the management API, so that showing one queue or
// exchange does not snapshot the whole vhost.

// QueueInfo returns one queue and its consumers as Snapshot shows them,
// without counting as a use of the queue (x-expires).
func (v *Vhost) QueueInfo(name string) (QueueInfo, []ConsumerInfo, bool) {
	q := v.lookupQueue(name)
	if q == nil {
		return QueueInfo{}, nil, false
	}
	info, cons := q.info()
	return info, cons, true
}

// ExchangeInfo returns one exchange as Snapshot shows it.
func (v *Vhost) ExchangeInfo(name string) (ExchangeInfo, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	x, ok := v.exchanges[name]
	if !ok {
		return ExchangeInfo{}, false
	}
	info := ExchangeInfo{Exchange: x.decl, PublishIn: x.publishIn.Load(), PublishOut: x.publishOut.Load()}
	if name != model.DefaultExchange {
		if p := v.matcher.ForExchange(name); p != nil {
			info.Policy = p.Name
		}
	}
	return info, true
}
