package core

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// DefaultVhost is the vhost every broker starts with.
const DefaultVhost = "/"

// Broker is the state machine of an AMQP 0-9-1 broker: vhosts with their
// exchanges, queues, bindings and policies, and the connections and
// channels that publish and consume. It does no network IO: the server
// layer decodes frames, calls into it, and writes what it returns. It is
// safe for concurrent use.
type Broker struct {
	opts  Options
	beh   behaviour
	log   *slog.Logger
	clock Clock

	mu     sync.RWMutex
	vhosts map[string]*Vhost

	nextConn atomic.Uint64
	replyTo  sync.Map // direct reply-to key → *Channel

	mem     atomic.Int64
	blocked atomic.Bool
	alarmMu sync.Mutex
}

// New returns a broker with the default vhost "/".
func New(opts Options) *Broker {
	opts = opts.withDefaults()
	b := &Broker{
		opts:   opts,
		beh:    behaviourFor(opts.Version),
		log:    opts.Logger,
		clock:  opts.Clock,
		vhosts: make(map[string]*Vhost),
	}
	b.vhosts[DefaultVhost] = newVhost(b, DefaultVhost)
	return b
}

// Options returns the options in effect, defaults filled in.
func (b *Broker) Options() Options { return b.opts }

// AddVhost creates a vhost with the built-in exchanges. Adding one that
// exists does nothing.
func (b *Broker) AddVhost(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.vhosts[name]; !ok {
		b.vhosts[name] = newVhost(b, name)
	}
}

// DeleteVhost deletes a vhost and everything in it: its queues are deleted
// (their consumers get a server-side basic.cancel) and its connections
// should be closed by the server layer (Conn.Closed reports it). It
// reports whether the vhost existed.
func (b *Broker) DeleteVhost(name string) bool {
	b.mu.Lock()
	v, ok := b.vhosts[name]
	delete(b.vhosts, name)
	b.mu.Unlock()
	if ok {
		v.destroy()
	}
	return ok
}

// Vhosts returns the vhost names, sorted.
func (b *Broker) Vhosts() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	names := make([]string, 0, len(b.vhosts))
	for n := range b.vhosts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Vhost returns the named vhost.
func (b *Broker) Vhost(name string) (*Vhost, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	v, ok := b.vhosts[name]
	return v, ok
}

// ConnInfo describes a client connection, for exclusive-queue ownership,
// the firehose and the management API.
type ConnInfo struct {
	// Name is the connection's name as RabbitMQ shows it,
	// "127.0.0.1:54474 -> 127.0.0.1:5672".
	Name string
	// User is the authenticated user name.
	User string
	// Impersonator allows publishing with a user_id other than User
	// (RabbitMQ's "impersonator" user tag).
	Impersonator bool

	// The rest only describes the connection to the management API;
	// core does not act on it, and zero values are shown as unknown.

	// ClientProperties are the client's connection.start-ok properties
	// (product, version, platform, capabilities, connection_name).
	ClientProperties model.Table
	// ConnectedAt is when the client connected.
	ConnectedAt time.Time
	// AuthMechanism is the SASL mechanism the client chose ("PLAIN").
	AuthMechanism string
	// FrameMax, ChannelMax and Heartbeat are the tuned limits (heartbeat
	// in seconds).
	FrameMax   uint32
	ChannelMax uint16
	Heartbeat  uint16
	// Octets, when set, reports the bytes received from and sent to the
	// client so far; it must be safe to call from any goroutine.
	Octets func() (recv, sent uint64)
}

// Connect opens a connection to a vhost, as connection.open does. A missing
// vhost is refused with 530 NOT_ALLOWED, a connection error.
func (b *Broker) Connect(vhost string, info ConnInfo) (*Conn, error) {
	v, ok := b.Vhost(vhost)
	if !ok {
		return nil, errorf(CodeNotAllowed, "vhost %s not found", vhost)
	}
	return v.connect(info)
}

// MemoryUsed returns the bytes of message bodies the broker holds (each
// body once, however many queues hold it).
func (b *Broker) MemoryUsed() int64 { return b.mem.Load() }

// Blocked reports whether memory use is above the high watermark; the
// server layer should then send connection.blocked and stop reading from
// connections that publish.
func (b *Broker) Blocked() bool { return b.blocked.Load() }

func (b *Broker) memAdd(n int64) {
	used := b.mem.Add(n)
	wm := b.opts.MemoryHighWatermark
	if wm <= 0 {
		return
	}
	if over := used > wm; over != b.blocked.Load() {
		b.alarmMu.Lock()
		over = b.mem.Load() > wm // decide under the lock, in order
		changed := b.blocked.Swap(over) != over
		if changed {
			b.log.Info("memory alarm", "blocked", over, "used", used, "watermark", wm)
			if b.opts.OnMemoryAlarm != nil {
				b.opts.OnMemoryAlarm(over)
			}
		}
		b.alarmMu.Unlock()
	}
}

// Counters returns the broker-wide cumulative counters: the sum over the
// vhosts that exist.
func (b *Broker) Counters() CounterValues {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var sum CounterValues
	for _, v := range b.vhosts {
		sum.add(v.stats.values())
	}
	return sum
}

// now returns the clock's time in Unix nanoseconds.
func (b *Broker) now() int64 { return b.clock.Now().UnixNano() }

func (b *Broker) afterFunc(d time.Duration, f func()) Timer {
	return b.clock.AfterFunc(d, f)
}
