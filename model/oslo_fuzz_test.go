package model

import (
	"testing"
	"unicode/utf8"
)

func addOsloSeeds(f *testing.F) {
	for _, file := range []string{"capture1_firehose.json", "capture2_firehose.json"} {
		for _, r := range loadOsloCapture(f, file) {
			f.Add([]byte(r.Body))
		}
	}
	for _, m := range loadOsloBuilt(f).Messages {
		f.Add([]byte(m.Wire))
	}
	for _, s := range []string{
		`{"oslo.version": "2.0", "oslo.message": "\"\\ud800\\udc00\""}`,
		`{"oslo.version": "2.0", "oslo.message": "{\"result\": 1e999, \"failure\": \"{\\\"tb\\\": [1, \\\"x\\\"]}\"}"}`,
		`{"oslo.version": "2.0.9", "oslo.message": "[NaN, -Infinity]"}`,
		`{"event_type": "\u0000", "priority": [], "_context_token": {"a": 1}}`,
		`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeOslo decodes anything without panicking; what decodes writes
// back to bytes that decode to the same kind and write back the same.
func FuzzDecodeOslo(f *testing.F) {
	addOsloSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := DecodeOslo(body)
		line := OsloSummary(m, "x_fanout", "a.b")
		if !utf8.ValidString(line) {
			t.Fatalf("summary not UTF-8: %q", line)
		}
		_ = m.Redacted().Encode()
		if err != nil || m.Kind == OsloNone {
			return
		}
		enc := m.Encode()
		m2, err := DecodeOslo(enc)
		if err != nil || m2.Kind != m.Kind {
			t.Fatalf("%q re-encoded as %q: %s then %s, %v", body, enc, m.Kind, m2.Kind, err)
		}
		if enc2 := m2.Encode(); string(enc2) != string(enc) {
			t.Fatalf("not stable:\n%q\n%q", enc, enc2)
		}
	})
}

// FuzzParsePyJSON checks that writing what was parsed is stable.
func FuzzParsePyJSON(f *testing.F) {
	addOsloSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParsePyJSON(data)
		if err != nil {
			return
		}
		out := v.AppendPython(nil)
		v2, err := ParsePyJSON(out)
		if err != nil {
			t.Fatalf("%q wrote %q: %v", data, out, err)
		}
		if out2 := v2.AppendPython(nil); string(out2) != string(out) {
			t.Fatalf("not stable:\n%q\n%q", out, out2)
		}
		_ = PyShort(v, 20)
	})
}
