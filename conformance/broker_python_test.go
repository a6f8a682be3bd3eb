package conformance

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// python is Debian's interpreter, which has Debian's python3-pika and
// python3-kombu; a python3 earlier on PATH (pyenv, a venv) may not.
const python = testenv.Python

// TestBrokerPython runs real clients from Debian against each target: the
// scripts in python/ exit 0 only when every check in them passed.
func TestBrokerPython(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"pika", pythonClient("pika", "python/pika_client.py")},
		{"kombu", pythonClient("kombu", "python/kombu_client.py")},
	})
}

// pythonClient runs script with the vhost's AMQP URL. Without the
// interpreter or the module the test is skipped, except with CI=true.
func pythonClient(module, script string) func(*testing.T, *testBroker) {
	return func(t *testing.T, tb *testBroker) {
		testenv.RequirePython(t, module)
		v := tb.vhost(t)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, script, tb.URL(v.name))
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", python, script, err, out)
		}
		checks := 0
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "ok: ") {
				checks++
			}
		}
		t.Logf("%s: %d checks passed", script, checks)
	}
}
