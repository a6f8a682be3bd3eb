package model

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Definitions is a RabbitMQ definitions export, in either of its shapes:
// the whole broker (`rabbitmqctl export_definitions`, GET /api/definitions),
// where every queue, exchange, binding and policy names its vhost, and one
// vhost (GET /api/definitions/{vhost}), where they do not.
//
// Definitions leave out what RabbitMQ never exports: the built-in exchanges,
// exclusive queues and bindings from the default exchange. Use
// Vhost.WithBuiltins before routing.
type Definitions struct {
	// RabbitVersion, RabbitMQVersion, ProductName and ProductVersion are
	// the export's rabbit_version, rabbitmq_version, product_name and
	// product_version; empty ones are not written.
	RabbitVersion   string
	RabbitMQVersion string
	ProductName     string
	ProductVersion  string

	// Vhosts holds each vhost's topology, sorted by name, each list sorted
	// too. A whole-broker export has every vhost its "vhosts" list names and
	// every vhost an item names; a one-vhost export has exactly one.
	// Operator policies are among the Policies, with Operator set.
	Vhosts []Vhost

	// Format records how the export spells what varies between versions,
	// so that writing reproduces it.
	Format DefinitionsFormat

	// Extra holds every other top-level key verbatim: users, vhosts,
	// permissions, topic_permissions, parameters, global_parameters and
	// keys kaiten does not know. Writing puts them back unchanged, except
	// that operator-policy parameters are written from Vhosts.
	Extra map[string]json.RawMessage

	// Warnings lists what is odd but loadable: bindings whose source or
	// destination is missing, vhosts the "vhosts" list lacks, duplicates,
	// keys kaiten drops. Each names its item by its place in the file,
	// like `bindings[4] ("nova" -> queue "compute")`, but not the file.
	Warnings []Warning
}

// DefinitionsFormat records the spelling of an export that differs between
// shapes and RabbitMQ versions.
type DefinitionsFormat struct {
	// OneVhost marks a one-vhost export: queues, exchanges and bindings
	// carry no "vhost" key.
	OneVhost bool
	// PolicyVhost marks a one-vhost export whose policies (and
	// operator-policy parameters) still carry "vhost", as RabbitMQ 3.10
	// writes them; RabbitMQ's main branch strips it.
	PolicyVhost bool
	// QueueType marks an export whose queues carry a "type" key; older
	// versions give the type only as the x-queue-type argument.
	QueueType bool
	// NoInternal marks an export whose exchanges carry no "internal" key,
	// as RabbitMQ's unreleased main branch (2026) writes them.
	NoInternal bool
	// OperatorPolicies marks an export that lists operator policies under
	// "operator_policies". RabbitMQ 3.10 writes them as runtime
	// parameters of component "operator_policy" instead.
	OperatorPolicies bool
}

// DefinitionsError is a definitions file that cannot be loaded: bad JSON,
// or an item of the wrong shape. Its text is `FILE:LINE:COL: ITEM: PROBLEM`.
type DefinitionsError struct {
	File    string
	Line    int    // 1-based; 0 when the problem has no one place
	Col     int    // 1-based, in bytes
	Item    string // the item at fault, like `exchanges[3] ("nova")`; "" for the file
	Problem string
}

func (e *DefinitionsError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Item != "" {
		b.WriteString(e.Item)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Vhost returns the named vhost's topology.
func (d *Definitions) Vhost(name string) (*Vhost, bool) {
	for i := range d.Vhosts {
		if d.Vhosts[i].Name == name {
			return &d.Vhosts[i], true
		}
	}
	return nil, false
}

// Version returns the RabbitMQ version that wrote the export:
// rabbitmq_version, or rabbit_version where that is all there is.
func (d *Definitions) Version() string {
	return cmp.Or(d.RabbitMQVersion, d.RabbitVersion)
}

// componentOperatorPolicy is the runtime-parameter component RabbitMQ
// stores and exports operator policies as.
const componentOperatorPolicy = "operator_policy"

// applyTo lists the apply-to values some RabbitMQ version knows.
var applyTo = []string{"all", "exchanges", "queues", "classic_queues", "quorum_queues", "streams"}

// The keys each kind of item may have; others are warned about and dropped.
var itemKeys = map[string][]string{
	"queues":            {"name", "vhost", "type", "durable", "auto_delete", "arguments"},
	"exchanges":         {"name", "vhost", "type", "durable", "auto_delete", "internal", "arguments"},
	"bindings":          {"source", "vhost", "destination", "destination_type", "routing_key", "arguments"},
	"policies":          policyKeys,
	"operator_policies": policyKeys,
}

var policyKeys = []string{"name", "vhost", "pattern", "apply-to", "definition", "priority"}

// ParseDefinitions reads a definitions export. name is the file's name for
// messages. defaultVhost names the vhost of a one-vhost export; when it is
// "", the export's original_vhost_name, else the vhost its policies name,
// else "/". Errors are *DefinitionsError.
func ParseDefinitions(name string, data []byte, defaultVhost string) (*Definitions, error) {
	p := &defsParser{file: name, data: data, vhosts: map[string]*vhostBuilder{}, warned: map[string]bool{}}
	if err := p.parse(defaultVhost); err != nil {
		return nil, err
	}
	return p.d, nil
}

type defsParser struct {
	file   string
	data   []byte
	d      *Definitions
	lists  map[string][]*defItem
	vhosts map[string]*vhostBuilder
	warned map[string]bool // "list key" pairs and "vhost" already warned about
	single string          // the vhost of a one-vhost export
}

// vhostBuilder collects one vhost and what it already holds.
type vhostBuilder struct {
	v        Vhost
	names    map[string]bool // "x name", "q name", "p name", "o name", "b key"
	firstUse string
	uses     int
}

func (p *defsParser) errAt(off int, item, format string, args ...any) *DefinitionsError {
	line, col := lineCol(p.data, off)
	return &DefinitionsError{File: p.file, Line: line, Col: col, Item: item, Problem: fmt.Sprintf(format, args...)}
}

func (p *defsParser) warn(item, format string, args ...any) {
	p.d.Warnings = append(p.d.Warnings, Warning{Item: item, Text: fmt.Sprintf(format, args...)})
}

func (p *defsParser) parse(defaultVhost string) error {
	start := 0
	if bytes.HasPrefix(p.data, []byte("\xef\xbb\xbf")) {
		start = 3 // RabbitMQ strips a byte-order mark too
	}
	if body := p.data[start:]; !json.Valid(body) {
		return p.jsonError(json.Unmarshal(body, new(any)), start)
	}
	off := skipSpace(p.data, start, 0)
	top := rawValue{bytes.TrimRight(p.data[off:], " \t\r\n"), off}
	if k := jsonKind(top.raw); k != kindObject {
		return p.errAt(top.off, "", "definitions must be a JSON object, not %s", k)
	}
	p.d = &Definitions{Extra: map[string]json.RawMessage{}}
	p.lists = map[string][]*defItem{}
	for _, m := range split(top) {
		if err := p.topLevel(m); err != nil {
			return err
		}
	}
	if err := p.detectShape(defaultVhost); err != nil {
		return err
	}
	return p.load()
}

// jsonError places a syntax error. Types are checked item by item later,
// so no other decoding error arises.
func (p *defsParser) jsonError(err error, base int) error {
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return &DefinitionsError{File: p.file, Problem: err.Error()}
	}
	off := int(syn.Offset) - 1 // the offset is just past the bad byte
	if strings.HasPrefix(syn.Error(), "unexpected end") {
		off = int(syn.Offset)
	}
	return p.errAt(base+max(off, 0), "", "%s", syn.Error())
}

func (p *defsParser) topLevel(m rawMember) error {
	d := p.d
	var err error
	switch m.key {
	case "rabbit_version":
		d.RabbitVersion, err = p.topString(m)
	case "rabbitmq_version":
		d.RabbitMQVersion, err = p.topString(m)
	case "product_name":
		d.ProductName, err = p.topString(m)
	case "product_version":
		d.ProductVersion, err = p.topString(m)
	case "queues", "exchanges", "bindings", "policies", "operator_policies":
		if m.key == "operator_policies" {
			d.Format.OperatorPolicies = true
		}
		p.lists[m.key], err = p.items(m)
	case "vhosts", "parameters":
		d.Extra[m.key] = bytes.Clone(m.raw)
		p.lists[m.key], err = p.items(m)
	default:
		d.Extra[m.key] = bytes.Clone(m.raw)
	}
	return err
}

func (p *defsParser) topString(m rawMember) (string, error) {
	if k := jsonKind(m.raw); k != kindString {
		return "", p.errAt(m.off, "", "%q must be a string, not %s", m.key, k)
	}
	return jsonString(m.raw), nil
}

// items splits a top-level list into its items, each an object.
func (p *defsParser) items(m rawMember) ([]*defItem, error) {
	switch k := jsonKind(m.raw); k {
	case kindNull:
		return nil, nil
	case kindList:
	default:
		return nil, p.errAt(m.off, "", "%q must be a list, not %s", m.key, k)
	}
	elems := split(m.rawValue)
	out := make([]*defItem, len(elems))
	for i, e := range elems {
		if k := jsonKind(e.raw); k != kindObject {
			return nil, p.errAt(e.off, fmt.Sprintf("%s[%d]", m.key, i), "must be an object, not %s", k)
		}
		out[i] = &defItem{p: p, list: m.key, index: i, off: e.off, fields: objectFields(e.rawValue)}
	}
	return out, nil
}

// detectShape tells the two shapes apart by whether items carry a vhost,
// and picks the vhost of a one-vhost export.
func (p *defsParser) detectShape(defaultVhost string) error {
	var first *defItem
	for _, list := range []string{"queues", "exchanges", "bindings"} {
		for _, it := range p.lists[list] {
			if first == nil {
				first = it
				continue
			}
			if it.has("vhost") != first.has("vhost") {
				has, other := "has no", "one"
				if it.has("vhost") {
					has, other = "has a", "none"
				}
				return p.errAt(it.off, it.label(), "%s \"vhost\" key, but %s has %s; an export names the vhost on every item or on none",
					has, first.label(), other)
			}
		}
	}
	f := &p.d.Format
	switch {
	case first != nil:
		f.OneVhost = !first.has("vhost")
	case p.extraString("rabbitmq_definition_format") == "single_virtual_host":
		f.OneVhost = true
	case p.extraString("rabbitmq_definition_format") == "cluster":
	default:
		_, users := p.d.Extra["users"]
		_, vhosts := p.d.Extra["vhosts"]
		f.OneVhost = !users && !vhosts
	}
	if !f.OneVhost {
		return nil
	}
	p.single = cmp.Or(defaultVhost, p.extraString("original_vhost_name"), p.policiesVhost(), "/")
	return nil
}

// policiesVhost is the vhost every policy of a one-vhost export names, if
// they name one and agree.
func (p *defsParser) policiesVhost() string {
	seen := ""
	for _, list := range []string{"policies", "operator_policies", "parameters"} {
		for _, it := range p.lists[list] {
			if list == "parameters" && it.peek("component") != componentOperatorPolicy {
				continue
			}
			v := it.peek("vhost")
			if v == "" || (seen != "" && v != seen) {
				return ""
			}
			seen = v
		}
	}
	return seen
}

func (p *defsParser) extraString(key string) string {
	if raw, ok := p.d.Extra[key]; ok && jsonKind(raw) == kindString {
		return jsonString(raw)
	}
	return ""
}

// load builds the vhosts from the items.
func (p *defsParser) load() error {
	d := p.d
	listed := map[string]bool{}
	for _, it := range p.lists["vhosts"] {
		name := it.str("name", true)
		if it.err != nil {
			return it.err
		}
		listed[name] = true
		if !d.Format.OneVhost {
			p.vhost(name)
		}
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
	}
	for _, s := range steps {
		for _, it := range p.lists[s.list] {
			s.load(it)
			if it.err != nil {
				return it.err
			}
		}
	}
	var bindings []pendingBinding
	for _, it := range p.lists["bindings"] {
		b, vb := p.binding(it)
		if it.err != nil {
			return it.err
		}
		if vb != nil {
			bindings = append(bindings, pendingBinding{it, vb, b})
		}
	}
	for _, pb := range bindings {
		p.checkBinding(pb)
	}
	if xs := p.lists["exchanges"]; len(xs) > 0 {
		d.Format.NoInternal = !slices.ContainsFunc(xs, func(it *defItem) bool { return it.has("internal") })
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

func (p *defsParser) vhost(name string) *vhostBuilder {
	vb, ok := p.vhosts[name]
	if !ok {
		vb = &vhostBuilder{v: Vhost{Name: name}, names: map[string]bool{}}
		p.vhosts[name] = vb
	}
	return vb
}

// itemVhost returns the vhost an item belongs to.
func (p *defsParser) itemVhost(it *defItem) *vhostBuilder {
	var vb *vhostBuilder
	if p.d.Format.OneVhost {
		p.d.Format.PolicyVhost = p.d.Format.PolicyVhost || it.has("vhost")
		if v := it.str("vhost", false); v != "" && v != p.single && !p.warned["vhost"] {
			p.warned["vhost"] = true
			p.warn(it.label(), "names vhost %q, but this export is of vhost %q; it (and any like it) is loaded into %q", v, p.single, p.single)
		}
		vb = p.vhost(p.single)
	} else {
		vb = p.vhost(it.str("vhost", true))
	}
	if vb.uses == 0 {
		vb.firstUse = it.label()
	}
	vb.uses++
	return vb
}

// claim records a name in the vhost, warning when it is there already.
func (p *defsParser) claim(vb *vhostBuilder, it *defItem, key, what string) bool {
	if vb.names[key] {
		p.warn(it.label(), "%s in vhost %q comes twice; the first is kept", what, vb.v.Name)
		return false
	}
	vb.names[key] = true
	return true
}

func (p *defsParser) exchange(it *defItem) {
	it.checkKeys()
	x := Exchange{
		Name:       it.nonEmpty("name"),
		Type:       it.nonEmpty("type"),
		Durable:    it.boolean("durable"),
		AutoDelete: it.boolean("auto_delete"),
		Internal:   it.boolean("internal"),
		Arguments:  it.table("arguments", false),
	}
	vb := p.itemVhost(it)
	if it.err != nil {
		return
	}
	if isBuiltinExchange(x.Name) {
		p.warn(it.label(), "is a built-in exchange, which exports leave out and RabbitMQ skips on import")
	}
	if p.claim(vb, it, "x "+x.Name, "exchange "+strconv.Quote(x.Name)) {
		vb.v.Exchanges = append(vb.v.Exchanges, x)
	}
}

func (p *defsParser) queue(it *defItem) {
	it.checkKeys()
	q := Queue{
		Name:       it.nonEmpty("name"),
		Durable:    it.boolean("durable"),
		AutoDelete: it.boolean("auto_delete"),
		Arguments:  it.table("arguments", false),
	}
	argType, _ := q.Arguments.StringValue("x-queue-type")
	q.Type = cmp.Or(argType, "classic")
	if it.has("type") {
		p.d.Format.QueueType = true
		if t := it.str("type", false); t != "" {
			if argType != "" && argType != t {
				p.warn(it.label(), "type %q disagrees with its x-queue-type argument %q; type is used", t, argType)
			}
			q.Type = t
		}
	}
	vb := p.itemVhost(it)
	if it.err == nil && p.claim(vb, it, "q "+q.Name, "queue "+strconv.Quote(q.Name)) {
		vb.v.Queues = append(vb.v.Queues, q)
	}
}

func (p *defsParser) policy(it *defItem) {
	it.checkKeys()
	name := it.str("name", true)
	pol := policyBody(it)
	pol.Name = name
	pol.Operator = it.list == "operator_policies"
	p.addPolicy(it, pol)
}

// parameter loads an operator policy RabbitMQ exports as a runtime
// parameter; other parameters stay in Extra only.
func (p *defsParser) parameter(it *defItem) {
	if it.peek("component") != componentOperatorPolicy {
		return
	}
	val := it.object("value")
	if val == nil {
		return
	}
	name := it.str("name", true)
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
		Pattern:    it.str("pattern", true),
		ApplyTo:    cmp.Or(it.str("apply-to", false), "all"),
		Priority:   it.integer("priority"),
		Definition: it.table("definition", true),
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
	key, what := "p "+pol.Name, "policy "+strconv.Quote(pol.Name)
	if pol.Operator {
		key, what = "o "+pol.Name, "operator policy "+strconv.Quote(pol.Name)
	}
	if p.claim(vb, it, key, what) {
		vb.v.Policies = append(vb.v.Policies, pol)
	}
}

type pendingBinding struct {
	it *defItem
	vb *vhostBuilder
	b  Binding
}

func (p *defsParser) binding(it *defItem) (Binding, *vhostBuilder) {
	it.checkKeys()
	b := Binding{
		Source:      it.str("source", true),
		Destination: it.str("destination", true),
		RoutingKey:  it.str("routing_key", false),
		Arguments:   it.table("arguments", false),
	}
	switch dt := it.str("destination_type", true); dt {
	case "queue":
	case "exchange":
		b.DestinationType = DestExchange
	default:
		if it.err == nil {
			it.fail(it.fields["destination_type"].off, "destination_type must be \"queue\" or \"exchange\", not %q", dt)
		}
	}
	vb := p.itemVhost(it)
	if it.err != nil || !p.claim(vb, it, "b "+bindingKey(&b), "the same binding") {
		return b, nil
	}
	vb.v.Bindings = append(vb.v.Bindings, b)
	return b, vb
}

// checkBinding warns about a binding whose ends do not exist. Exports
// leave out the built-in exchanges, which every vhost has.
func (p *defsParser) checkBinding(pb pendingBinding) {
	b, vb := &pb.b, pb.vb
	switch {
	case b.Source == DefaultExchange:
		p.warn(pb.it.label(), "the default exchange cannot have explicit bindings")
	case !vb.names["x "+b.Source] && !isBuiltinExchange(b.Source):
		p.warn(pb.it.label(), "source exchange %q does not exist in vhost %q", b.Source, vb.v.Name)
	}
	var ok bool
	switch {
	case b.DestinationType == DestQueue:
		ok = vb.names["q "+b.Destination]
	case b.Destination == DefaultExchange:
		p.warn(pb.it.label(), "the default exchange cannot be a binding's destination")
		return
	default:
		ok = vb.names["x "+b.Destination] || isBuiltinExchange(b.Destination)
	}
	if !ok {
		p.warn(pb.it.label(), "destination %s %q does not exist in vhost %q", b.DestinationType, b.Destination, vb.v.Name)
	}
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
