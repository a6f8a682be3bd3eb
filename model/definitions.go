package model

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
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
//
// The items are read straight from data into the model, one at a time, and
// nothing of the result refers to data.
func ParseDefinitions(name string, data []byte, defaultVhost string) (*Definitions, error) {
	p := &defsParser{
		file: name, data: data, vhosts: map[string]*vhostBuilder{}, warned: map[string]bool{},
		strs: map[string]string{}, counts: map[string]*itemCounts{},
	}
	p.item.p = p
	if err := p.parse(defaultVhost); err != nil {
		return nil, err
	}
	return p.d, nil
}

type defsParser struct {
	file   string
	data   []byte
	d      *Definitions
	lists  map[string]rawValue // the top-level lists of items; null ones are left out
	vhosts map[string]*vhostBuilder
	warned map[string]bool // "list key" pairs and "vhost" already warned about
	single string          // the vhost of a one-vhost export

	item     defItem                // the item being read
	strs     map[string]string      // the one copy of each shared string
	counts   map[string]*itemCounts // the queues, exchanges and bindings naming each vhost
	total    itemCounts             // all the queues, exchanges and bindings
	internal bool                   // whether an exchange has an "internal" key
	later    []Warning              // warnings about bindings' ends, given after the rest
	hash     maphash.Hash
}

// itemCounts counts the items of shapeLists, in that order.
type itemCounts [3]int

// shapeLists are the lists whose items name their vhost in a whole-broker
// export, and only there.
var shapeLists = [3]string{"queues", "exchanges", "bindings"}

// vhostBuilder collects one vhost and what it already holds.
type vhostBuilder struct {
	v     Vhost
	names [numNameKinds]map[string]bool
	// bindings maps a hash of each binding's key to the first binding with
	// that hash; moreBindings holds the keys of the later ones that have
	// the same hash but another key. Keys are not kept for all bindings.
	bindings     map[uint64]int32
	moreBindings map[string]bool
	firstUse     string
	uses         int
}

// The kinds of names a vhost holds, each once.
const (
	nameExchange = iota
	nameQueue
	namePolicy
	nameOperatorPolicy
	numNameKinds
)

var nameKinds = [numNameKinds]string{"exchange", "queue", "policy", "operator policy"}

func (p *defsParser) errAt(off int, item, format string, args ...any) *DefinitionsError {
	line, col := lineCol(p.data, off)
	return &DefinitionsError{File: p.file, Line: line, Col: col, Item: item, Problem: fmt.Sprintf(format, args...)}
}

func (p *defsParser) warn(item, format string, args ...any) {
	p.d.Warnings = append(p.d.Warnings, Warning{Item: item, Text: fmt.Sprintf(format, args...)})
}

// intern returns s as a string, one copy for all the calls that give the
// same bytes.
func (p *defsParser) intern(s []byte) string {
	if str, ok := p.strs[string(s)]; ok {
		return str
	}
	str := string(s)
	p.strs[str] = str
	return str
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
	p.lists = map[string]rawValue{}
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
		err = p.items(m)
	case "vhosts", "parameters":
		d.Extra[m.key] = bytes.Clone(m.raw)
		err = p.items(m)
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

// items checks that a top-level list is one, of objects, and keeps it to
// read its items later.
func (p *defsParser) items(m rawMember) error {
	delete(p.lists, m.key)
	switch k := jsonKind(m.raw); k {
	case kindNull:
		return nil
	case kindList:
	default:
		return p.errAt(m.off, "", "%q must be a list, not %s", m.key, k)
	}
	elems := newMembers(m.rawValue)
	for i := 0; ; i++ {
		_, e, ok := elems.next()
		if !ok {
			break
		}
		if k := jsonKind(e.raw); k != kindObject {
			return p.errAt(e.off, fmt.Sprintf("%s[%d]", m.key, i), "must be an object, not %s", k)
		}
	}
	p.lists[m.key] = m.rawValue
	return nil
}

// eachItem reads the items of a top-level list one at a time and calls
// load with each, stopping at the first that has an error.
func (p *defsParser) eachItem(list string, load func(*defItem)) error {
	v, ok := p.lists[list]
	if !ok {
		return nil
	}
	it := &p.item
	elems := newMembers(v)
	for i := 0; ; i++ {
		_, e, ok := elems.next()
		if !ok {
			return nil
		}
		it.fill(list, i, e)
		load(it)
		if it.err != nil {
			return it.err
		}
	}
}

// detectShape tells the two shapes apart by whether items carry a vhost,
// and picks the vhost of a one-vhost export. It counts the items of each
// vhost on the way.
func (p *defsParser) detectShape(defaultVhost string) error {
	var first struct {
		list         string
		index        int
		v            rawValue
		found, vhost bool
	}
	for li, list := range shapeLists {
		err := p.eachItem(list, func(it *defItem) {
			p.total[li]++
			if v := it.peekBytes(fVhost); v != nil {
				c := p.counts[string(v)]
				if c == nil {
					c = new(itemCounts)
					p.counts[string(v)] = c
				}
				c[li]++
			}
			if !first.found {
				first.list, first.index, first.v = list, it.index, it.src
				first.found, first.vhost = true, it.has(fVhost)
				return
			}
			if it.has(fVhost) != first.vhost {
				has, other := "has no", "one"
				if it.has(fVhost) {
					has, other = "has a", "none"
				}
				firstItem := &defItem{p: p}
				firstItem.fill(first.list, first.index, first.v)
				it.err = p.errAt(it.off, it.label(), "%s \"vhost\" key, but %s has %s; an export names the vhost on every item or on none",
					has, firstItem.label(), other)
			}
		})
		if err != nil {
			return err
		}
	}
	f := &p.d.Format
	switch {
	case first.found:
		f.OneVhost = !first.vhost
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
	seen, agree := "", true
	for _, list := range []string{"policies", "operator_policies", "parameters"} {
		_ = p.eachItem(list, func(it *defItem) {
			if !agree || (list == "parameters" && it.peek(fComponent) != componentOperatorPolicy) {
				return
			}
			v := it.peek(fVhost)
			if v == "" || (seen != "" && v != seen) {
				agree = false
				return
			}
			seen = v
		})
	}
	if !agree {
		return ""
	}
	return seen
}

func (p *defsParser) extraString(key string) string {
	if raw, ok := p.d.Extra[key]; ok && jsonKind(raw) == kindString {
		return jsonString(raw)
	}
	return ""
}
