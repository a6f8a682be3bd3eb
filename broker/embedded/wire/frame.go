// Package wire is the AMQP 0-9-1 codec of kaiten's embedded broker: the
// protocol header, frames, every method of the protocol with RabbitMQ's
// extensions, content headers with the basic properties, and field tables
// with RabbitMQ's type letters, decoded to model values of the exact type.
//
// Decoding never panics: malformed input gives an *Error carrying the reply
// code a server answers it with. Encoding appends to a caller's slice.
package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Frame types.
const (
	FrameMethod    uint8 = 1
	FrameHeader    uint8 = 2
	FrameBody      uint8 = 3
	FrameHeartbeat uint8 = 8
)

// Framing constants.
const (
	// FrameEnd is the octet that closes every frame.
	FrameEnd byte = 0xCE
	// FrameOverhead is the size of a frame around its payload: type,
	// channel and size before it, the end octet after.
	FrameOverhead = 8
	// FrameMinSize is the smallest frame_max a peer may negotiate, and the
	// largest frame either side may send before tuning. (RabbitMQ 4.1 and
	// later accept 8192 before tuning, for large OAuth tokens in start-ok.)
	FrameMinSize = 4096
)

// ProtocolHeader is what a client sends first, and what a server sends back
// before closing when it does not speak the client's protocol.
const ProtocolHeader = "AMQP\x00\x00\x09\x01"

// protocolHeader09 is AMQP 0-9's header, which RabbitMQ accepts as 0-9-1.
const protocolHeader09 = "AMQP\x01\x01\x00\x09"

// HeaderMismatchError says a client opened with another protocol header. The
// server should write ProtocolHeader and close the connection.
type HeaderMismatchError struct {
	Got [8]byte
}

// Error describes the header received.
func (e *HeaderMismatchError) Error() string {
	return fmt.Sprintf("protocol header %q is not AMQP 0-9-1", e.Got[:])
}

// ReadProtocolHeader reads a client's 8-byte protocol header. It returns
// nil for AMQP 0-9-1 (and for 0-9, which RabbitMQ takes as 0-9-1 too), a
// *HeaderMismatchError for anything else, or the read error (io.EOF or
// io.ErrUnexpectedEOF when the client hangs up first).
func ReadProtocolHeader(r io.Reader) error {
	var got [8]byte
	if _, err := io.ReadFull(r, got[:]); err != nil {
		return err
	}
	if s := string(got[:]); s != ProtocolHeader && s != protocolHeader09 {
		return &HeaderMismatchError{Got: got}
	}
	return nil
}

// Frame is one frame off the wire. Payload is only valid until the next read
// from the FrameReader that returned it.
type Frame struct {
	Type    uint8
	Channel uint16
	Payload []byte
}

// FrameReader reads frames from a buffered connection. It is not safe for
// concurrent use.
type FrameReader struct {
	r        *bufio.Reader
	frameMax uint32
	pending  int    // bytes of the last frame still to discard from r
	buf      []byte // payloads too big for r's buffer
}

// maxKeptBuffer is the largest payload buffer a FrameReader keeps between
// frames; a bigger one, which only an unlimited frame_max allows, is dropped.
const maxKeptBuffer = 1 << 20

// NewFrameReader returns a reader of frames no larger than frameMax octets
// (0 for no limit, as after tuning frame_max to 0).
func NewFrameReader(r *bufio.Reader, frameMax uint32) *FrameReader {
	return &FrameReader{r: r, frameMax: frameMax}
}

// SetFrameMax changes the limit, as connection.tune-ok negotiates it.
func (fr *FrameReader) SetFrameMax(frameMax uint32) { fr.frameMax = frameMax }

// ReadFrame reads the next frame. A frame that breaks the framing rules
// gives an *Error with code 501 FRAME_ERROR: an unknown type, a heartbeat
// with a payload, a payload over the limit, or an end octet other than
// 0xCE. Like RabbitMQ, it lets a payload reach frame_max itself, not only
// frame_max-8, since many clients count the frame size wrong by 8. It returns
// io.EOF at a clean end of input between frames, io.ErrUnexpectedEOF inside
// one.
//
// A payload that fits in the bufio.Reader's buffer is returned in place,
// without copying.
//
// What depends on the connection's state is left to the caller: RabbitMQ
// answers a heartbeat on a channel other than 0, or a frame out of turn
// (a body where a method should be), with 505 UNEXPECTED_FRAME.
func (fr *FrameReader) ReadFrame() (Frame, error) {
	if fr.pending > 0 {
		if _, err := fr.r.Discard(fr.pending); err != nil {
			return Frame{}, err
		}
		fr.pending = 0
	}
	head, err := fr.r.Peek(7)
	if err != nil {
		if errors.Is(err, io.EOF) && len(head) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	f := Frame{Type: head[0], Channel: binary.BigEndian.Uint16(head[1:3])}
	size := binary.BigEndian.Uint32(head[3:7])
	if err := fr.check(f.Type, size); err != nil {
		return Frame{}, err
	}
	n := int(size)
	var end byte
	if total := 7 + n + 1; total <= fr.r.Size() {
		whole, err := fr.r.Peek(total)
		if err != nil {
			return Frame{}, unexpectedEOF(err)
		}
		f.Payload, end = whole[7:7+n:7+n], whole[7+n]
		fr.pending = total
	} else {
		if _, err := fr.r.Discard(7); err != nil {
			return Frame{}, err
		}
		if f.Payload, err = fr.readPayload(n); err != nil {
			return Frame{}, err
		}
		if end, err = fr.r.ReadByte(); err != nil {
			return Frame{}, unexpectedEOF(err)
		}
	}
	if end != FrameEnd {
		return Frame{}, frameError(fmt.Sprintf("frame end octet 0x%02X, not 0xCE (type %d, channel %d, size %d)",
			end, f.Type, f.Channel, size))
	}
	return f, nil
}

// check vets a frame header before any of its payload is read.
func (fr *FrameReader) check(typ uint8, size uint32) error {
	switch typ {
	case FrameMethod, FrameHeader, FrameBody:
	case FrameHeartbeat:
		if size != 0 {
			return frameError(fmt.Sprintf("heartbeat frame with a %d-octet payload", size))
		}
	default:
		return frameError(fmt.Sprintf("unknown frame type %d", typ))
	}
	if fr.frameMax != 0 && size > fr.frameMax {
		return frameError(fmt.Sprintf("frame payload of %d octets over frame_max %d", size, fr.frameMax))
	}
	return nil
}

// readPayload reads a payload bigger than the bufio.Reader's buffer into the
// reader's own. It grows the buffer as the octets arrive, so that without a
// frame_max a lying size field cannot make it allocate more than was sent.
func (fr *FrameReader) readPayload(n int) ([]byte, error) {
	if cap(fr.buf) > maxKeptBuffer {
		fr.buf = nil
	}
	buf := fr.buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), maxKeptBuffer)
		buf = slices.Grow(buf, chunk)
		got, err := io.ReadFull(fr.r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+got]
		if err != nil {
			return nil, unexpectedEOF(err)
		}
	}
	fr.buf = buf
	return buf[:n:n], nil
}

func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
