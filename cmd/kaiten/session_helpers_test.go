package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker/embedded"
)

// cliTarget is a broker the CLI contract tests run against: RabbitMQ
// (KAITEN_TEST_AMQP_URL and KAITEN_TEST_API_URL, else the local one), and
// the embedded broker, from the same test code.
type cliTarget struct {
	name  string
	start func() ([2]string, error) // nil: RabbitMQ
}

func cliTargets() []cliTarget {
	return []cliTarget{
		{name: "rabbitmq"},
		{name: "embedded", start: embeddedURLs},
	}
}

// embeddedURLs starts the embedded broker once per test binary.
var embeddedURLs = sync.OnceValues(func() ([2]string, error) {
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		return [2]string{}, err
	}
	return [2]string{b.AMQPURL(), b.APIURL()}, nil
})

// liveBroker is one target reached for one test, with a scratch vhost.
type liveBroker struct {
	amqp  *url.URL // with credentials, vhost "/"
	api   string
	user  string
	pass  string
	vhost string
	conn  *amqp.Connection
	ch    *amqp.Channel
}

// forEachCLITarget runs f as a subtest per target, each with a fresh
// vhost. RabbitMQ missing skips, except under CI=true where it fails.
func forEachCLITarget(t *testing.T, f func(t *testing.T, b *liveBroker)) {
	for _, tg := range cliTargets() {
		t.Run(tg.name, func(t *testing.T) {
			var amqpURL, apiURL string
			if tg.start != nil {
				urls, err := tg.start()
				if err != nil {
					t.Fatal(err)
				}
				amqpURL, apiURL = urls[0], urls[1]
			} else {
				r := testenv.RabbitMQ(t)
				amqpURL, apiURL = r.AMQPURL, r.APIURL
			}
			u, err := url.Parse(amqpURL)
			if err != nil {
				t.Fatal(err)
			}
			b := &liveBroker{amqp: u, api: apiURL, user: u.User.Username(), vhost: "kaiten-cli-" + randomHex(4)}
			b.pass, _ = u.User.Password()
			b.do(t, http.MethodPut, "/api/vhosts/"+url.PathEscape(b.vhost), map[string]any{})
			t.Cleanup(func() { b.do(t, http.MethodDelete, "/api/vhosts/"+url.PathEscape(b.vhost), nil) })
			b.do(t, http.MethodPut, "/api/permissions/"+url.PathEscape(b.vhost)+"/"+url.PathEscape(b.user),
				map[string]string{"configure": ".*", "write": ".*", "read": ".*"})
			b.conn, err = amqp.Dial(b.url())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = b.conn.Close() })
			if b.ch, err = b.conn.Channel(); err != nil {
				t.Fatal(err)
			}
			f(t, b)
		})
	}
}

func randomHex(n int) string {
	p := make([]byte, n)
	_, _ = rand.Read(p)
	return hex.EncodeToString(p)
}

// url is the AMQP URL of the scratch vhost.
func (b *liveBroker) url() string {
	u := *b.amqp
	u.Path, u.RawPath = "/"+b.vhost, "/"+url.PathEscape(b.vhost)
	return u.String()
}

// do sends a management API request and decodes the reply into out
// (when the reply is JSON and out is not nil).
func (b *liveBroker) do(t *testing.T, method, path string, body any, out ...any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, b.api+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(b.user, b.pass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s %s", method, path, resp.Status, data)
	}
	if len(out) > 0 {
		if err := json.Unmarshal(data, out[0]); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// queues lists the vhost's queue names.
func (b *liveBroker) queues(t *testing.T) []string {
	t.Helper()
	var qs []struct {
		Name string `json:"name"`
	}
	b.do(t, http.MethodGet, "/api/queues/"+url.PathEscape(b.vhost), nil, &qs)
	names := make([]string, len(qs))
	for i, q := range qs {
		names[i] = q.Name
	}
	return names
}

// tracing reports whether the vhost's firehose is on.
func (b *liveBroker) tracing(t *testing.T) bool {
	t.Helper()
	var vs []struct {
		Name    string `json:"name"`
		Tracing bool   `json:"tracing"`
	}
	b.do(t, http.MethodGet, "/api/vhosts", nil, &vs)
	for _, v := range vs {
		if v.Name == b.vhost {
			return v.Tracing
		}
	}
	t.Fatalf("no vhost %q", b.vhost)
	return false
}

// kaitenAt runs a command against the scratch vhost.
func (b *liveBroker) kaiten(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return kaiten(t, stdin, append(args, "--url", b.url(), "--api-url", b.api)...)
}

// background runs a command against the scratch vhost in the background;
// wait returns its status and output.
func (b *liveBroker) background(args ...string) (wait func() (int, string, string)) {
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(append(args, "--url", b.url(), "--api-url", b.api), strings.NewReader(""), &out, &errOut)
	}()
	return func() (int, string, string) {
		code := <-done
		return code, out.String(), errOut.String()
	}
}

// waitFor polls until ok or the time is up.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jsonLines decodes JSON Lines into maps.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var msgs []map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("not JSON Lines: %v\n%s", err, out)
		}
		msgs = append(msgs, m)
	}
	return msgs
}
