package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// kaiten runs the CLI in-process and returns its exit status and output.
func kaiten(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

type traceResult struct {
	Queues      []string `json:"queues"`
	Unroutable  bool     `json:"unroutable"`
	Hops        []any    `json:"hops"`
	Explanation []string `json:"explanation"`
	Error       *struct {
		Code int
		Text string
	} `json:"error"`
}

func traceJSONOf(t *testing.T, out string) traceResult {
	t.Helper()
	var r traceResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return r
}

const defs = "testdata/nova.json"

func TestTraceJSON(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		queues []string
		errno  int
	}{
		{"topic star", []string{"--exchange", "nova", "--routing-key", "compute.host1"}, 0, []string{"compute", "compute.host1"}, 0},
		{"unroutable", []string{"--exchange", "nova", "--routing-key", "scheduler"}, 1, []string{}, 0},
		{"policy alternate exchange into an internal one", []string{"--exchange", "notify", "--routing-key", "x"}, 0, []string{"lost"}, 0},
		{"default exchange", []string{"--exchange", "", "--routing-key", "dead"}, 0, []string{"dead"}, 0},
		{"default exchange, no such queue", []string{"--exchange", "", "--routing-key", "nosuch"}, 1, []string{}, 0},
		{"internal", []string{"--exchange", "unrouted"}, 1, []string{}, 403},
		{"no such exchange", []string{"--exchange", "nope"}, 1, []string{}, 404},
		{"headers-json keeps the long", []string{"--exchange", "match", "--headers-json", `{"n": 1, "s": "1"}`}, 0, []string{"typed"}, 0},
		{"header is a string", []string{"--exchange", "match", "--headers-json", `{"n": 1}`, "--header", "s=1"}, 0, []string{"typed"}, 0},
		{"string is not a long", []string{"--exchange", "match", "--header", "n=1", "--header", "s=1"}, 1, []string{}, 0},
		{"CC adds a key", []string{"--exchange", "nova", "--routing-key", "x", "--headers-json", `{"CC": ["compute"]}`}, 0, []string{"compute"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"trace", "--definitions", defs, "--output", "json"}, c.args...)
			code, out, errOut := kaiten(t, "", args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, errOut)
			}
			r := traceJSONOf(t, out)
			if c.errno != 0 {
				if r.Error == nil || r.Error.Code != c.errno {
					t.Fatalf("error %+v, want code %d", r.Error, c.errno)
				}
				return
			}
			if !slices.Equal(r.Queues, c.queues) || r.Unroutable != (len(c.queues) == 0) {
				t.Errorf("queues %v unroutable %v, want %v", r.Queues, r.Unroutable, c.queues)
			}
			if len(r.Hops) == 0 || len(r.Explanation) == 0 {
				t.Errorf("no hops or explanation: %s", out)
			}
		})
	}
}

func TestTraceText(t *testing.T) {
	code, out, _ := kaiten(t, "", "trace", "--definitions", defs, "--exchange", "nova", "--routing-key", "compute.host1.extra")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (unroutable)", code)
	}
	for _, want := range []string{
		"publish to `nova` (topic)",
		"`*` needs exactly one word here; `host1.extra` has two words",
		"unroutable:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("colour on a pipe:\n%q", out)
	}
}

func TestTraceBatch(t *testing.T) {
	in := strings.Join([]string{
		`{"exchange": "nova", "routing_key": "compute"}`,
		`not json`,
		`{"routing_key": "no exchange"}`,
		`{"exchange": "", "routing_key": "lost"}`,
		`{"exchange": "match", "headers": {"n": 1, "s": "1"}}`,
		`{"exchange": "nope"}`,
	}, "\n")
	code, out, errOut := kaiten(t, in, "trace", "--definitions", defs, "--batch")
	if code != 2 {
		t.Errorf("exit %d, want 2 after bad lines; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d result lines, want 6:\n%s", len(lines), out)
	}
	want := [][]string{{"compute"}, nil, nil, {"lost"}, {"typed"}, nil}
	for i, l := range lines {
		r := traceJSONOf(t, l)
		switch i {
		case 1, 2:
			if r.Error == nil || r.Error.Code != 0 || !strings.Contains(r.Error.Text, "line") {
				t.Errorf("line %d: want an input error, got %s", i+1, l)
			}
		case 5:
			if r.Error == nil || r.Error.Code != 404 {
				t.Errorf("line 6: want 404, got %s", l)
			}
		default:
			if !slices.Equal(r.Queues, want[i]) {
				t.Errorf("line %d: queues %v, want %v", i+1, r.Queues, want[i])
			}
		}
	}
}

func TestTraceUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"queues\": [\n    {\"name\": \"q\",}\n  ]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"trace", "--exchange", "x"}, "--definitions"},
		{[]string{"trace", "--definitions", defs}, "--exchange"},
		{[]string{"trace", "--definitions", defs, "--exchange", "x", "--output", "yaml"}, "--output"},
		{[]string{"trace", "--definitions", defs, "--exchange", "x", "--headers-json", "[1]"}, "--headers-json"},
		{[]string{"trace", "--definitions", "testdata/missing.json", "--exchange", "x"}, "missing.json"},
		{[]string{"trace", "--definitions", bad, "--exchange", "x"}, "bad.json:3:"},
		{[]string{"trace", "--definitions", "../../model/testdata/definitions/rabbitmq_3.10.8_broker.json", "--vhost", "nope", "--exchange", "x"}, `no vhost "nope"`},
		{[]string{"nosuchcommand"}, "unknown command"},
	} {
		code, _, errOut := kaiten(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}
