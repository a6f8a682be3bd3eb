package broker

import "errors"

// The ways an operation on messages ends that are outcomes rather than
// broken connections. Test for them with errors.Is; the CLI exits 1 for
// them.
var (
	// ErrUnroutable is a mandatory message the broker returned.
	ErrUnroutable = errors.New("unroutable")
	// ErrNacked is a message the broker nacked.
	ErrNacked = errors.New("nacked")
	// ErrTimeout is a wait that ran out of time.
	ErrTimeout = errors.New("timed out")
	// ErrTracingOff is a firehose tap of a vhost whose tracing is off,
	// asked for without consent to turn it on (see
	// TapOptions.EnableTracing).
	ErrTracingOff = errors.New("tracing is off")
	// ErrStale is a message settled after the delivery it came on was
	// lost with its connection: the broker has put it back and delivers
	// it again.
	ErrStale = errors.New("delivery from a lost connection")
)
