package embedded

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
)

// listenLoopback listens on addr, which must be on a loopback interface
// (an empty host means 127.0.0.1). An empty addr takes 127.0.0.1 and the
// default port when it is free, else a free port.
func listenLoopback(addr, defaultPort string) (net.Listener, error) {
	if addr == "" {
		if ln, err := net.Listen("tcp", "127.0.0.1:"+defaultPort); err == nil {
			return ln, nil
		}
		return net.Listen("tcp", "127.0.0.1:0")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	switch strings.ToLower(host) {
	case "", "localhost":
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("address %q: the embedded broker listens on loopback only (127.0.0.1 or ::1), since anyone reaching it logs in as guest", addr)
	}
	return net.Listen("tcp", net.JoinHostPort(ip.String(), port))
}

// acceptLoop accepts connections until the listener closes.
func (b *Broker) acceptLoop() {
	defer b.wg.Done()
	var delay time.Duration
	for {
		nc, err := b.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off, as
			// net/http does, rather than spin.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			b.log.Warn("accept failed", "err", err, "retry", delay)
			if !b.sleep(delay) {
				return
			}
			continue
		}
		delay = 0
		if !b.track(nc) {
			_ = nc.Close()
			return
		}
		c := newConn(b, nc)
		go c.serve()
	}
}

// track records an accepted socket; false once the broker is closed.
func (b *Broker) track(nc net.Conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.raw[nc] = struct{}{}
	b.wg.Add(1)
	return true
}

// register moves a connection that finished its handshake to the open
// ones; false once the broker is closed.
func (b *Broker) register(c *conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	delete(b.raw, c.nc)
	b.conns[c] = struct{}{}
	return true
}

// forget drops a connection that ended.
func (b *Broker) forget(c *conn) {
	b.mu.Lock()
	delete(b.raw, c.nc)
	delete(b.conns, c)
	b.mu.Unlock()
	b.wg.Done()
}

// open is connection.open: the vhost must exist.
func (b *Broker) open(vhost string, info core.ConnInfo) (*core.Conn, error) {
	return b.core.Connect(vhost, info)
}

// authenticate checks a login: guest/guest, the user RabbitMQ starts with.
func (b *Broker) authenticate(user, pass string) bool {
	return user == "guest" && pass == "guest"
}

// sleep waits d, or less if the broker closes; it reports whether the
// broker is still open.
func (b *Broker) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.done:
		return false
	}
}

// sweep closes, once a second, the connections whose vhost was deleted
// (through the management API), as RabbitMQ does.
func (b *Broker) sweep() {
	defer b.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-t.C:
		}
		b.mu.Lock()
		var gone []*conn
		for c := range b.conns {
			if c.core.VhostDeleted() {
				gone = append(gone, c)
			}
		}
		b.mu.Unlock()
		for _, c := range gone {
			c.forceClose(320, fmt.Sprintf("vhost '%s' is deleted", c.vhost))
		}
	}
}

// CloseConnection closes the open connection with core's id, as the
// management API's DELETE /api/connections/{name} does: connection.close
// 320 CONNECTION_FORCED with the reason. It reports whether the
// connection was found.
func (b *Broker) CloseConnection(id uint64, reason string) bool {
	// core lists a connection from connection.open on; the server holds
	// it from just after open-ok. A close that comes in that moment waits
	// for it rather than failing.
	for deadline := time.Now().Add(time.Second); ; time.Sleep(2 * time.Millisecond) {
		if c := b.openConn(id); c != nil {
			c.forceClose(320, reason)
			return true
		}
		if !b.core.HasConnection(id) || time.Now().After(deadline) {
			return false
		}
	}
}

// openConn finds the open connection with core's id.
func (b *Broker) openConn(id uint64) *conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.conns {
		if c.core.ID() == id {
			return c
		}
	}
	return nil
}

// alarm is the memory alarm as the connections see it: while it is on,
// a connection that publishes stops reading until it clears.
type alarm struct {
	mu      sync.Mutex
	on      bool
	cleared chan struct{} // closed when the alarm clears
}

// set is core's OnMemoryAlarm: it must not block or call into core.
func (a *alarm) set(on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if on == a.on {
		return
	}
	a.on = on
	if on {
		a.cleared = make(chan struct{})
	} else {
		close(a.cleared)
	}
}

// wait returns a channel closed when the alarm clears, or nil if it is off.
func (a *alarm) wait() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.on {
		return nil
	}
	return a.cleared
}
