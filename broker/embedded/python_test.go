package embedded

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// python is Debian's interpreter, which has Debian's python3-pika and
// python3-kombu.
const python = testenv.Python

// TestPythonClients runs the conformance suite's pika and kombu scripts
// (declare, publish with confirms and returns, consume, RPC over reply
// queues and direct reply-to, AMQPLAIN logins through kombu) against the
// broker, each in a fresh vhost.
func TestPythonClients(t *testing.T) {
	t.Parallel()
	b := startBroker(t, Options{})
	for _, c := range []struct{ module, script string }{
		{"pika", "pika_client.py"},
		{"kombu", "kombu_client.py"},
	} {
		t.Run(c.module, func(t *testing.T) {
			t.Parallel()
			testenv.RequirePython(t, c.module)
			vhost := "py-" + c.module
			b.Core().AddVhost(vhost)
			u, err := url.Parse(b.AMQPURL())
			if err != nil {
				t.Fatal(err)
			}
			u.Path, u.RawPath = "/"+vhost, "/"+url.PathEscape(vhost)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, python, "../../conformance/python/"+c.script, u.String())
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.script, err, out)
			}
			t.Logf("%s: %d checks passed", c.script, strings.Count(string(out), "\nok: ")+boolInt(strings.HasPrefix(string(out), "ok: ")))
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
