package demo

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"

	"github.com/kaiten-bus/kaiten/broker/embedded"
)

// python is Debian's interpreter, which has Debian's python3-oslo.messaging;
// a python3 earlier on PATH (pyenv, a venv) may not.
const python = testenv.Python

// TestDemoRealOslo runs real oslo.messaging against the demo, on
// RabbitMQ and on the embedded broker: an RPC client calling the computes
// (results, heartbeats, each kind of failure, casts) and a notification
// listener. Without Python or oslo it skips, except with CI=true, where it
// fails.
func TestDemoRealOslo(t *testing.T) {
	t.Parallel()
	requireOslo(t)
	for _, target := range []string{"rabbitmq", "embedded"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			if target == "embedded" {
				testDemoRealOslo(t, embeddedRabbit(t))
				return
			}
			testDemoRealOslo(t, live(t))
		})
	}
}

// embeddedRabbit starts an embedded broker for the test, reached like
// RabbitMQ.
func embeddedRabbit(t *testing.T) *rabbit {
	t.Helper()
	if testing.Short() {
		t.Skip("the demo tests run real oslo.messaging, which takes seconds")
	}
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	a, err := url.Parse(b.AMQPURL())
	if err != nil {
		t.Fatal(err)
	}
	r := &rabbit{amqpURL: a, apiURL: b.APIURL(), user: "guest", pass: "guest"}
	if a.User != nil {
		r.user = a.User.Username()
		r.pass, _ = a.User.Password()
	}
	return r
}

func testDemoRealOslo(t *testing.T, r *rabbit) {
	vhost, amqpURL := r.vhost(t, false)
	d, err := Start(context.Background(), Options{
		URL: amqpURL, Logger: testLogger(t, slog.LevelInfo), Seed: testSeed, Rate: testRate,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)

	// oslo's transport URL: rabbit://user:pass@host:port/vhost.
	transport := "rabbit://" + url.UserPassword(r.user, r.pass).String() + "@" + r.amqpURL.Host + "/" + url.PathEscape(vhost)
	instance := newCloud(testSeed).instanceOn(newRNG(7, 7), "host1").object().String()
	scripts := map[string][]string{
		"rpc client":            {"testdata/oslo_rpc_client.py", transport, instance},
		"notification listener": {"testdata/oslo_listener.py", transport, "kaiten-test-listener"},
	}
	for name, args := range scripts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, python, args...)
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", python, args[0], err, out)
			}
			n := strings.Count(string(out), "ok: ")
			if n == 0 {
				t.Fatalf("no checks passed:\n%s", out)
			}
			t.Logf("%s: %d checks passed", args[0], n)
		})
	}
}

func requireOslo(t *testing.T) {
	t.Helper()
	testenv.RequirePython(t, "oslo_messaging", "oslo_config")
}
