package core

import (
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// TraceExchange is the firehose's exchange, in every vhost.
const TraceExchange = "amq.rabbitmq.trace"

// ExchangeDeclare holds the fields of exchange.declare.
type ExchangeDeclare struct {
	Name       string
	Type       string
	Passive    bool
	Durable    bool
	AutoDelete bool
	Internal   bool
	Arguments  model.Table
}

// knownExchangeType reports whether core can route the type. RabbitMQ
// without plugins also has x-local-random (4.0+); core does not.
func knownExchangeType(t string) bool {
	switch t {
	case model.ExchangeDirect, model.ExchangeFanout, model.ExchangeTopic, model.ExchangeHeaders:
		return true
	}
	return false
}

// stripCRLF removes CR and LF from a name, as RabbitMQ does with every
// exchange and queue name it is given.
func stripCRLF(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", "", "\n", "").Replace(s)
}

// DeclareExchange is exchange.declare. In RabbitMQ's order: an unknown type
// is a 503 connection error, the default exchange is refused (403), an
// existing exchange must match (406 "inequivalent arg …"), and a new name
// may not start with "amq." (403).
func (v *Vhost) DeclareExchange(d ExchangeDeclare) error {
	d.Name = stripCRLF(d.Name)
	if d.Passive {
		if d.Name == model.DefaultExchange {
			return errDefaultExchange()
		}
		v.mu.Lock()
		_, ok := v.exchanges[d.Name]
		v.mu.Unlock()
		if !ok {
			return errNoExchange(d.Name, v.name)
		}
		return nil
	}
	if !knownExchangeType(d.Type) {
		return errorf(CodeCommandInvalid, "unknown exchange type '%s'", d.Type)
	}
	if d.Name == model.DefaultExchange {
		return errDefaultExchange()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if x, ok := v.exchanges[d.Name]; ok {
		return v.exchangeEquivalent(&x.decl, d)
	}
	if strings.HasPrefix(d.Name, "amq.") {
		return errorf(CodeAccessRefused, "exchange name '%s' contains reserved prefix 'amq.*'", d.Name)
	}
	if ae, ok := d.Arguments["alternate-exchange"]; ok && ae.Type != model.TypeLongstr {
		return errorf(CodePreconditionFailed, "invalid type '%s' for arg 'alternate-exchange' in %s",
			ae.Type, rs("exchange", d.Name, v.name))
	}
	if ae, ok := d.Arguments.StringValue("alternate-exchange"); ok && ae == model.DefaultExchange {
		v.aeDflt = true
	}
	v.exchanges[d.Name] = &exchange{decl: model.Exchange{
		Name: d.Name, Type: d.Type, Durable: d.Durable, AutoDelete: d.AutoDelete,
		Internal: d.Internal, Arguments: d.Arguments,
	}}
	v.changed()
	return nil
}

// exchangeEquivalent is rabbit_exchange:assert_equivalence: the type and
// flags must match, and of the arguments only alternate-exchange.
func (v *Vhost) exchangeEquivalent(x *model.Exchange, d ExchangeDeclare) error {
	what := rs("exchange", x.Name, v.name)
	if x.Type != d.Type {
		return inequivalent("type", what, quoted(d.Type), quoted(x.Type))
	}
	for _, f := range []struct {
		key       string
		cur, want bool
	}{
		{"durable", x.Durable, d.Durable},
		{"auto_delete", x.AutoDelete, d.AutoDelete},
		{"internal", x.Internal, d.Internal},
	} {
		if f.cur != f.want {
			return inequivalent(f.key, what, quotedBool(f.want), quotedBool(f.cur))
		}
	}
	return argsEquivalent(x.Arguments, d.Arguments, []string{"alternate-exchange"}, what)
}

// DeleteExchange is exchange.delete. Deleting a missing exchange succeeds,
// as in RabbitMQ 3.x; the default exchange and amq.* are refused (403);
// with ifUnused an exchange that is the source of a binding is refused
// (406). Its bindings go with it, and auto-delete exchanges left without
// bindings follow.
func (v *Vhost) DeleteExchange(name string, ifUnused bool) error {
	name = stripCRLF(name)
	if name == model.DefaultExchange {
		return errDefaultExchange()
	}
	if strings.HasPrefix(name, "amq.") {
		return errorf(CodeAccessRefused, "deletion of system %s not allowed", rs("exchange", name, v.name))
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.exchanges[name]; !ok {
		return nil
	}
	if ifUnused && v.bindings.hasSource(name) {
		return errorf(CodePreconditionFailed, "%s in use", rs("exchange", name, v.name))
	}
	v.deleteExchangeLocked(name)
	return nil
}

// BindExchange is exchange.bind: messages routed by source also go
// through destination.
func (v *Vhost) BindExchange(destination, source, key string, args model.Table) error {
	return v.bind(nil, model.Binding{
		Source: stripCRLF(source), Destination: stripCRLF(destination),
		DestinationType: model.DestExchange, RoutingKey: key, Arguments: args,
	}, true)
}

// UnbindExchange is exchange.unbind. Removing a binding that does not
// exist succeeds when both exchanges exist.
func (v *Vhost) UnbindExchange(destination, source, key string, args model.Table) error {
	return v.bind(nil, model.Binding{
		Source: stripCRLF(source), Destination: stripCRLF(destination),
		DestinationType: model.DestExchange, RoutingKey: key, Arguments: args,
	}, false)
}

// bind adds or removes a binding with rabbit_channel:binding_action's
// checks: the default exchange on either end is refused (403), then a
// missing source, then a missing destination (404), then another
// connection's exclusive queue (405).
func (v *Vhost) bind(owner *Conn, b model.Binding, add bool) error {
	if b.Source == model.DefaultExchange || (b.DestinationType == model.DestExchange && b.Destination == model.DefaultExchange) {
		return errDefaultExchange()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.exchanges[b.Source]; !ok {
		return errNoExchange(b.Source, v.name)
	}
	if b.DestinationType == model.DestExchange {
		if _, ok := v.exchanges[b.Destination]; !ok {
			return errNoExchange(b.Destination, v.name)
		}
	} else {
		q, ok := v.queues[b.Destination]
		if !ok {
			return errNoQueue(b.Destination, v.name)
		}
		if err := q.checkExclusive(owner); err != nil {
			return err
		}
	}
	if add {
		if v.bindings.add(b) {
			v.changed()
		}
		return nil
	}
	v.removeBindingsLocked([]bindingKey{keyOf(b)})
	return nil
}

// removeBindingsLocked removes bindings, then auto-deletes the exchanges
// they leave without any binding as source.
func (v *Vhost) removeBindingsLocked(keys []bindingKey) {
	var sources []string
	for _, k := range keys {
		if v.bindings.remove(k) {
			sources = append(sources, k.src)
			v.changed()
		}
	}
	for _, s := range sources {
		if x := v.exchanges[s]; x != nil && x.decl.AutoDelete && !v.bindings.hasSource(s) {
			v.deleteExchangeLocked(s)
		}
	}
}

// deleteExchangeLocked deletes an exchange and every binding to or from it.
func (v *Vhost) deleteExchangeLocked(name string) {
	delete(v.exchanges, name)
	v.changed()
	v.removeBindingsLocked(v.bindings.keysTouching(name, true, destRef{name, true}))
}
