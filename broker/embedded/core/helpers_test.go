package core

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// fakeClock is a Clock moved by hand; Advance runs due timers in order, in
// the caller's goroutine.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// Advance moves time on and fires the timers that came due, including
// ones they arm that are due too.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var due *fakeTimer
		live := c.timers[:0]
		for _, t := range c.timers {
			if t.done {
				continue
			}
			live = append(live, t)
			if !t.at.After(c.now) && (due == nil || t.at.Before(due.at)) {
				due = t
			}
		}
		c.timers = live
		if due != nil {
			due.done = true
		}
		c.mu.Unlock()
		if due == nil {
			return
		}
		due.f()
	}
}

func newTestBroker(t *testing.T, opts Options) (*Broker, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	if opts.Clock == nil {
		opts.Clock = clk
	}
	return New(opts), clk
}

// client is one connection with one channel, and the frames it drained.
type client struct {
	t    *testing.T
	b    *Broker
	conn *Conn
	ch   *Channel
	buf  []Delivery
}

func connect(t *testing.T, b *Broker) *client {
	t.Helper()
	conn, err := b.Connect("/", ConnInfo{Name: "127.0.0.1:5000 -> 127.0.0.1:5672", User: "guest"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := conn.OpenChannel(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, b: b, conn: conn, ch: ch}
}

func (c *client) channel(n uint16) *client {
	ch, err := c.conn.OpenChannel(n, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return &client{t: c.t, b: c.b, conn: c.conn, ch: ch}
}

// drain returns what the writer would write now (a copy).
func (c *client) drain() []Delivery {
	c.buf = c.ch.Drain(c.buf)
	return append([]Delivery(nil), c.buf...)
}

// deliveries drains and keeps only deliver and get-ok frames.
func (c *client) deliveries() []Delivery {
	var out []Delivery
	for _, d := range c.drain() {
		if d.Kind == KindDeliver || d.Kind == KindGetOK {
			out = append(out, d)
		}
	}
	return out
}

func (c *client) declare(name string, args model.Table) string {
	c.t.Helper()
	ok, err := c.ch.QueueDeclare(QueueDeclare{Name: name, Arguments: args})
	if err != nil {
		c.t.Fatalf("declare %q: %v", name, err)
	}
	return ok.Name
}

func (c *client) exchange(name, typ string, args model.Table) {
	c.t.Helper()
	if err := c.ch.ExchangeDeclare(ExchangeDeclare{Name: name, Type: typ, Arguments: args}); err != nil {
		c.t.Fatalf("declare exchange %q: %v", name, err)
	}
}

func (c *client) bind(queue, exchange, key string) {
	c.t.Helper()
	if err := c.ch.QueueBind(queue, exchange, key, nil); err != nil {
		c.t.Fatalf("bind %q to %q: %v", queue, exchange, err)
	}
}

func (c *client) publish(exchange, key string, body string) PublishResult {
	c.t.Helper()
	return c.publishProps(exchange, key, model.Properties{}, body)
}

func (c *client) publishProps(exchange, key string, p model.Properties, body string) PublishResult {
	c.t.Helper()
	res, err := c.ch.Publish(exchange, key, false, p, []byte(body))
	if err != nil {
		c.t.Fatalf("publish to %q/%q: %v", exchange, key, err)
	}
	return res
}

func (c *client) consume(queue string, noAck bool) string {
	c.t.Helper()
	tag, err := c.ch.Consume(queue, "", noAck, false, false, nil)
	if err != nil {
		c.t.Fatalf("consume %q: %v", queue, err)
	}
	return tag
}

// get does basic.get and returns the get-ok, or nil for get-empty.
func (c *client) get(queue string, noAck bool) *Delivery {
	c.t.Helper()
	if err := c.ch.Get(queue, noAck); err != nil {
		c.t.Fatalf("get %q: %v", queue, err)
	}
	for _, d := range c.drain() {
		switch d.Kind {
		case KindGetOK:
			return &d
		case KindGetEmpty:
			return nil
		}
	}
	c.t.Fatal("no get reply")
	return nil
}

func bodies(ds []Delivery) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, string(d.Message.Body))
	}
	return out
}

func (c *client) queueInfo(name string) QueueInfo {
	c.t.Helper()
	for _, q := range c.ch.Vhost().Snapshot().Queues {
		if q.Name == name {
			return q
		}
	}
	c.t.Fatalf("no queue %q", name)
	return QueueInfo{}
}

func wantError(t *testing.T, err error, code int, text string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want error %d %q, got %v", code, text, err)
	}
	if e.Code != code || (text != "" && e.Text != text) {
		t.Fatalf("want %d %q\n got %d %q", code, text, e.Code, e.Text)
	}
}

func strs(vs []model.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Str
	}
	return out
}

func joined(s []string) string { return strings.Join(s, ",") }

func table(kv ...any) model.Table {
	t := model.Table{}
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			t[k] = model.String(v)
		case int:
			t[k] = model.Long(int64(v))
		case bool:
			t[k] = model.Bool(v)
		case model.Value:
			t[k] = v
		default:
			panic("table: unsupported value")
		}
	}
	return t
}

func propsPriority(p uint8) model.Properties {
	return model.Properties{Priority: p, Has: model.HasPriority}
}

func propsNone() model.Properties { return model.Properties{} }
