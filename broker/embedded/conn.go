package embedded

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// Timeouts of a connection's life: the first three are RabbitMQ's.
const (
	// handshakeTimeout bounds protocol header to connection.open-ok
	// (RabbitMQ's handshake_timeout).
	handshakeTimeout = 10 * time.Second
	// silentCloseDelay is how long a client that failed the handshake
	// waits before the socket closes, so failed logins cannot be hammered
	// (rabbit_reader's SILENT_CLOSE_DELAY).
	silentCloseDelay = 3 * time.Second
	// closingTimeout bounds the wait for connection.close-ok after the
	// server closed, unless the heartbeat is shorter (CLOSING_TIMEOUT).
	closingTimeout = 30 * time.Second
	// writeTimeout bounds the final flush of a closing connection whose
	// client no longer reads.
	writeTimeout = 5 * time.Second
	// lingerTimeout bounds the wait for the client to close its side after
	// the last frame went out.
	lingerTimeout = 2 * time.Second
)

// clientCaps are the capabilities a client announced in start-ok.
type clientCaps struct {
	cancelNotify bool // consumer_cancel_notify: send basic.cancel when a queue goes
	blocked      bool // connection.blocked
	authClose    bool // authentication_failure_close
}

// conn is one client connection: the reader goroutine runs serve, the
// writer goroutine writer.run.
type conn struct {
	b   *Broker
	nc  net.Conn
	log *slog.Logger
	br  *bufio.Reader
	fr  *wire.FrameReader
	w   *writer

	readBytes atomic.Int64 // octets read, for the heartbeat monitor
	sentBytes atomic.Int64 // octets written
	hbPaused  atomic.Bool  // while blocked the reader reads nothing on purpose
	connected time.Time

	// Set by the handshake, read-only afterwards.
	caps        clientCaps
	clientProps model.Table
	mechanism   string
	user        string
	vhost       string
	frameMax    uint32
	channelMax  uint16
	heartbeat   time.Duration
	core        *core.Conn

	// closing: a connection.close was sent or received; from then on only
	// close and close-ok matter. Set by the reader or by a forced close.
	closing   atomic.Bool
	kill      chan struct{} // closed to wake a reader blocked by the memory alarm
	killOnce  sync.Once
	closeOnce sync.Once

	// Reader goroutine only.
	channels  map[uint16]*channel
	published bool // a publish was handled since the last frame
}

// countingReader counts the octets read from the socket.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	return n, err
}

// countingWriter counts the octets written to the socket.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.n.Add(int64(n))
	return n, err
}

// octets reports the bytes received and sent, for the management API.
func (c *conn) octets() (recv, sent uint64) {
	return uint64(c.readBytes.Load()), uint64(c.sentBytes.Load())
}

func newConn(b *Broker, nc net.Conn) *conn {
	c := &conn{
		b:         b,
		nc:        nc,
		log:       b.log.With("conn", nc.RemoteAddr().String()),
		kill:      make(chan struct{}),
		channels:  make(map[uint16]*channel),
		connected: time.Now(),
	}
	c.br = bufio.NewReaderSize(countingReader{r: nc, n: &c.readBytes}, 64<<10)
	c.fr = wire.NewFrameReader(c.br, wire.FrameMinSize)
	return c
}

// name is the connection's name as RabbitMQ shows it.
func (c *conn) name() string {
	return c.nc.RemoteAddr().String() + " -> " + c.nc.LocalAddr().String()
}

// recoverPanic is the last line of defence: a bug that panics on some
// input closes that connection, logged with its stack, and the broker
// goes on serving the others.
func (c *conn) recoverPanic(where string) {
	if r := recover(); r != nil {
		c.log.Error("panic serving connection", "in", where, "panic", r, "stack", string(debug.Stack()))
		c.nc.Close()
	}
}

// serve runs the connection to its end.
func (c *conn) serve() {
	defer c.cleanup()
	defer c.recoverPanic("reader")
	fw := wire.NewFrameWriter(countingWriter{w: c.nc, n: &c.sentBytes}, wire.FrameMinSize)
	if !c.handshake(fw) {
		return
	}
	// The connection is the broker's before open-ok goes out, so that a
	// close (from the management API, or the broker shutting down) that
	// comes the moment the client sees it open finds it.
	// A close queued meanwhile goes out after the open-ok, as a client
	// expects.
	c.w = newWriter(c, fw)
	if !c.b.register(c) {
		c.w = nil // never ran: nothing to stop
		return
	}
	err := sendNow(fw, &wire.ConnectionOpenOk{})
	go c.w.run(c.heartbeat)
	if err != nil {
		return
	}
	c.log.Debug("connection open", "user", c.user, "vhost", c.vhost)
	c.readLoop()
}

// cleanup releases the connection: core's side (unacked messages back to
// their queues, exclusive queues gone), the writer, the socket.
func (c *conn) cleanup() {
	c.closeOnce.Do(func() {
		if c.core != nil {
			c.core.Close()
		}
		if c.w != nil {
			c.w.stop(writeTimeout)
		}
		c.nc.Close()
		c.b.forget(c)
	})
}

// readLoop reads frames until the connection ends.
func (c *conn) readLoop() {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			c.readFailed(err)
			return
		}
		if c.closing.Load() {
			if c.closingFrame(f) {
				return
			}
			continue
		}
		if f.Channel == 0 {
			err = c.frame0(f)
		} else {
			err = c.channelFrame(f)
		}
		if c.published && err == nil {
			c.published = false
			c.throttle()
		}
		if err != nil {
			if errors.Is(err, errClosed) {
				return
			}
			if c.closing.Load() { // closed meanwhile: core's refusals are moot
				continue
			}
			if done := c.fail(asAMQP(err, wire.MethodID{})); done {
				return
			}
		}
	}
}

// readFailed handles a frame that could not be read: the socket ended, or
// the framing broke and the connection is closed with 501.
func (c *conn) readFailed(err error) {
	var we *wire.Error
	if !errors.As(err, &we) {
		if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, net.ErrClosed) {
			c.log.Debug("read failed", "err", err)
		}
		return
	}
	if c.closing.Load() {
		return
	}
	e := c.framingError(asAMQP(err, wire.MethodID{}))
	e.fatal = true
	c.fail(e)
}

// framingError restates a frame the reader refused as rabbit_reader
// reports it, when the frame is still in the buffer (the reader consumes a
// refused frame only at the next read): frame_too_large against frame_max
// less 8, an invalid end marker, or an unknown frame.
func (c *conn) framingError(e *amqpError) *amqpError {
	if c.br.Buffered() < 7 { // never wait for more input here
		return e
	}
	head, err := c.br.Peek(7)
	if err != nil {
		return e
	}
	typ, size := head[0], binary.BigEndian.Uint32(head[3:7])
	if c.frameMax != 0 && size > c.frameMax {
		return frameTooLarge(typ, size, c.frameMax)
	}
	total := 7 + int(size) + 1
	if c.br.Buffered() < total {
		return e
	}
	whole, err := c.br.Peek(total)
	if err != nil {
		return e
	}
	how, bin := snippet(whole[7 : total-1])
	if end := whole[total-1]; end != wire.FrameEnd {
		return newError(wire.FrameError, wire.MethodID{}, "type %d, %s octets = %s: {invalid_frame_end_marker,%d}", typ, how, bin, end)
	}
	return newError(wire.FrameError, wire.MethodID{}, "type %d, %s octets = %s: unknown_frame", typ, how, bin)
}

// fail closes the connection for an exception: core's side first (as
// RabbitMQ terminates the channels), then connection.close. It reports
// whether the reader must stop now (the framing is lost); otherwise it
// goes on reading, waiting for close-ok.
func (c *conn) fail(e *amqpError) bool {
	if !c.closing.CompareAndSwap(false, true) {
		return false
	}
	c.log.Info("closing connection", "code", e.code, "text", e.text)
	c.core.Close()
	args := e.closeArgs()
	c.w.send(0, &args)
	if e.fatal {
		c.linger()
		return true
	}
	c.awaitCloseOK()
	return false
}

// forceClose closes the connection from outside the reader: the broker
// shutting down, or the vhost deleted. It reports false if the connection
// was closing already.
func (c *conn) forceClose(code uint16, text string) bool {
	if !c.closing.CompareAndSwap(false, true) {
		return false
	}
	c.log.Debug("closing connection", "code", code, "text", text)
	c.core.Close()
	args := newError(code, wire.MethodID{}, "%s", text).closeArgs()
	c.w.send(0, &args)
	c.awaitCloseOK()
	c.wakeReader()
	return true
}

// wakeReader ends a wait of the reader for the memory alarm to clear.
func (c *conn) wakeReader() { c.killOnce.Do(func() { close(c.kill) }) }

// throttle blocks a connection that published while the memory alarm is
// on, as RabbitMQ does: connection.blocked to a client that understands
// it, no more reading (so no heartbeat is expected) until the alarm
// clears, then connection.unblocked.
func (c *conn) throttle() {
	cleared := c.b.alarm.wait()
	if cleared == nil || c.closing.Load() {
		return
	}
	c.log.Info("blocking publisher: low on memory")
	if c.caps.blocked {
		c.w.send(0, &wire.ConnectionBlocked{Reason: "low on memory"})
	}
	c.hbPaused.Store(true)
	select {
	case <-cleared:
	case <-c.kill:
	}
	c.hbPaused.Store(false)
	if c.caps.blocked && !c.closing.Load() {
		c.w.send(0, &wire.ConnectionUnblocked{})
	}
}

// awaitCloseOK bounds the wait for the client's close-ok, as
// rabbit_reader:close_connection does.
func (c *conn) awaitCloseOK() {
	d := closingTimeout
	if c.heartbeat > 0 && c.heartbeat < d {
		d = c.heartbeat
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
}

// closingFrame handles a frame after connection.close: close-ok ends the
// connection, a crossing close is answered; the rest is ignored. It
// reports whether the connection is done.
func (c *conn) closingFrame(f wire.Frame) bool {
	if f.Channel != 0 || f.Type != wire.FrameMethod {
		return false
	}
	m, err := wire.DecodeMethod(f.Payload)
	if err != nil {
		return false
	}
	switch m.(type) {
	case *wire.ConnectionCloseOk:
		return true
	case *wire.ConnectionClose:
		c.w.send(0, &wire.ConnectionCloseOk{})
		c.linger()
		return true
	}
	return false
}

// linger flushes the last frames, then half-closes and waits a little for
// the client to close its side, so the socket ends with FIN rather than a
// reset that could destroy the close the client has not read yet.
func (c *conn) linger() {
	c.w.stop(writeTimeout)
	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
	_, _ = io.Copy(io.Discard, c.br)
}

// frame0 handles a frame on channel 0 of an open connection.
func (c *conn) frame0(f wire.Frame) error {
	switch f.Type {
	case wire.FrameHeartbeat:
		return nil
	case wire.FrameMethod:
	default:
		return unexpectedFrame(f)
	}
	m, err := wire.DecodeMethod(f.Payload)
	if err != nil {
		return err
	}
	switch m := m.(type) {
	case *wire.ConnectionClose:
		c.closing.Store(true)
		c.log.Debug("client closed the connection", "code", m.ReplyCode, "text", m.ReplyText)
		c.core.Close()
		c.w.send(0, &wire.ConnectionCloseOk{})
		c.linger()
		return errClosed
	case *wire.ConnectionUpdateSecret:
		return newError(wire.NotAllowed, m.ID(), "New secret was refused by one of the backends")
	}
	return newError(wire.ChannelError, m.ID(), "unexpected method in connection state running")
}

// errClosed ends the reader after a clean connection.close.
var errClosed = errors.New("connection closed")
