package model

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// load builds the vhosts from the items.
func (p *defsParser) load() error {
	d := p.d
	listed := map[string]bool{}
	err := p.eachItem("vhosts", func(it *defItem) {
		name := it.str(fName, true)
		if it.err != nil {
			return
		}
		listed[name] = true
		if !d.Format.OneVhost {
			p.vhost(name)
		}
	})
	if err != nil {
		return err
	}
	if d.Format.OneVhost {
		p.vhost(p.single)
	}
	steps := []struct {
		list string
		load func(*defItem)
	}{
		{"exchanges", p.exchange},
		{"queues", p.queue},
		{"policies", p.policy},
		{"operator_policies", p.policy},
		{"parameters", p.parameter},
		{"bindings", p.binding},
	}
	for _, s := range steps {
		if err := p.eachItem(s.list, s.load); err != nil {
			return err
		}
	}
	d.Warnings = append(d.Warnings, p.later...)
	if p.total[1] > 0 {
		d.Format.NoInternal = !p.internal
	}
	names := make([]string, 0, len(p.vhosts))
	for name := range p.vhosts {
		names = append(names, name)
	}
	slices.Sort(names)
	_, hasList := d.Extra["vhosts"]
	for _, name := range names {
		vb := p.vhosts[name]
		if hasList && !d.Format.OneVhost && !listed[name] {
			p.warn(fmt.Sprintf("vhost %q", name), "is not in the \"vhosts\" list, yet %d items name it, the first %s", vb.uses, vb.firstUse)
		}
		sortVhost(&vb.v)
		d.Vhosts = append(d.Vhosts, vb.v)
	}
	return nil
}

// vhost returns the named vhost's builder, made with room for the items
// counted for it.
func (p *defsParser) vhost(name string) *vhostBuilder {
	vb, ok := p.vhosts[name]
	if ok {
		return vb
	}
	vb = &vhostBuilder{v: Vhost{Name: name}}
	for i := range vb.names {
		vb.names[i] = map[string]bool{}
	}
	c := p.counts[name]
	if p.d.Format.OneVhost {
		c = &p.total
	}
	if c == nil {
		c = new(itemCounts)
	}
	if c[0] > 0 {
		vb.v.Queues = make([]Queue, 0, c[0])
	}
	if c[1] > 0 {
		vb.v.Exchanges = make([]Exchange, 0, c[1])
	}
	if c[2] > 0 {
		vb.v.Bindings = make([]Binding, 0, c[2])
	}
	vb.bindings = make(map[uint64]int32, c[2])
	p.vhosts[name] = vb
	return vb
}

// itemVhost returns the vhost an item belongs to.
func (p *defsParser) itemVhost(it *defItem) *vhostBuilder {
	var vb *vhostBuilder
	if p.d.Format.OneVhost {
		p.d.Format.PolicyVhost = p.d.Format.PolicyVhost || it.has(fVhost)
		if v := it.strBytes(fVhost, false); len(v) > 0 && string(v) != p.single && !p.warned["vhost"] {
			p.warned["vhost"] = true
			p.warn(it.label(), "names vhost %q, but this export is of vhost %q; it (and any like it) is loaded into %q", string(v), p.single, p.single)
		}
		vb = p.vhost(p.single)
	} else {
		name := it.strBytes(fVhost, true)
		if vb = p.vhosts[string(name)]; vb == nil {
			vb = p.vhost(string(name))
		}
	}
	if vb.uses == 0 {
		vb.firstUse = it.label()
	}
	vb.uses++
	return vb
}

// claim records a name of a kind in the vhost, warning when it is there
// already.
func (p *defsParser) claim(vb *vhostBuilder, it *defItem, kind int, name string) bool {
	if vb.names[kind][name] {
		p.warn(it.label(), "%s %s in vhost %q comes twice; the first is kept", nameKinds[kind], strconv.Quote(name), vb.v.Name)
		return false
	}
	vb.names[kind][name] = true
	return true
}

func (p *defsParser) exchange(it *defItem) {
	it.checkKeys()
	p.internal = p.internal || it.has(fInternal)
	x := Exchange{
		Name:       it.nonEmpty(fName),
		Type:       it.nonEmpty(fType),
		Durable:    it.boolean(fDurable),
		AutoDelete: it.boolean(fAutoDelete),
		Internal:   it.boolean(fInternal),
		Arguments:  it.table(fArguments, false),
	}
	vb := p.itemVhost(it)
	if it.err != nil {
		return
	}
	if isBuiltinExchange(x.Name) {
		p.warn(it.label(), "is a built-in exchange, which exports leave out and RabbitMQ skips on import")
	}
	if p.claim(vb, it, nameExchange, x.Name) {
		vb.v.Exchanges = append(vb.v.Exchanges, x)
	}
}

func (p *defsParser) queue(it *defItem) {
	it.checkKeys()
	q := Queue{
		Name:       it.nonEmpty(fName),
		Durable:    it.boolean(fDurable),
		AutoDelete: it.boolean(fAutoDelete),
		Arguments:  it.table(fArguments, false),
	}
	argType, _ := q.Arguments.StringValue("x-queue-type")
	q.Type = cmp.Or(argType, "classic")
	if it.has(fType) {
		p.d.Format.QueueType = true
		if t := it.shared(fType, false); t != "" {
			if argType != "" && argType != t {
				p.warn(it.label(), "type %q disagrees with its x-queue-type argument %q; type is used", t, argType)
			}
			q.Type = t
		}
	}
	vb := p.itemVhost(it)
	if it.err == nil && p.claim(vb, it, nameQueue, q.Name) {
		vb.v.Queues = append(vb.v.Queues, q)
	}
}

func (p *defsParser) policy(it *defItem) {
	it.checkKeys()
	name := it.str(fName, true)
	pol := policyBody(it)
	pol.Name = name
	pol.Operator = it.list == "operator_policies"
	p.addPolicy(it, pol)
}

// parameter loads an operator policy RabbitMQ exports as a runtime
// parameter; other parameters stay in Extra only.
func (p *defsParser) parameter(it *defItem) {
	if it.peek(fComponent) != componentOperatorPolicy {
		return
	}
	val := it.object(fValue)
	if val == nil {
		return
	}
	name := it.str(fName, true)
	pol := policyBody(val)
	if val.err != nil {
		it.err = val.err
		return
	}
	pol.Name = name
	pol.Operator = true
	p.addPolicy(it, pol)
}

// policyBody reads the keys a policy and an operator-policy parameter's
// value share.
func policyBody(it *defItem) Policy {
	pol := Policy{
		Pattern:    it.str(fPattern, true),
		ApplyTo:    cmp.Or(it.str(fApplyTo, false), "all"),
		Priority:   it.integer(fPriority),
		Definition: it.table(fDefinition, true),
	}
	if it.err == nil && !slices.Contains(applyTo, pol.ApplyTo) {
		it.p.warn(it.label(), "apply-to %q is not one RabbitMQ knows; the policy applies to nothing", pol.ApplyTo)
	}
	return pol
}

func (p *defsParser) addPolicy(it *defItem, pol Policy) {
	vb := p.itemVhost(it)
	if it.err != nil {
		return
	}
	kind := namePolicy
	if pol.Operator {
		kind = nameOperatorPolicy
	}
	if p.claim(vb, it, kind, pol.Name) {
		vb.v.Policies = append(vb.v.Policies, pol)
	}
}

func (p *defsParser) binding(it *defItem) {
	it.checkKeys()
	b := Binding{
		Source:      it.shared(fSource, true),
		Destination: it.shared(fDestination, true),
		RoutingKey:  it.str(fRoutingKey, false),
		Arguments:   it.table(fArguments, false),
	}
	switch dt := it.strBytes(fDestinationType, true); string(dt) {
	case "queue":
	case "exchange":
		b.DestinationType = DestExchange
	default:
		if it.err == nil {
			it.fail(it.fields[fDestinationType].off, "destination_type must be \"queue\" or \"exchange\", not %q", string(dt))
		}
	}
	vb := p.itemVhost(it)
	if it.err != nil || !p.claimBinding(vb, it, &b) {
		return
	}
	p.undefinedToVoid(it, &b)
	vb.v.Bindings = append(vb.v.Bindings, b)
	p.checkBinding(it, vb, &b)
}

// claimBinding records a binding in the vhost, warning when the same one
// is there already. It keeps a hash of each binding's key, not the key.
func (p *defsParser) claimBinding(vb *vhostBuilder, it *defItem, b *Binding) bool {
	h := p.bindingHash(b)
	first, ok := vb.bindings[h]
	if !ok {
		vb.bindings[h] = int32(len(vb.v.Bindings))
		return true
	}
	key := bindingKey(b)
	if bindingKey(&vb.v.Bindings[first]) == key || vb.moreBindings[key] {
		p.warn(it.label(), "the same binding in vhost %q comes twice; the first is kept", vb.v.Name)
		return false
	}
	if vb.moreBindings == nil {
		vb.moreBindings = map[string]bool{}
	}
	vb.moreBindings[key] = true
	return true
}

// bindingHash hashes the bytes bindingKey joins, so that bindings with
// the same key have the same hash.
func (p *defsParser) bindingHash(b *Binding) uint64 {
	h := &p.hash
	h.Reset()
	for _, s := range [...]string{b.Source, b.DestinationType.String(), b.Destination, b.RoutingKey} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	if b.Arguments == nil {
		h.WriteString("{}") // what Table(nil).MarshalJSON gives
	} else {
		args, _ := b.Arguments.MarshalJSON()
		h.Write(args)
	}
	return h.Sum64()
}

// checkBinding warns, after the bindings' other warnings, about a binding
// whose ends do not exist. Exports leave out the built-in exchanges, which
// every vhost has.
func (p *defsParser) checkBinding(it *defItem, vb *vhostBuilder, b *Binding) {
	switch {
	case b.Source == DefaultExchange:
		p.warnLater(it, "the default exchange cannot have explicit bindings")
	case !vb.names[nameExchange][b.Source] && !isBuiltinExchange(b.Source):
		p.warnLater(it, "source exchange %q does not exist in vhost %q", b.Source, vb.v.Name)
	}
	var ok bool
	switch {
	case b.DestinationType == DestQueue:
		ok = vb.names[nameQueue][b.Destination]
	case b.Destination == DefaultExchange:
		p.warnLater(it, "the default exchange cannot be a binding's destination")
		return
	default:
		ok = vb.names[nameExchange][b.Destination] || isBuiltinExchange(b.Destination)
	}
	if !ok {
		p.warnLater(it, "destination %s %q does not exist in vhost %q", b.DestinationType, b.Destination, vb.v.Name)
	}
}

func (p *defsParser) warnLater(it *defItem, format string, args ...any) {
	p.later = append(p.later, Warning{Item: it.label(), Text: fmt.Sprintf(format, args...)})
}

func isBuiltinExchange(name string) bool { return builtinExchangeNames[name] }

var builtinExchangeNames = func() map[string]bool {
	m := map[string]bool{}
	for _, x := range BuiltinExchanges() {
		m[x.Name] = true
	}
	return m
}()

// bindingKey identifies a binding as RabbitMQ does: by all of its parts.
func bindingKey(b *Binding) string {
	args, _ := b.Arguments.MarshalJSON()
	return strings.Join([]string{b.Source, b.DestinationType.String(), b.Destination, b.RoutingKey, string(args)}, "\x00")
}

// undefinedToVoid reads the string "undefined" in a binding's arguments as
// void. RabbitMQ 3.x exports a void argument (a headers binding that asks
// only for a header's presence) as Erlang's atom undefined, which comes out
// as that string; taken literally, the trace would disagree with the broker
// the file came from. Written back, the argument is null.
func (p *defsParser) undefinedToVoid(it *defItem, b *Binding) {
	for _, k := range b.Arguments.Keys() {
		if v := b.Arguments[k]; v.Type == TypeLongstr && v.Str == "undefined" {
			p.warn(it.label(), "argument %q is the string \"undefined\", which is how RabbitMQ exports a void (presence-only) argument; read as void", k)
			b.Arguments[k] = Void()
		}
	}
}
