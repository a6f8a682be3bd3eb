package mgmt

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// fakeClock is a clock moved by hand; its timers never fire (the tests
// here need no TTLs).
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) AfterFunc(time.Duration, func()) core.Timer { return stopped{} }

type stopped struct{}

func (stopped) Stop() bool { return false }

// env is a broker with its management API on a test server.
type env struct {
	t     *testing.T
	b     *core.Broker
	clock *fakeClock
	srv   *httptest.Server
	user  string
	pass  string
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clock := newFakeClock()
	b := core.New(core.Options{Clock: clock, Version: "3.10.8"})
	if opts.Clock == nil {
		opts.Clock = clock
	}
	e := &env{t: t, b: b, clock: clock, user: "guest", pass: "guest"}
	e.srv = httptest.NewServer(NewHandler(b, opts))
	t.Cleanup(e.srv.Close)
	return e
}

// reply is an answer of the API.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body (numbers as json.Number).
func (r reply) json(t *testing.T) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("reply is not JSON (%v): %q", err, r.body)
	}
	return v
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	o, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("reply is not an object: %s", r.body)
	}
	return o
}

func (r reply) list(t *testing.T) []map[string]any {
	t.Helper()
	l, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("reply is not a list: %s", r.body)
	}
	out := make([]map[string]any, len(l))
	for i, e := range l {
		out[i], _ = e.(map[string]any)
	}
	return out
}

// do sends a request; path is the raw (escaped) path and query.
func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.user != "" {
		req.SetBasicAuth(e.user, e.pass)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path string, body any) reply {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

// vhost returns a vhost of the broker.
func (e *env) vhost(name string) *core.Vhost {
	e.t.Helper()
	v, ok := e.b.Vhost(name)
	if !ok {
		e.t.Fatalf("no vhost %q", name)
	}
	return v
}

// client opens a connection and a channel as an AMQP client would.
func (e *env) client(vhost, name string) (*core.Conn, *core.Channel) {
	e.t.Helper()
	c, err := e.b.Connect(vhost, core.ConnInfo{
		Name: name, User: "guest", AuthMechanism: "PLAIN", FrameMax: 131072, ChannelMax: 2047, Heartbeat: 60,
		ClientProperties: model.Table{"product": model.String("test-client")},
		ConnectedAt:      e.clock.Now(), Octets: func() (uint64, uint64) { return 100, 200 },
	})
	if err != nil {
		e.t.Fatal(err)
	}
	ch, err := c.OpenChannel(1, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(c.Close)
	return c, ch
}

// publish publishes on the vhost as the broker itself.
func (e *env) publish(vhost, exchange, key, body string) core.PublishResult {
	e.t.Helper()
	res, err := e.vhost(vhost).Publish(exchange, key, false, model.Properties{}, []byte(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// field walks a dotted path through decoded JSON.
func field(v any, path string) any {
	for k := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// num reads a decoded JSON number.
func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// names lists the "name" of each item.
func names(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it["name"].(string)
	}
	return out
}

// coreQueue is a queue.declare of a named queue.
func coreQueue(name string, exclusive bool) core.QueueDeclare {
	return core.QueueDeclare{Name: name, Exclusive: exclusive}
}
