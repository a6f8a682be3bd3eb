package core

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Conn is a client connection opened on a vhost. It owns its channels and
// its exclusive queues; closing it closes both.
type Conn struct {
	v    *Vhost
	id   uint64
	info ConnInfo

	mu        sync.Mutex
	channels  map[uint16]*Channel
	exclusive map[*queue]struct{}
	closed    bool

	vhostDeleted atomic.Bool
}

func newConn(v *Vhost, info ConnInfo) *Conn {
	return &Conn{
		v:         v,
		id:        v.b.nextConn.Add(1),
		info:      info,
		channels:  make(map[uint16]*Channel),
		exclusive: make(map[*queue]struct{}),
	}
}

// ID returns the connection's broker-wide id.
func (c *Conn) ID() uint64 { return c.id }

// Info returns what the connection was opened with.
func (c *Conn) Info() ConnInfo { return c.info }

// Vhost returns the vhost the connection is open on.
func (c *Conn) Vhost() *Vhost { return c.v }

// VhostDeleted reports whether the connection's vhost was deleted; the
// server layer should then close it with 320 CONNECTION_FORCED.
func (c *Conn) VhostDeleted() bool { return c.vhostDeleted.Load() }

func (c *Conn) markVhostDeleted() { c.vhostDeleted.Store(true) }

// OpenChannel opens channel number num. notify is called, without locks
// held by the caller's goroutine, whenever the channel's outbox goes from
// empty to non-empty; it must not block or call into core (a non-blocking
// send on a buffered chan is the usual choice). Reusing an open channel's
// number is a 504 CHANNEL_ERROR, a connection error.
func (c *Conn) OpenChannel(num uint16, notify func()) (*Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errorf(CodeChannelError, "connection is closed")
	}
	if _, ok := c.channels[num]; ok {
		return nil, errorf(CodeChannelError, "second 'channel.open' seen")
	}
	if notify == nil {
		notify = func() {}
	}
	ch := newChannel(c, num, notify)
	c.channels[num] = ch
	return ch, nil
}

// Channel returns the open channel with that number.
func (c *Conn) Channel(num uint16) (*Channel, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.channels[num]
	return ch, ok
}

// Channels returns the open channels, by number.
func (c *Conn) Channels() []*Channel {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Channel, 0, len(c.channels))
	for _, ch := range c.channels {
		out = append(out, ch)
	}
	slices.SortFunc(out, func(a, b *Channel) int { return int(a.num) - int(b.num) })
	return out
}

func (c *Conn) forgetChannel(ch *Channel) {
	c.mu.Lock()
	if c.channels[ch.num] == ch {
		delete(c.channels, ch.num)
	}
	c.mu.Unlock()
}

// addExclusive records an exclusive queue; it reports false when the
// connection is already closed, and the queue must then go.
func (c *Conn) addExclusive(q *queue) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.exclusive[q] = struct{}{}
	return true
}

func (c *Conn) dropExclusive(q *queue) {
	c.mu.Lock()
	delete(c.exclusive, q)
	c.mu.Unlock()
}

// Close closes every channel (requeueing their unacknowledged messages and
// cancelling their consumers) and deletes the connection's exclusive
// queues. Closing twice does nothing.
func (c *Conn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	chans := make([]*Channel, 0, len(c.channels))
	for _, ch := range c.channels {
		chans = append(chans, ch)
	}
	qs := make([]*queue, 0, len(c.exclusive))
	for q := range c.exclusive {
		qs = append(qs, q)
	}
	c.exclusive = nil
	c.mu.Unlock()
	for _, ch := range chans {
		ch.Close()
	}
	for _, q := range qs {
		_ = c.v.deleteQueue(q, nil)
	}
	c.v.disconnect(c)
}
