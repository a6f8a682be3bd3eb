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
	"unicode/utf8"
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

// rawValue is one JSON value of the file and where it starts.
type rawValue struct {
	raw json.RawMessage
	off int
}

type rawMember struct {
	key string
	rawValue
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
		ms := split(e.rawValue)
		it := &defItem{p: p, list: m.key, index: i, off: e.off, fields: make(map[string]rawValue, len(ms))}
		for _, f := range ms {
			it.fields[f.key] = f.rawValue
		}
		out[i] = it
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

// defItem is one object of the file, read field by field. The first
// problem sticks in err and later reads return zero values.
type defItem struct {
	p      *defsParser
	parent *defItem // the item an object inside one belongs to
	list   string
	index  int
	off    int
	fields map[string]rawValue
	name   string // the label, once made
	err    error
}

// label names the item for messages: its place in the file and what it
// is, like `exchanges[3] ("nova")`.
func (it *defItem) label() string {
	if it.parent != nil {
		return it.parent.label()
	}
	if it.name == "" {
		it.name = it.describe(fmt.Sprintf("%s[%d]", it.list, it.index))
	}
	return it.name
}

func (it *defItem) describe(place string) string {
	if it.list == "bindings" {
		src, dst, dt := it.peek("source"), it.peek("destination"), it.peek("destination_type")
		if dt != "queue" && dt != "exchange" {
			return fmt.Sprintf("%s (%q -> %q)", place, src, dst)
		}
		return fmt.Sprintf("%s (%q -> %s %q)", place, src, dt, dst)
	}
	if n, ok := it.fields["name"]; ok && jsonKind(n.raw) == kindString {
		return fmt.Sprintf("%s (%q)", place, it.peek("name"))
	}
	return place
}

func (it *defItem) has(key string) bool {
	_, ok := it.fields[key]
	return ok
}

// peek returns the string under key, or "" when there is none.
func (it *defItem) peek(key string) string {
	if f, ok := it.fields[key]; ok && jsonKind(f.raw) == kindString {
		return jsonString(f.raw)
	}
	return ""
}

func (it *defItem) fail(off int, format string, args ...any) {
	if it.err == nil {
		it.err = it.p.errAt(off, it.label(), format, args...)
	}
}

// field returns the value under key when it has the kind wanted. A missing
// key, or null for an optional one, gives false.
func (it *defItem) field(key string, need bool, want jsonKindName) (rawValue, bool) {
	f, ok := it.fields[key]
	if !ok || (!need && jsonKind(f.raw) == kindNull) {
		if need {
			it.fail(it.off, "has no %q", key)
		}
		return rawValue{}, false
	}
	if k := jsonKind(f.raw); k != want {
		it.fail(f.off, "%q must be %s, not %s", key, want, k)
		return rawValue{}, false
	}
	return f, it.err == nil
}

func (it *defItem) str(key string, need bool) string {
	if f, ok := it.field(key, need, kindString); ok {
		return jsonString(f.raw)
	}
	return ""
}

func (it *defItem) nonEmpty(key string) string {
	s := it.str(key, true)
	if s == "" {
		it.fail(it.fields[key].off, "%q must not be empty", key)
	}
	return s
}

func (it *defItem) boolean(key string) bool {
	f, ok := it.field(key, false, kindBool)
	return ok && string(f.raw) == "true"
}

func (it *defItem) integer(key string) int {
	f, ok := it.field(key, false, kindNumber)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(string(f.raw))
	if err != nil {
		it.fail(f.off, "%q must be an integer, not %s", key, f.raw)
	}
	return n
}

// table reads an object of AMQP values; RabbitMQ writes an empty one as
// [] in places. An empty table is nil.
func (it *defItem) table(key string, need bool) Table {
	f, ok := it.fields[key]
	if k := jsonKind(f.raw); ok && (k == kindList || k == kindObject) && skipSpace(f.raw, 1, 0) == len(f.raw)-1 {
		return nil // {} or []
	}
	if f, ok = it.field(key, need, kindObject); !ok {
		return nil
	}
	var t Table
	if err := t.UnmarshalJSON(f.raw); err != nil {
		it.fail(f.off, "%q: %v", key, err)
		return nil
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

// object returns the object under key as an item of its own, named in
// messages as its parent.
func (it *defItem) object(key string) *defItem {
	f, ok := it.field(key, true, kindObject)
	if !ok {
		return nil
	}
	ms := split(f)
	sub := &defItem{p: it.p, parent: it, off: f.off, fields: map[string]rawValue{}}
	for _, m := range ms {
		sub.fields[m.key] = m.rawValue
	}
	return sub
}

// checkKeys warns, once per list, about keys the model has no place for.
func (it *defItem) checkKeys() {
	var unknown []string
	for key := range it.fields {
		if !slices.Contains(itemKeys[it.list], key) && !it.p.warned[it.list+" "+key] {
			unknown = append(unknown, key)
		}
	}
	slices.Sort(unknown)
	for _, key := range unknown {
		it.p.warned[it.list+" "+key] = true
		it.p.warn(it.label(), "has key %q, which kaiten does not model and drops when writing (warned once for all %s)", key, it.list)
	}
}

// jsonKindName names a kind of JSON value, with its article.
type jsonKindName string

const (
	kindString jsonKindName = "a string"
	kindNumber jsonKindName = "a number"
	kindObject jsonKindName = "an object"
	kindList   jsonKindName = "a list"
	kindBool   jsonKindName = "a boolean"
	kindNull   jsonKindName = "null"
)

func jsonKind(raw []byte) jsonKindName {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return kindNull
	}
	switch raw[0] {
	case '"':
		return kindString
	case '{':
		return kindObject
	case '[':
		return kindList
	case 't', 'f':
		return kindBool
	case 'n':
		return kindNull
	}
	return kindNumber
}

// split splits a JSON object into its members, or a list into its
// elements (with no key), each with its offset in the file. The whole file
// has been checked to be valid JSON, so the scan need not check again.
func split(v rawValue) []rawMember {
	b := v.raw
	var out []rawMember
	for i := skipSpace(b, 1, 0); i < len(b) && b[i] != '}' && b[i] != ']'; {
		key := ""
		if b[0] == '{' {
			end := skipString(b, i)
			key = jsonString(b[i:end])
			i = skipSpace(b, end, ':')
		}
		end := skipValue(b, i)
		out = append(out, rawMember{key, rawValue{b[i:end], v.off + i}})
		i = skipSpace(b, end, ',')
	}
	return out
}

// skipValue returns the offset just past the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
	default: // a number, true, false or null
		for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
			i++
		}
		return i
	}
	depth := 0
	for {
		switch b[i] {
		case '"':
			i = skipString(b, i)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		i++
		if depth == 0 {
			return i
		}
	}
}

// skipString returns the offset just past the valid JSON string at b[i].
func skipString(b []byte, i int) int {
	for i++; b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// jsonString decodes a valid JSON string, cheaply when it has no escapes.
func jsonString(raw []byte) string {
	if s := raw[1 : len(raw)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s)
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// skipSpace returns the offset of the first byte at or after i that is
// neither JSON white space nor sep.
func skipSpace(b []byte, i int, sep byte) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
		default:
			if b[i] != sep || sep == 0 {
				return i
			}
		}
		i++
	}
	return i
}

// lineCol returns the 1-based line and byte column of an offset.
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
	return line, col
}

// sortVhost sorts a vhost's lists the way definitions are written.
func sortVhost(v *Vhost) {
	slices.SortStableFunc(v.Exchanges, func(a, b Exchange) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(v.Queues, func(a, b Queue) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(v.Policies, func(a, b Policy) int {
		if a.Operator != b.Operator {
			if a.Operator {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Name, b.Name)
	})
	slices.SortStableFunc(v.Bindings, func(a, b Binding) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := strings.Compare(a.Destination, b.Destination); c != 0 {
			return c
		}
		if c := cmp.Compare(a.DestinationType, b.DestinationType); c != 0 {
			return c
		}
		if c := strings.Compare(a.RoutingKey, b.RoutingKey); c != 0 {
			return c
		}
		return strings.Compare(bindingKey(&a), bindingKey(&b))
	})
}

// MarshalJSON writes the definitions in the shape and spelling Format
// records, items sorted by vhost and then as sortVhost orders them. Extra
// keys are written back verbatim (compacted); operator policies are
// written from Vhosts, as "operator_policy" parameters unless
// Format.OperatorPolicies is set. Warnings are not written.
func (d *Definitions) MarshalJSON() ([]byte, error) {
	f := d.Format
	if f.OneVhost && len(d.Vhosts) > 1 {
		return nil, fmt.Errorf("a one-vhost definitions export holds one vhost, not %d", len(d.Vhosts))
	}
	l := defsLists{
		policies: []policyJSON{}, opPolicies: []policyJSON{},
		queues: []queueJSON{}, exchanges: []exchangeJSON{}, bindings: []bindingJSON{},
	}
	vhosts := slices.Clone(d.Vhosts)
	slices.SortStableFunc(vhosts, func(a, b Vhost) int { return strings.Compare(a.Name, b.Name) })
	for _, v := range vhosts {
		l.add(v, f)
	}

	w := defsWriter{b: []byte{'{'}, done: map[string]bool{}}
	for _, kv := range [][2]string{
		{"rabbit_version", d.RabbitVersion},
		{"rabbitmq_version", d.RabbitMQVersion},
		{"product_name", d.ProductName},
		{"product_version", d.ProductVersion},
	} {
		if kv[1] != "" {
			w.value(kv[0], kv[1])
		}
	}
	for _, key := range []string{"users", "vhosts", "permissions", "topic_permissions", "parameters", "global_parameters"} {
		if key == "parameters" {
			w.parameters(d.Extra["parameters"], l.opParams)
		} else if raw, ok := d.Extra[key]; ok {
			w.raw(key, raw)
		}
	}
	w.value("policies", l.policies)
	if f.OperatorPolicies {
		w.value("operator_policies", l.opPolicies)
	}
	w.value("queues", l.queues)
	w.value("exchanges", l.exchanges)
	w.value("bindings", l.bindings)
	keys := make([]string, 0, len(d.Extra))
	for key := range d.Extra {
		if !w.done[key] && key != "parameters" {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		w.raw(key, d.Extra[key])
	}
	if w.err != nil {
		return nil, w.err
	}
	return append(w.b, '}'), nil
}

// The items as a definitions export spells them, keys in RabbitMQ's order.
type (
	queueJSON struct {
		Name       string  `json:"name"`
		Vhost      *string `json:"vhost,omitempty"`
		Type       string  `json:"type,omitempty"`
		Durable    bool    `json:"durable"`
		AutoDelete bool    `json:"auto_delete"`
		Arguments  Table   `json:"arguments"`
	}
	exchangeJSON struct {
		Name       string  `json:"name"`
		Vhost      *string `json:"vhost,omitempty"`
		Type       string  `json:"type"`
		Durable    bool    `json:"durable"`
		AutoDelete bool    `json:"auto_delete"`
		Internal   *bool   `json:"internal,omitempty"`
		Arguments  Table   `json:"arguments"`
	}
	bindingJSON struct {
		Source          string  `json:"source"`
		Vhost           *string `json:"vhost,omitempty"`
		Destination     string  `json:"destination"`
		DestinationType string  `json:"destination_type"`
		RoutingKey      string  `json:"routing_key"`
		Arguments       Table   `json:"arguments"`
	}
	policyJSON struct {
		Vhost      *string `json:"vhost,omitempty"`
		Name       string  `json:"name"`
		Pattern    string  `json:"pattern"`
		ApplyTo    string  `json:"apply-to"`
		Definition Table   `json:"definition"`
		Priority   int     `json:"priority"`
	}
	parameterJSON struct {
		Value struct {
			Pattern    string `json:"pattern"`
			Definition Table  `json:"definition"`
			Priority   int    `json:"priority"`
			ApplyTo    string `json:"apply-to"`
		} `json:"value"`
		Vhost     *string `json:"vhost,omitempty"`
		Component string  `json:"component"`
		Name      string  `json:"name"`
	}
)

type defsLists struct {
	policies, opPolicies []policyJSON
	opParams             []parameterJSON
	queues               []queueJSON
	exchanges            []exchangeJSON
	bindings             []bindingJSON
}

// add appends one vhost's items, sorted.
func (l *defsLists) add(v Vhost, f DefinitionsFormat) {
	v.Exchanges, v.Queues = slices.Clone(v.Exchanges), slices.Clone(v.Queues)
	v.Bindings, v.Policies = slices.Clone(v.Bindings), slices.Clone(v.Policies)
	sortVhost(&v)
	name := v.Name
	vhost, policyVhost := &name, &name
	if f.OneVhost {
		vhost = nil
		if !f.PolicyVhost {
			policyVhost = nil
		}
	}
	for _, x := range v.Exchanges {
		xj := exchangeJSON{x.Name, vhost, x.Type, x.Durable, x.AutoDelete, nil, x.Arguments}
		if !f.NoInternal || x.Internal {
			xj.Internal = &x.Internal
		}
		l.exchanges = append(l.exchanges, xj)
	}
	for _, q := range v.Queues {
		qj := queueJSON{q.Name, vhost, "", q.Durable, q.AutoDelete, q.Arguments}
		// Without a "type" key the type is read from x-queue-type, so
		// write one only when that would read back wrong.
		argType, _ := q.Arguments.StringValue("x-queue-type")
		if typ := cmp.Or(q.Type, "classic"); f.QueueType || typ != cmp.Or(argType, "classic") {
			qj.Type = typ
		}
		l.queues = append(l.queues, qj)
	}
	for _, b := range v.Bindings {
		l.bindings = append(l.bindings, bindingJSON{b.Source, vhost, b.Destination, b.DestinationType.String(), b.RoutingKey, b.Arguments})
	}
	for _, p := range v.Policies {
		switch {
		case !p.Operator:
			l.policies = append(l.policies, policyJSON{policyVhost, p.Name, p.Pattern, p.ApplyTo, p.Definition, p.Priority})
		case f.OperatorPolicies:
			l.opPolicies = append(l.opPolicies, policyJSON{policyVhost, p.Name, p.Pattern, p.ApplyTo, p.Definition, p.Priority})
		default:
			pj := parameterJSON{Vhost: policyVhost, Component: componentOperatorPolicy, Name: p.Name}
			pj.Value.Pattern, pj.Value.Definition, pj.Value.Priority, pj.Value.ApplyTo = p.Pattern, p.Definition, p.Priority, p.ApplyTo
			l.opParams = append(l.opParams, pj)
		}
	}
}

// defsWriter writes the members of the top-level object; the first error
// sticks.
type defsWriter struct {
	b    []byte
	done map[string]bool
	err  error
}

func (w *defsWriter) raw(key string, raw []byte) {
	if w.err != nil {
		return
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		w.err = fmt.Errorf("definitions key %q: %w", key, err)
		return
	}
	if len(w.b) > 1 {
		w.b = append(w.b, ',')
	}
	k, _ := json.Marshal(key)
	w.b = append(append(append(w.b, k...), ':'), c.Bytes()...)
	w.done[key] = true
}

func (w *defsWriter) value(key string, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && w.err == nil {
		w.err = fmt.Errorf("definitions key %q: %w", key, err)
	}
	w.raw(key, b.Bytes())
}

// parameters writes the runtime parameters kept verbatim, less the
// operator policies, which come from the model.
func (w *defsWriter) parameters(raw json.RawMessage, ops []parameterJSON) {
	if raw == nil && len(ops) == 0 {
		return
	}
	var items []json.RawMessage
	if raw != nil {
		if err := json.Unmarshal(raw, &items); err != nil {
			w.err = cmp.Or(w.err, fmt.Errorf("definitions key \"parameters\": %w", err))
			return
		}
	}
	out := make([]any, 0, len(items)+len(ops))
	for _, it := range items {
		var c struct {
			Component any `json:"component"`
		}
		if json.Unmarshal(it, &c) != nil || c.Component != componentOperatorPolicy {
			out = append(out, it)
		}
	}
	for _, op := range ops {
		out = append(out, op)
	}
	w.value("parameters", out)
}
