package embedded

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// rawClient speaks AMQP frame by frame, to see what amqp091-go hides and
// to send what it never would.
type rawClient struct {
	t  testing.TB
	nc net.Conn
	fr *wire.FrameReader
	fw *wire.FrameWriter
}

// dialRaw connects and sends the protocol header.
func dialRaw(t testing.TB, b *Broker) *rawClient {
	t.Helper()
	return dialRawHeader(t, b, wire.ProtocolHeader)
}

func (c *rawClient) write(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// send writes a method frame.
func (c *rawClient) send(channel uint16, m wire.Method) {
	c.t.Helper()
	if err := c.fw.WriteMethod(channel, m); err != nil {
		c.t.Fatal(err)
	}
	if err := c.fw.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

// sendContent writes a method with its content.
func (c *rawClient) sendContent(channel uint16, m wire.Method, body []byte) {
	c.t.Helper()
	if err := c.fw.WriteContent(channel, m, &model.Properties{}, body); err != nil {
		c.t.Fatal(err)
	}
	if err := c.fw.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

// frame writes one raw frame: type, channel, payload and the end octet.
func (c *rawClient) frame(typ uint8, channel uint16, payload []byte, end byte) {
	c.t.Helper()
	b := []byte{typ}
	b = binary.BigEndian.AppendUint16(b, channel)
	b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
	b = append(append(b, payload...), end)
	c.write(b)
}

// next reads the next method frame, skipping heartbeats.
func (c *rawClient) next() (uint16, wire.Method, error) {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			return 0, nil, err
		}
		if f.Type == wire.FrameHeartbeat {
			continue
		}
		if f.Type != wire.FrameMethod {
			continue // content of a method already returned
		}
		m, err := wire.DecodeMethod(f.Payload)
		return f.Channel, m, err
	}
}

// expect reads the next method and checks its type.
func expect[M wire.Method](c *rawClient, channel uint16) M {
	c.t.Helper()
	ch, m, err := c.next()
	if err != nil {
		c.t.Fatalf("waiting for %T: %v", *new(M), err)
	}
	got, ok := m.(M)
	if !ok || ch != channel {
		c.t.Fatalf("got %s on channel %d (%+v), want %T on %d", m.ID().Name(), ch, m, *new(M), channel)
	}
	return got
}

// startOK answers connection.start.
func (c *rawClient) startOK(mechanism, response string, failureClose bool) *wire.ConnectionStart {
	c.t.Helper()
	start := expect[*wire.ConnectionStart](c, 0)
	caps := model.Table{}
	if failureClose {
		caps["authentication_failure_close"] = model.Bool(true)
	}
	c.send(0, &wire.ConnectionStartOk{
		ClientProperties: model.Table{"capabilities": {Type: model.TypeTable, Table: caps}},
		Mechanism:        mechanism, Response: response, Locale: "en_US",
	})
	return start
}

// open runs the handshake to open-ok with PLAIN guest/guest and the tune
// given (zeros take the server's offer).
func (c *rawClient) open(vhost string, tn wire.ConnectionTuneOk) {
	c.t.Helper()
	c.startOK("PLAIN", "\x00guest\x00guest", true)
	offer := expect[*wire.ConnectionTune](c, 0)
	if tn.ChannelMax == 0 {
		tn.ChannelMax = offer.ChannelMax
	}
	if tn.FrameMax == 0 {
		tn.FrameMax = offer.FrameMax
	}
	c.send(0, &tn)
	c.send(0, &wire.ConnectionOpen{VirtualHost: vhost})
	expect[*wire.ConnectionOpenOk](c, 0)
}

// openChannel opens a channel.
func (c *rawClient) openChannel(n uint16) {
	c.t.Helper()
	c.send(n, &wire.ChannelOpen{})
	expect[*wire.ChannelOpenOk](c, n)
}

// connectionClose reads until connection.close, answers close-ok and
// returns it.
func (c *rawClient) connectionClose() wire.ConnectionClose {
	c.t.Helper()
	for {
		ch, m, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for connection.close: %v", err)
		}
		if cl, ok := m.(*wire.ConnectionClose); ok && ch == 0 {
			c.send(0, &wire.ConnectionCloseOk{})
			return *cl
		}
	}
}

// closed waits for the server to close the socket, failing on any method
// but heartbeats.
func (c *rawClient) closed() {
	c.t.Helper()
	_, m, err := c.next()
	if err == nil {
		c.t.Fatalf("want the socket closed, got %s %+v", m.ID().Name(), m)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.ErrUnexpectedEOF) {
		c.t.Fatalf("want the socket closed, got %v", err)
	}
}

// dialRawHeader connects and sends hdr instead of the AMQP 0-9-1 header.
func dialRawHeader(t testing.TB, b *Broker, hdr string) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", b.ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(15 * time.Second))
	c := &rawClient{t: t, nc: nc, fr: wire.NewFrameReader(bufio.NewReader(nc), 0), fw: wire.NewFrameWriter(nc, 0)}
	c.write([]byte(hdr))
	return c
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }
