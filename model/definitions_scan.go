package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rawValue is one JSON value of the file and where it starts.
type rawValue struct {
	raw json.RawMessage
	off int
}

type rawMember struct {
	key string
	rawValue
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
	return &defItem{p: it.p, parent: it, off: f.off, fields: objectFields(f)}
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

// objectFields maps a JSON object's keys to their values; of a key that
// comes twice, the last is kept.
func objectFields(v rawValue) map[string]rawValue {
	ms := split(v)
	fields := make(map[string]rawValue, len(ms))
	for _, m := range ms {
		fields[m.key] = m.rawValue
	}
	return fields
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
