package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"

	amqp "github.com/rabbitmq/amqp091-go"
)

// rabbit is the RabbitMQ the tests run against: KAITEN_TEST_AMQP_URL and
// KAITEN_TEST_API_URL, else the local one with guest/guest. Without one
// the tests skip, except under CI=true, where they fail.
type rabbit struct {
	amqpURL *url.URL // vhost replaced per test
	apiURL  string
	user    string
	pass    string
}

func live(t *testing.T) *rabbit {
	t.Helper()
	tr := testenv.RabbitMQ(t)
	a, err := url.Parse(tr.AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	return &rabbit{amqpURL: a, apiURL: tr.APIURL, user: tr.User, pass: tr.Password}
}

// api calls the management API and decodes the answer into out.
func (r *rabbit) api(t testing.TB, method, path string, body, out any) {
	t.Helper()
	if err := r.apiErr(method, path, body, out); err != nil {
		t.Fatal(err)
	}
}

func (r *rabbit) apiErr(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(r.apiURL, "/")+path, rd)
	if err != nil {
		return err
	}
	req.SetBasicAuth(r.user, r.pass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// vhost creates a scratch vhost (with the firehose on when tracing), and
// deletes it when the test ends. It returns the vhost's AMQP URL.
func (r *rabbit) vhost(t *testing.T, tracing bool) (name, amqpURL string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name = "kaiten-demo-test-" + hex.EncodeToString(b)
	r.api(t, http.MethodPut, "/api/vhosts/"+url.PathEscape(name), map[string]any{"tracing": tracing}, nil)
	t.Cleanup(func() { _ = r.apiErr(http.MethodDelete, "/api/vhosts/"+url.PathEscape(name), nil, nil) })
	perm := map[string]string{"configure": ".*", "write": ".*", "read": ".*"}
	r.api(t, http.MethodPut, "/api/permissions/"+url.PathEscape(name)+"/"+url.PathEscape(r.user), perm, nil)
	return name, r.url(name, r.amqpURL.Host)
}

// url is the AMQP URL of vhost through host.
func (r *rabbit) url(vhost, host string) string {
	u := *r.amqpURL
	u.Host = host
	u.Path, u.RawPath = "/"+vhost, "/"+url.PathEscape(vhost)
	return u.String()
}

// dial connects to the URL and closes the connection when the test ends.
func dial(t testing.TB, amqpURL string) (*amqp.Connection, *amqp.Channel) {
	t.Helper()
	conn, err := amqp.Dial(amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	return conn, ch
}

// inspect returns a queue's message and consumer counts, which a passive
// declare tells at once (the management API's are sampled every 5 s).
func inspect(t testing.TB, conn *amqp.Connection, queue string) (amqp.Queue, error) {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	return ch.QueueDeclarePassive(queue, false, false, false, false, nil)
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testLogger writes the demo's log to the test's, until the test ends.
func testLogger(t testing.TB, level slog.Level) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.t = nil
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

type testWriter struct {
	mu sync.Mutex
	t  testing.TB
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.t != nil {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}
