package conformance

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// A raw AMQP 0-9-1 client, just enough to see what amqp091-go hides: the
// tune the server offers, its connection.close during the handshake, its
// heartbeat frames, and how it treats a client that breaks the limits it
// agreed to.

const (
	frameMethod    = 1
	frameHeartbeat = 8
	frameEnd       = 0xCE
)

// frame is one frame as read off the wire.
type frame struct {
	typ     byte
	channel uint16
	payload []byte
}

// method returns the class and method ids of a method frame.
func (f frame) method() (class, method uint16) {
	if f.typ != frameMethod || len(f.payload) < 4 {
		return 0, 0
	}
	return binary.BigEndian.Uint16(f.payload), binary.BigEndian.Uint16(f.payload[2:])
}

// wireClose is a connection.close or channel.close as the server sent it.
type wireClose struct {
	Code          uint16
	Text          string
	Class, Method uint16
}

// closeArgs decodes the arguments of a close method.
func (f frame) closeArgs() (wireClose, error) {
	r := bytes.NewReader(f.payload[4:])
	var c wireClose
	if err := binary.Read(r, binary.BigEndian, &c.Code); err != nil {
		return c, err
	}
	n, err := r.ReadByte()
	if err != nil {
		return c, err
	}
	txt := make([]byte, n)
	if _, err := io.ReadFull(r, txt); err != nil {
		return c, err
	}
	c.Text = string(txt)
	if err := binary.Read(r, binary.BigEndian, &c.Class); err != nil {
		return c, err
	}
	err = binary.Read(r, binary.BigEndian, &c.Method)
	return c, err
}

// wireTune is connection.tune's arguments.
type wireTune struct {
	ChannelMax uint16
	FrameMax   uint32
	Heartbeat  uint16
}

// wire is a raw connection.
type wire struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dialWire(t *testing.T, tb *testBroker) *wire {
	t.Helper()
	c, err := net.DialTimeout("tcp", tb.Address(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(wait))
	w := &wire{t: t, conn: c, r: bufio.NewReader(c)}
	w.write([]byte("AMQP\x00\x00\x09\x01"))
	return w
}

func (w *wire) write(b []byte) {
	w.t.Helper()
	if _, err := w.conn.Write(b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// read reads one frame; io.EOF when the server has closed the socket.
func (w *wire) read() (frame, error) {
	var hdr [7]byte
	if _, err := io.ReadFull(w.r, hdr[:]); err != nil {
		return frame{}, err
	}
	f := frame{typ: hdr[0], channel: binary.BigEndian.Uint16(hdr[1:])}
	f.payload = make([]byte, binary.BigEndian.Uint32(hdr[3:]))
	if _, err := io.ReadFull(w.r, f.payload); err != nil {
		return frame{}, err
	}
	end, err := w.r.ReadByte()
	if err != nil {
		return frame{}, err
	}
	if end != frameEnd {
		return frame{}, fmt.Errorf("frame end 0x%02x", end)
	}
	return f, nil
}

// expect reads frames until a method frame, skipping heartbeats, and
// checks its ids.
func (w *wire) expect(class, method uint16) frame {
	w.t.Helper()
	for {
		f, err := w.read()
		if err != nil {
			w.t.Fatalf("waiting for method %d.%d: %v", class, method, err)
		}
		if f.typ == frameHeartbeat {
			continue
		}
		if c, m := f.method(); c != class || m != method {
			msg := fmt.Sprintf("got frame type %d method %d.%d, want %d.%d", f.typ, c, m, class, method)
			if cl, err := f.closeArgs(); (m == 40 || m == 50) && err == nil {
				msg += fmt.Sprintf(" (%d %q)", cl.Code, cl.Text)
			}
			w.t.Fatal(msg)
		}
		return f
	}
}

// sendMethod writes a method frame; args are already encoded.
func (w *wire) sendMethod(channel, class, method uint16, args []byte) {
	w.t.Helper()
	p := binary.BigEndian.AppendUint16(nil, class)
	p = binary.BigEndian.AppendUint16(p, method)
	w.sendFrame(frameMethod, channel, append(p, args...))
}

func (w *wire) sendFrame(typ byte, channel uint16, payload []byte) {
	w.t.Helper()
	b := []byte{typ}
	b = binary.BigEndian.AppendUint16(b, channel)
	b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
	b = append(b, payload...)
	w.write(append(b, frameEnd))
}

// startOK reads connection.start and answers with PLAIN credentials;
// failureClose advertises the authentication_failure_close capability.
func (w *wire) startOK(user, pass string, failureClose bool) {
	w.t.Helper()
	w.expect(10, 10)
	var caps []byte
	if failureClose {
		caps = shortstr(caps, "authentication_failure_close")
		caps = append(caps, 't', 1)
	}
	props := shortstr(nil, "capabilities")
	props = append(props, 'F')
	props = longstr(props, string(caps))
	args := longstr(nil, string(props))
	args = shortstr(args, "PLAIN")
	args = longstr(args, "\x00"+user+"\x00"+pass)
	args = shortstr(args, "en_US")
	w.sendMethod(0, 10, 11, args)
}

// tune reads connection.tune and returns what the server offered.
func (w *wire) tune() wireTune {
	w.t.Helper()
	f := w.expect(10, 30)
	var tn wireTune
	if err := binary.Read(bytes.NewReader(f.payload[4:]), binary.BigEndian, &tn); err != nil {
		w.t.Fatalf("connection.tune: %v", err)
	}
	return tn
}

// tuneOK answers connection.tune.
func (w *wire) tuneOK(tn wireTune) {
	w.t.Helper()
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.BigEndian, tn)
	w.sendMethod(0, 10, 31, buf.Bytes())
}

// open sends connection.open for the vhost.
func (w *wire) open(vhost string) {
	w.t.Helper()
	args := shortstr(nil, vhost)
	args = shortstr(args, "")
	w.sendMethod(0, 10, 40, append(args, 0))
}

// handshake opens the connection up to connection.open-ok with the tune
// given (zeros take the server's).
func (w *wire) handshake(vhost string, tn wireTune, user, pass string) {
	w.t.Helper()
	w.startOK(user, pass, true)
	offered := w.tune()
	if tn.ChannelMax == 0 {
		tn.ChannelMax = offered.ChannelMax
	}
	if tn.FrameMax == 0 {
		tn.FrameMax = offered.FrameMax
	}
	w.tuneOK(tn)
	w.open(vhost)
	w.expect(10, 41)
}

// openWire opens a raw connection to a fresh vhost with the tune given.
func openWire(t *testing.T, tb *testBroker, tn wireTune) *wire {
	t.Helper()
	v := tb.vhost(t)
	w := dialWire(t, tb)
	user, pass := tb.Credentials()
	w.handshake(v.name, tn, user, pass)
	return w
}

// openChannel sends channel.open.
func (w *wire) openChannel(id uint16) {
	w.t.Helper()
	w.sendMethod(id, 20, 10, shortstr(nil, ""))
}

// connectionClose reads on until connection.close, answers it with
// close-ok and returns it.
func (w *wire) connectionClose() wireClose {
	w.t.Helper()
	f := w.expect(10, 50)
	c, err := f.closeArgs()
	if err != nil {
		w.t.Fatalf("connection.close: %v", err)
	}
	w.sendMethod(0, 10, 51, nil)
	return c
}

// closedSocket reads until the server closes or resets the socket,
// failing on any frame other than a heartbeat.
func (w *wire) closedSocket() {
	w.t.Helper()
	for {
		f, err := w.read()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
				w.t.Fatalf("want the socket closed, got %v", err)
			}
			return
		}
		if f.typ != frameHeartbeat {
			c, m := f.method()
			msg := fmt.Sprintf("want the socket closed, got frame type %d method %d.%d", f.typ, c, m)
			if cl, err := f.closeArgs(); m == 50 && err == nil {
				msg += fmt.Sprintf(" (%d %q)", cl.Code, cl.Text)
			}
			w.t.Fatal(msg)
		}
	}
}

func shortstr(b []byte, s string) []byte {
	return append(append(b, byte(len(s))), s...)
}

func longstr(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}
