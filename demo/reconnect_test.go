package demo

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDemoReconnects cuts every connection of the demo (through a TCP
// proxy in front of the broker) and checks that the services come back
// and the traffic goes on; then takes the proxy away and checks that Stop
// does not wait for the reconnection attempts.
func TestDemoReconnects(t *testing.T) {
	t.Parallel()
	r := live(t)
	vhost, direct := r.vhost(t, false)
	px := newProxy(t, r.amqpURL.Host)
	d, err := Start(context.Background(), Options{
		URL: r.url(vhost, px.addr()), Logger: testLogger(t, slog.LevelInfo), Seed: 2, Rate: testRate,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	conn, _ := dial(t, direct)
	consumed := func(q string) func() bool {
		return func() bool {
			got, err := inspect(t, conn, q)
			return err == nil && got.Consumers > 0
		}
	}
	eventually(t, 5*time.Second, "compute.host1 consumed", consumed("compute.host1"))
	audit := func() int {
		q, err := inspect(t, conn, qAudit)
		if err != nil {
			t.Fatal(err)
		}
		return q.Messages
	}

	accepted := px.cut()
	eventually(t, 5*time.Second, "the services to reconnect", func() bool { return px.accepted() >= accepted+len(d.procs) })
	for _, q := range []string{"compute.host1", "compute.host2", "scheduler", "conductor", "q-plugin", qNotifyInfo} {
		eventually(t, 5*time.Second, q+" consumed again", consumed(q))
	}
	before := audit()
	eventually(t, 5*time.Second, "traffic after reconnecting", func() bool { return audit() > before })

	px.close()
	time.Sleep(300 * time.Millisecond) // the services are redialling now
	began := time.Now()
	d.Stop()
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Stop while reconnecting took %v", took)
	}
}

// TestStartUnreachable checks that Start fails at once, naming the broker
// but not the password, when nothing listens.
func TestStartUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	began := time.Now()
	_, err = Start(context.Background(), Options{URL: "amqp://guest:s3cret@" + addr + "/demo"})
	if err == nil {
		t.Fatal("Start succeeded with no broker")
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Start took %v to fail", took)
	}
	if msg := err.Error(); !strings.Contains(msg, addr) || strings.Contains(msg, "s3cret") {
		t.Errorf("error %q: want the address and no password", msg)
	}
	if _, err := Start(context.Background(), Options{URL: "http://nope"}); err == nil {
		t.Error("Start took an http URL")
	}
}

// proxy forwards TCP connections to a broker, and can cut them all.
type proxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	conns []net.Conn
	n     int
	wg    sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		p.close()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.n++
		p.mu.Unlock()
		for _, pair := range [][2]net.Conn{{c, up}, {up, c}} {
			p.wg.Go(func() {
				_, _ = io.Copy(pair[0], pair[1])
				_ = pair[0].Close()
				_ = pair[1].Close()
			})
		}
	}
}

// accepted counts the connections so far.
func (p *proxy) accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// cut closes every connection so far and returns how many there were.
func (p *proxy) cut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	return p.n
}

// close stops accepting and cuts what is open.
func (p *proxy) close() {
	_ = p.l.Close()
	p.cut()
}
