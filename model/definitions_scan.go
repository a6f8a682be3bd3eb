package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// rawValue is one JSON value of the file and where it starts.
type rawValue struct {
	raw []byte
	off int
}

type rawMember struct {
	key string
	rawValue
}

// field names a key an item of the file may have that kaiten reads.
type field uint8

const (
	fName field = iota
	fVhost
	fType
	fDurable
	fAutoDelete
	fInternal
	fArguments
	fSource
	fDestination
	fDestinationType
	fRoutingKey
	fPattern
	fApplyTo
	fDefinition
	fPriority
	fComponent
	fValue
	numFields
)

var fieldKeys = [numFields]string{
	fName: "name", fVhost: "vhost", fType: "type", fDurable: "durable", fAutoDelete: "auto_delete",
	fInternal: "internal", fArguments: "arguments", fSource: "source", fDestination: "destination",
	fDestinationType: "destination_type", fRoutingKey: "routing_key", fPattern: "pattern",
	fApplyTo: "apply-to", fDefinition: "definition", fPriority: "priority",
	fComponent: "component", fValue: "value",
}

func (f field) String() string { return fieldKeys[f] }

// fieldOf returns the field a key names, without allocating.
func fieldOf(key []byte) (field, bool) {
	switch string(key) {
	case "name":
		return fName, true
	case "vhost":
		return fVhost, true
	case "type":
		return fType, true
	case "durable":
		return fDurable, true
	case "auto_delete":
		return fAutoDelete, true
	case "internal":
		return fInternal, true
	case "arguments":
		return fArguments, true
	case "source":
		return fSource, true
	case "destination":
		return fDestination, true
	case "destination_type":
		return fDestinationType, true
	case "routing_key":
		return fRoutingKey, true
	case "pattern":
		return fPattern, true
	case "apply-to":
		return fApplyTo, true
	case "definition":
		return fDefinition, true
	case "priority":
		return fPriority, true
	case "component":
		return fComponent, true
	case "value":
		return fValue, true
	}
	return 0, false
}

// defItem is one object of the file, read field by field. The first
// problem sticks in err and later reads return zero values. The parser
// reuses one defItem for item after item, so nothing may keep it.
type defItem struct {
	p      *defsParser
	parent *defItem // the item an object inside one belongs to
	list   string
	index  int
	off    int
	src    rawValue            // the whole object
	fields [numFields]rawValue // raw is nil where the key is missing
	others []rawMember         // keys that are not fields, in file order
	name   string              // the label, once made
	err    error
}

// fill reads the members of the object v into it, which then is the item
// at index of list. Of a key that comes twice, the last is kept.
func (it *defItem) fill(list string, index int, v rawValue) {
	it.parent, it.list, it.index, it.off, it.src = nil, list, index, v.off, v
	it.fields = [numFields]rawValue{}
	it.others = it.others[:0]
	it.name, it.err = "", nil
	for m := newMembers(v); ; {
		key, val, ok := m.next()
		if !ok {
			return
		}
		f, known := fieldOf(key[1 : len(key)-1])
		if !known && bytes.IndexByte(key, '\\') >= 0 {
			f, known = fieldOf([]byte(jsonString(key)))
		}
		if known {
			it.fields[f] = val
		} else {
			it.others = append(it.others, rawMember{jsonString(key), val})
		}
	}
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
		src, dst, dt := it.peek(fSource), it.peek(fDestination), it.peek(fDestinationType)
		if dt != "queue" && dt != "exchange" {
			return fmt.Sprintf("%s (%q -> %q)", place, src, dst)
		}
		return fmt.Sprintf("%s (%q -> %s %q)", place, src, dt, dst)
	}
	if n := it.fields[fName]; n.raw != nil && jsonKind(n.raw) == kindString {
		return fmt.Sprintf("%s (%q)", place, it.peek(fName))
	}
	return place
}

func (it *defItem) has(f field) bool { return it.fields[f].raw != nil }

// peek returns the string under f, or "" when there is none.
func (it *defItem) peek(f field) string {
	if v := it.fields[f]; v.raw != nil && jsonKind(v.raw) == kindString {
		return jsonString(v.raw)
	}
	return ""
}

// peekBytes is peek without a copy: what it returns is the file's bytes
// where the string has no escapes, so it must not be kept.
func (it *defItem) peekBytes(f field) []byte {
	if v := it.fields[f]; v.raw != nil && jsonKind(v.raw) == kindString {
		return stringBytes(v.raw)
	}
	return nil
}

func (it *defItem) fail(off int, format string, args ...any) {
	if it.err == nil {
		it.err = it.p.errAt(off, it.label(), format, args...)
	}
}

// get returns the value under f when it has the kind wanted. A missing
// key, or null for an optional one, gives false.
func (it *defItem) get(f field, need bool, want jsonKindName) (rawValue, bool) {
	v := it.fields[f]
	if v.raw == nil || (!need && jsonKind(v.raw) == kindNull) {
		if need {
			it.fail(it.off, "has no %q", f)
		}
		return rawValue{}, false
	}
	if k := jsonKind(v.raw); k != want {
		it.fail(v.off, "%q must be %s, not %s", f, want, k)
		return rawValue{}, false
	}
	return v, it.err == nil
}

func (it *defItem) str(f field, need bool) string {
	if v, ok := it.get(f, need, kindString); ok {
		return jsonString(v.raw)
	}
	return ""
}

// strBytes is str without a copy, like peekBytes.
func (it *defItem) strBytes(f field, need bool) []byte {
	if v, ok := it.get(f, need, kindString); ok {
		return stringBytes(v.raw)
	}
	return nil
}

// shared returns the string under f, one copy shared by all the items that
// give it, for the names of exchanges and queues, which bindings repeat.
func (it *defItem) shared(f field, need bool) string {
	return it.p.intern(it.strBytes(f, need))
}

func (it *defItem) nonEmpty(f field) string {
	s := it.shared(f, true)
	if s == "" {
		it.fail(it.fields[f].off, "%q must not be empty", f)
	}
	return s
}

func (it *defItem) boolean(f field) bool {
	v, ok := it.get(f, false, kindBool)
	return ok && string(v.raw) == "true"
}

func (it *defItem) integer(f field) int {
	v, ok := it.get(f, false, kindNumber)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(string(v.raw))
	if err != nil {
		it.fail(v.off, "%q must be an integer, not %s", f, v.raw)
	}
	return n
}

// table reads an object of AMQP values; RabbitMQ writes an empty one as
// [] in places. An empty table is nil.
func (it *defItem) table(f field, need bool) Table {
	v := it.fields[f]
	if k := jsonKind(v.raw); v.raw != nil && (k == kindList || k == kindObject) && skipSpace(v.raw, 1, 0) == len(v.raw)-1 {
		return nil // {} or []
	}
	v, ok := it.get(f, need, kindObject)
	if !ok {
		return nil
	}
	var t Table
	if err := t.UnmarshalJSON(v.raw); err != nil {
		it.fail(v.off, "%q: %v", f, err)
		return nil
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

// object returns the object under f as an item of its own, named in
// messages as its parent.
func (it *defItem) object(f field) *defItem {
	v, ok := it.get(f, true, kindObject)
	if !ok {
		return nil
	}
	obj := &defItem{p: it.p}
	obj.fill(it.list, it.index, v)
	obj.parent = it
	return obj
}

// checkKeys warns, once per list, about keys the model has no place for.
func (it *defItem) checkKeys() {
	known := listFields[it.list]
	var unknown []string
	for f := range numFields {
		if it.fields[f].raw != nil && known&(1<<f) == 0 {
			unknown = append(unknown, f.String())
		}
	}
	for _, m := range it.others {
		unknown = append(unknown, m.key)
	}
	if len(unknown) == 0 {
		return
	}
	slices.Sort(unknown)
	for i, key := range unknown {
		if i > 0 && key == unknown[i-1] || it.p.warned[it.list+" "+key] {
			continue
		}
		it.p.warned[it.list+" "+key] = true
		it.p.warn(it.label(), "has key %q, which kaiten does not model and drops when writing (warned once for all %s)", key, it.list)
	}
}

// listFields has a bit for each field of itemKeys' lists.
var listFields = func() map[string]uint32 {
	m := map[string]uint32{}
	for list, keys := range itemKeys {
		for _, key := range keys {
			f, ok := fieldOf([]byte(key))
			if !ok {
				panic("model: no field for key " + key)
			}
			m[list] |= 1 << f
		}
	}
	return m
}()

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

// members steps through a JSON object's members, or a list's elements
// (with no key), each with its offset in the file. The whole file has been
// checked to be valid JSON, so the scan need not check again.
type members struct {
	b    []byte
	base int
	i    int
}

func newMembers(v rawValue) members {
	return members{b: v.raw, base: v.off, i: skipSpace(v.raw, 1, 0)}
}

// next returns the next member: its key, quoted as in the file (nil in a
// list), and its value.
func (m *members) next() (key []byte, v rawValue, ok bool) {
	b, i := m.b, m.i
	if i >= len(b) || b[i] == '}' || b[i] == ']' {
		return nil, rawValue{}, false
	}
	if b[0] == '{' {
		end := skipString(b, i)
		key = b[i:end]
		i = skipSpace(b, end, ':')
	}
	end := skipValue(b, i)
	v = rawValue{b[i:end:end], m.base + i}
	m.i = skipSpace(b, end, ',')
	return key, v, true
}

// split splits a JSON object into its members, or a list into its
// elements (with no key).
func split(v rawValue) []rawMember {
	var out []rawMember
	for m := newMembers(v); ; {
		key, val, ok := m.next()
		if !ok {
			return out
		}
		k := ""
		if key != nil {
			k = jsonString(key)
		}
		out = append(out, rawMember{k, val})
	}
}

// skipValue returns the offset just past the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
	default: // a number, true, false or null
		for ; i < len(b); i++ {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i
			}
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
	for i++; ; i++ {
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i++
		}
	}
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

// stringBytes decodes a valid JSON string like jsonString, but where it
// has no escapes returns the bytes between the quotes, not a copy.
func stringBytes(raw []byte) []byte {
	if s := raw[1 : len(raw)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return s
	}
	return []byte(jsonString(raw))
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
