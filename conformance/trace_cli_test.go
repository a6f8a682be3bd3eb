package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

var (
	kaitenOnce sync.Once
	kaitenPath string
	kaitenErr  error
)

// kaitenBinary builds cmd/kaiten once per test run, so the CLI itself (flags,
// definitions loading, batch output) is what the broker is compared with.
func kaitenBinary(t *testing.T) string {
	t.Helper()
	kaitenOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kaiten-conformance-bin")
		if err != nil {
			kaitenErr = err
			return
		}
		kaitenPath = filepath.Join(dir, "kaiten")
		out, err := exec.Command("go", "build", "-o", kaitenPath, "github.com/kaiten-bus/kaiten/cmd/kaiten").CombinedOutput()
		if err != nil {
			kaitenErr = &buildError{err, out}
		}
	})
	if kaitenErr != nil {
		t.Fatalf("building kaiten: %v", kaitenErr)
	}
	return kaitenPath
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// jsonExpressible reports whether a table goes through JSON (a definitions
// export, a `--batch` line) without changing how a headers exchange compares
// it. At the top level only the class of a value counts (every integer type
// alike, float and double alike), so a signedint may come back a long; inside
// tables and arrays the types count too, so nested values must already be of
// the types JSON gives back (long, double, longstr, bool, void).
func jsonExpressible(h model.Table) bool {
	for _, v := range h {
		switch v.Type {
		case model.TypeTable, model.TypeArray:
			if !jsonExact(v) {
				return false
			}
		case model.TypeByte, model.TypeUnsignedByte, model.TypeShort, model.TypeUnsignedShort,
			model.TypeSignedInt, model.TypeUnsignedInt, model.TypeLong,
			model.TypeFloat, model.TypeDouble, model.TypeLongstr, model.TypeBool, model.TypeVoid:
		default:
			return false
		}
	}
	return true
}

// jsonExact reports whether the value comes back from JSON with its types.
func jsonExact(v model.Value) bool {
	data, err := v.MarshalJSON()
	if err != nil {
		return false
	}
	var back model.Value
	return back.UnmarshalJSON(data) == nil && back.Equal(v)
}

// checkTraceCLI exports the vhost's definitions from the broker, runs every
// JSON-expressible probe through `kaiten trace --batch` and compares each
// result with what the broker did. It returns how many probes it checked.
//
// A definitions export is JSON, so it cannot carry every AMQP type: a
// binding argument holding, say, a table of a signedint comes back as a
// table of a long, and nested values compare with their types. Topologies
// with such a binding are left out (their probes still go through the
// model with exact types above).
func checkTraceCLI(t *testing.T, b *Broker, vhost string, bindings []BindingDecl, probes []Probe, out map[string]*Outcome) int {
	t.Helper()
	for _, bd := range bindings {
		if !jsonExpressible(modelTable(bd.Args)) {
			return 0
		}
	}
	var defs json.RawMessage
	if err := b.api(context.Background(), "GET", "/api/definitions/"+seg(vhost), nil, &defs); err != nil {
		t.Fatalf("exporting definitions: %v", err)
	}
	file := filepath.Join(t.TempDir(), "definitions.json")
	if err := os.WriteFile(file, defs, 0o644); err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	var sent []Probe
	for _, p := range probes {
		h := modelTable(p.Headers)
		if !jsonExpressible(h) {
			continue
		}
		line := map[string]any{"exchange": p.Exchange, "routing_key": p.Key}
		if len(h) > 0 {
			line["headers"] = h
		}
		data, err := json.Marshal(line)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(data)
		in.WriteByte('\n')
		sent = append(sent, p)
	}
	cmd := exec.Command(kaitenBinary(t), "trace", "--definitions", file, "--vhost", vhost, "--batch")
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kaiten trace --batch: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 64<<20)
	i := 0
	for ; sc.Scan(); i++ {
		if i >= len(sent) {
			t.Fatalf("kaiten trace --batch wrote more lines than the %d probes", len(sent))
		}
		var res struct {
			Queues     []string          `json:"queues"`
			Unroutable bool              `json:"unroutable"`
			Error      *model.RouteError `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, sc.Bytes())
		}
		p := sent[i]
		if d := disagreement(out[p.ID], model.RouteResult{Queues: res.Queues, Err: res.Error}); d != "" {
			t.Errorf("kaiten trace: probe %s: exchange %q key %q headers %s:\n  %s", p.ID, p.Exchange, p.Key, typedTable(p.Headers), d)
		} else if res.Unroutable != (res.Error == nil && len(res.Queues) == 0) {
			t.Errorf("kaiten trace: probe %s: unroutable=%v with queues %v", p.ID, res.Unroutable, res.Queues)
		}
	}
	if i != len(sent) {
		t.Fatalf("kaiten trace --batch wrote %d lines for %d probes; stderr:\n%s", i, len(sent), stderr.String())
	}
	return len(sent)
}
