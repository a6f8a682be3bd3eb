package core

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// DefaultVersion is the RabbitMQ version core behaves as unless told
// otherwise. 3.13 is the oldest version still widely deployed that has the
// current dead-letter headers (x-last-death-*) and headers-exchange
// equality; set Options.Version to "3.10.8" to match the broker the
// conformance suite runs against.
const DefaultVersion = "3.13"

// Message size limits (RabbitMQ's max_message_size).
const (
	// MaxMessageSize3 is the default limit of RabbitMQ 3.x: 128 MiB.
	MaxMessageSize3 = 128 << 20
	// MaxMessageSize4 is the default limit of RabbitMQ 4.0 and later: 16 MiB.
	MaxMessageSize4 = 16 << 20
	// MaxMessageSizeCap is the largest limit RabbitMQ accepts: 512 MiB.
	MaxMessageSizeCap = 512 << 20
)

// DefaultChannelBuffer is how many deliveries a channel holds for its
// writer before the queues stop pushing to its consumers.
const DefaultChannelBuffer = 1024

// Options configure a Broker. The zero value is usable.
type Options struct {
	// Logger receives the broker's logs; nil discards them.
	Logger *slog.Logger
	// Version is the RabbitMQ version to behave as ("3.10.8", "3.13",
	// "4.1"); empty means DefaultVersion. It selects the x-last-death-*
	// headers (3.13+), headers-exchange equality (3.13+ strict), the
	// largest expiration (4294967295 ms before 3.13, 10 years from 3.13)
	// and the default MaxMessageSize (128 MiB before 4.0, 16 MiB from 4.0).
	Version string
	// MaxMessageSize is the largest body accepted, in bytes; 0 means the
	// version's default. It is capped at MaxMessageSizeCap.
	MaxMessageSize int
	// MemoryHighWatermark is how many bytes of message bodies the broker
	// may hold before it reports itself blocked; 0 means no limit.
	MemoryHighWatermark int64
	// OnMemoryAlarm is called when the broker becomes blocked (true) or
	// unblocked (false), so the server can send connection.blocked and
	// stop reading from publishers. It must not block or call into core.
	OnMemoryAlarm func(blocked bool)
	// Clock is the time source for TTLs, expiries and x-death timestamps;
	// nil means the system clock.
	Clock Clock
	// Node is the node name the firehose reports; empty means
	// "kaiten@localhost".
	Node string
	// ChannelBuffer bounds each channel's pending deliveries; 0 means
	// DefaultChannelBuffer.
	ChannelBuffer int
}

// Clock is a time source with timers, so tests can move time by hand.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not started; it reports whether
	// it did.
	Stop() bool
}

type systemClock struct{}

// Now returns time.Now().
func (systemClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// behaviour is what the emulated version changes.
type behaviour struct {
	lastDeath      bool  // x-last-death-* headers
	maxExpiry      int64 // largest TTL or expiration, ms
	headersEqual   model.HeadersEquality
	defaultMaxSize int
}

func behaviourFor(version string) behaviour {
	major, minor := parseVersion(version)
	b := behaviour{
		lastDeath:      major > 3 || major == 3 && minor >= 13,
		maxExpiry:      315_360_000_000,
		headersEqual:   model.HeadersEqualityFor(version),
		defaultMaxSize: MaxMessageSize3,
	}
	if !b.lastDeath {
		b.maxExpiry = 4294967295 // erlang:send_after's limit
	}
	if major >= 4 {
		b.defaultMaxSize = MaxMessageSize4
	}
	return b
}

func parseVersion(v string) (major, minor int) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 3, 13
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return 3, 13
	}
	return ma, mi
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Version == "" {
		o.Version = DefaultVersion
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Node == "" {
		o.Node = "kaiten@localhost"
	}
	if o.ChannelBuffer <= 0 {
		o.ChannelBuffer = DefaultChannelBuffer
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = behaviourFor(o.Version).defaultMaxSize
	}
	o.MaxMessageSize = min(o.MaxMessageSize, MaxMessageSizeCap)
	return o
}
