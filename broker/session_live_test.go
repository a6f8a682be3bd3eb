package broker

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLiveReconnect closes the session's connection from the server side
// and watches the session come back on a new connection.
func TestLiveReconnect(t *testing.T) {
	r := live(t)
	vhost := r.vhost(t, oddPrefix)
	name := "kaiten-reconnect-" + randomHex(4)
	admin, _ := ParseURI(r.amqpURL)
	s, err := Open(testCtx(t), Config{URL: r.url(t, admin.Username, admin.Password(), vhost), APIURL: r.apiURL, ConnectionName: name})
	must(t, err)
	defer s.Close()
	updates, stop := s.Watch()
	defer stop()
	if st := <-updates; st.State != StateConnected || st.Generation != 1 {
		t.Fatalf("first status %v", st)
	}
	ctx := testCtx(t)
	var conn string
	waitFor(t, "the connection to be listed", 15*time.Second, func() bool {
		cs, err := s.API().Connections(ctx, vhost, ListOptions{})
		must(t, err)
		for _, c := range cs {
			if c.ClientName == name {
				conn = c.Name
			}
		}
		return conn != ""
	})
	r.adminDo(t, http.MethodDelete, apiPath("connections", conn), nil)

	var reconnecting Status
	for st := range updates {
		if st.State == StateReconnecting && reconnecting.State != StateReconnecting {
			reconnecting = st
		}
		if st.State == StateConnected && st.Generation == 2 {
			break
		}
	}
	if reconnecting.State != StateReconnecting || !strings.Contains(reconnecting.String(), "CONNECTION_FORCED") {
		t.Errorf("reconnecting status %v", reconnecting)
	}
	ch, err := s.Channel()
	must(t, err)
	_ = ch.Close()

	must(t, s.Close())
	if st, ok := <-updates; ok && st.State != StateClosed {
		t.Errorf("after Close: %v", st)
	}
	if _, ok := <-updates; ok {
		t.Error("the watch channel stays open after Close")
	}
	if _, err := s.Channel(); !errors.Is(err, ErrClosed) {
		t.Errorf("Channel after Close: %v", err)
	}
}

// TestLiveReconnectBackoff cuts the broker off behind a proxy, lets the
// session fail to redial a few times, and brings the broker back.
func TestLiveReconnectBackoff(t *testing.T) {
	r := live(t)
	admin, _ := ParseURI(r.amqpURL)
	p := startProxy(t, admin.Addr())
	defer p.stop()
	s, err := Open(testCtx(t), Config{
		URL:    "amqp://" + admin.Username + ":" + admin.Password() + "@" + p.addr + "/",
		APIURL: r.apiURL, DialTimeout: 2 * time.Second,
	})
	must(t, err)
	defer s.Close()
	updates, stop := s.Watch()
	defer stop()
	<-updates

	p.stop()
	var failed Status
	for st := range updates {
		if st.State == StateReconnecting && st.Attempt >= 2 {
			failed = st
			break
		}
	}
	if !errors.Is(failed.AMQPErr, ErrUnreachable) || !strings.Contains(failed.AMQPErr.Error(), "connection refused") {
		t.Errorf("while the broker is away: %v", failed)
	}
	if _, err := s.Channel(); !errors.Is(err, ErrClosed) {
		t.Errorf("Channel while reconnecting: %v", err)
	}
	p.start(t)
	for st := range updates {
		if st.State == StateConnected {
			if st.Generation != 2 || st.AMQPErr != nil || st.Attempt != 0 {
				t.Errorf("back: %v (generation %d)", st, st.Generation)
			}
			break
		}
	}
}

// proxy forwards TCP connections to a broker and can be stopped and
// started on the same address.
type proxy struct {
	addr, upstream string
	mu             sync.Mutex
	l              net.Listener
	conns          []net.Conn
}

func startProxy(t *testing.T, upstream string) *proxy {
	p := &proxy{upstream: upstream, addr: "127.0.0.1:" + strconv.Itoa(freePort(t))}
	p.start(t)
	return p
}

func (p *proxy) start(t *testing.T) {
	l, err := net.Listen("tcp", p.addr)
	must(t, err)
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.upstream)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); _ = u.Close() }()
			go func() { _, _ = io.Copy(c, u); _ = c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		_ = p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}
