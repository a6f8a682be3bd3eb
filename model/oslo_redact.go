package model

import (
	"strings"
	"unicode"
)

// OsloRedacted is what a secret shows as, as oslo_utils masks it.
const OsloRedacted = "***"

// osloSecretWords are key fragments that mark a secret wherever they stand
// in a key (after lower-casing), from oslo_utils.strutils._SANITIZE_KEYS and
// a few more spellings. Keys ending in "key" are caught by OsloSecretKey's
// segment rule, so the many *key entries of that list need not be here.
var osloSecretWords = []string{
	"token", "password", "passwd", "pswd", "passphrase", "secret", "credential",
	"adminpass", "admin_pass", "new_pass", "authorization", "cookie",
	"configdrive", "private_key", "privatekey", "swifthashsuffix",
	"cephclusterfsid", "kek",
}

// OsloSecretKey reports whether a member named key (a context key without
// its _context_ prefix, or any key of the arguments, result or payload)
// holds a secret that displays must not show: auth_token and anything
// token-, password- or secret-like, and keys whose word ends in "key"
// (api_key, sslkey, apiKey) except names and ids of keys (key_name,
// key_id) and public keys.
func OsloSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range osloSecretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	segs := strings.FieldsFunc(k, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, s := range segs {
		if !strings.HasSuffix(s, "key") {
			continue
		}
		if i+1 < len(segs) && (segs[i+1] == "name" || segs[i+1] == "id" || segs[i+1] == "pair") {
			continue
		}
		if s == "publickey" || i > 0 && segs[i-1] == "public" {
			continue
		}
		return true
	}
	return false
}

// Redacted returns a copy of m for display in which the value of every
// member with a secret key (OsloSecretKey), in the context and anywhere in
// the body, reads OsloRedacted; null and empty values are left as they are,
// to show that no secret was sent. m itself is not changed: the raw message
// keeps its secrets for a user who asks to see them.
func (m OsloMessage) Redacted() OsloMessage {
	body, changed := redactPy(m.Body)
	if !changed {
		return m
	}
	out := classifyOslo(body)
	out.Envelope = m.Envelope
	if m.Outer.Kind == PyObject {
		out.Outer = withOsloMessage(m.Outer, m.Envelope, body.String())
	}
	return out
}

// redactPy returns v with secrets masked, copying only what changes.
func redactPy(v PyValue) (PyValue, bool) {
	switch v.Kind {
	case PyObject:
		var fields []PyField
		for i, f := range v.Fields {
			nv, changed := f.Value, false
			key := strings.TrimPrefix(f.Key, OsloContextPrefix)
			if OsloSecretKey(key) {
				if f.Value.Truthy() || f.Value.Kind == PyNumber || f.Value.Kind == PyBool {
					nv, changed = PyStr(OsloRedacted), true
				}
			} else {
				nv, changed = redactPy(f.Value)
			}
			if changed && fields == nil {
				fields = make([]PyField, len(v.Fields))
				copy(fields, v.Fields)
			}
			if changed {
				fields[i].Value = nv
			}
		}
		if fields == nil {
			return v, false
		}
		return PyValue{Kind: PyObject, Fields: fields}, true
	case PyArray:
		var items []PyValue
		for i, e := range v.Items {
			ne, changed := redactPy(e)
			if changed && items == nil {
				items = make([]PyValue, len(v.Items))
				copy(items, v.Items)
			}
			if changed {
				items[i] = ne
			}
		}
		if items == nil {
			return v, false
		}
		return PyValue{Kind: PyArray, Items: items}, true
	}
	return v, false
}
