package mgmt

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// findRabbitmqadmin returns a python interpreter and the rabbitmqadmin
// script: from PATH (Debian's rabbitmq-server package), or as the
// management plugin of a local RabbitMQ serves it.
func findRabbitmqadmin(t *testing.T) (python, script string) {
	t.Helper()
	python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		if python, err = exec.LookPath("python3"); err != nil {
			testenv.Missing(t, "no python3 to run rabbitmqadmin")
		}
	}
	for _, p := range []string{os.Getenv("RABBITMQADMIN"), "/usr/bin/rabbitmqadmin", "/usr/sbin/rabbitmqadmin"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return python, p
			}
		}
	}
	if p, err := exec.LookPath("rabbitmqadmin"); err == nil {
		return python, p
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:15672/cli/rabbitmqadmin", nil)
	req.SetBasicAuth("guest", "guest")
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		testenv.Missing(t, "rabbitmqadmin is not installed and no RabbitMQ serves it: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		testenv.Missing(t, "cannot download rabbitmqadmin: %v %d", err, resp.StatusCode)
	}
	script = filepath.Join(t.TempDir(), "rabbitmqadmin")
	if err := os.WriteFile(script, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return python, script
}

// TestRabbitmqadmin drives the embedded API with RabbitMQ's own CLI,
// unchanged: declare, list, publish, get, export, delete and import.
func TestRabbitmqadmin(t *testing.T) {
	python, script := findRabbitmqadmin(t)
	var closed []uint64
	e := newEnv(t, Options{CloseConnection: func(id uint64, _ string) bool { closed = append(closed, id); return true }})
	u, err := url.Parse(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	admin := func(args ...string) string {
		t.Helper()
		full := append([]string{script, "-H", u.Hostname(), "-P", u.Port(), "-u", "guest", "-p", "guest"}, args...)
		cmd := exec.Command(python, full...)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("rabbitmqadmin %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	expect := func(out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}
	rawJSON := func(args ...string) []map[string]any {
		t.Helper()
		out := admin(append([]string{"-f", "raw_json"}, args...)...)
		var l []map[string]any
		if err := json.Unmarshal([]byte(out), &l); err != nil {
			t.Fatalf("rabbitmqadmin %v: %v\n%s", args, err, out)
		}
		return l
	}

	expect(admin("declare", "queue", "name=x"), "queue declared")
	expect(admin("declare", "exchange", "name=ex", "type=topic"), "exchange declared")
	expect(admin("declare", "binding", "source=ex", "destination=x", "routing_key=a.#"), "binding declared")
	expect(admin("declare", "policy", "name=cap", "pattern=^x$", `definition={"max-length":100}`, "apply-to=queues"), "policy declared")
	expect(admin("declare", "permission", "vhost=/", "user=guest", "configure=.*", "write=.*", "read=.*"), "permission declared")
	expect(admin("list", "exchanges"), "| ex ", "| topic ", "amq.rabbitmq.trace")
	expect(admin("list", "queues"), "| x ")
	expect(admin("list", "bindings"), "| ex ", "| x ", "a.#")
	expect(admin("list", "policies"), "cap", "max-length")
	expect(admin("show", "overview"), "rabbitmq_version", "3.10.8")
	for _, what := range []string{"users", "vhosts", "permissions", "nodes", "parameters", "connections", "channels", "consumers", "operator_policies"} {
		admin("list", what)
	}
	expect(admin("publish", "exchange=amq.default", "routing_key=x", "payload=hi"), "Message published")
	expect(admin("publish", "exchange=ex", "routing_key=a.b", "payload=hello there"), "Message published")
	expect(admin("publish", "exchange=ex", "routing_key=zzz", "payload=lost"), "NOT routed")
	expect(admin("get", "queue=x"), "| hi ", "| x ")
	got := rawJSON("get", "queue=x", "count=5", "ackmode=ack_requeue_false")
	if len(got) != 2 || got[0]["payload"] != "hi" || got[0]["redelivered"] != true || got[1]["payload"] != "hello there" {
		t.Errorf("get = %v", got)
	}
	qs := rawJSON("list", "queues", "name", "messages")
	if len(qs) != 1 || qs[0]["name"] != "x" || qs[0]["messages"] != 0.0 {
		t.Errorf("list queues name messages = %v", qs)
	}

	defs := filepath.Join(t.TempDir(), "defs.json")
	expect(admin("export", defs), "Exported definitions")
	data, err := os.ReadFile(defs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"name":"ex"`) {
		t.Errorf("export lacks ex: %s", data)
	}
	expect(admin("purge", "queue", "name=x"), "queue purged")
	bs := rawJSON("list", "bindings")
	var key string
	for _, b := range bs {
		if b["source"] == "ex" {
			key, _ = b["properties_key"].(string)
		}
	}
	expect(admin("delete", "binding", "source=ex", "destination_type=queue", "destination=x", "properties_key="+key), "binding deleted")
	expect(admin("delete", "exchange", "name=ex"), "exchange deleted")
	expect(admin("delete", "queue", "name=x"), "queue deleted")
	expect(admin("delete", "policy", "name=cap"), "policy deleted")
	if out := admin("list", "queues"); strings.Contains(out, "| x ") {
		t.Errorf("x survived its deletion:\n%s", out)
	}
	expect(admin("import", defs), "Uploaded definitions")
	expect(admin("list", "bindings", "source", "destination", "routing_key"), "| ex ", "a.#")
	expect(admin("list", "policies"), "cap")

	// A vhost with an awkward name, tracing on, and a queue in it. (Not a
	// space: rabbitmqadmin's list writes it as "+", which RabbitMQ reads
	// as a plus too, and so finds no such vhost.)
	odd := "odd/v#%"
	expect(admin("declare", "vhost", "name="+odd, "tracing=true"), "vhost declared")
	if !e.vhost(odd).Tracing() {
		t.Error("declare vhost tracing=true did not turn tracing on")
	}
	expect(admin("-V", odd, "declare", "queue", "name=q q", "durable=false"), "queue declared")
	expect(admin("-V", odd, "list", "queues"), "q q")
	expect(admin("-V", odd, "publish", "routing_key=q q", "payload=odd"), "Message published")
	expect(admin("-V", odd, "get", "queue=q q"), "odd")
	exported := filepath.Join(t.TempDir(), "vhost.json")
	admin("-V", odd, "export", exported)
	expect(admin("delete", "vhost", "name="+odd), "vhost deleted")
	expect(admin("declare", "vhost", "name=copy"), "vhost declared")
	admin("-V", "copy", "import", exported)
	expect(admin("-V", "copy", "list", "queues"), "q q")

	c, _ := e.client("/", "127.0.0.1:7 -> 127.0.0.1:5672")
	expect(admin("list", "connections"), "127.0.0.1:7 -> 127.0.0.1:5672")
	expect(admin("close", "connection", "name=127.0.0.1:7 -> 127.0.0.1:5672"), "connection closed")
	if len(closed) != 1 || closed[0] != c.ID() {
		t.Errorf("closed = %v", closed)
	}
}
