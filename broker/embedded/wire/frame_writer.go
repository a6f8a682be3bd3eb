package wire

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/kaiten-bus/kaiten/model"
)

// FrameWriter writes frames through a buffer: nothing reaches the
// connection before Flush or a full buffer, so a server can send many
// deliveries with one system call. It is not safe for concurrent use.
type FrameWriter struct {
	w        *bufio.Writer
	frameMax uint32
	scratch  []byte
	head     [7]byte
}

// writeBufferSize is the FrameWriter's buffer: a default frame_max (128 KiB)
// body frame goes straight to the connection when the buffer is empty.
const writeBufferSize = 64 << 10

// NewFrameWriter returns a writer of frames no larger than frameMax octets
// (0 for no limit).
func NewFrameWriter(w io.Writer, frameMax uint32) *FrameWriter {
	fw := &FrameWriter{w: bufio.NewWriterSize(w, writeBufferSize)}
	fw.SetFrameMax(frameMax)
	return fw
}

// SetFrameMax changes the limit, as connection.tune-ok negotiates it. A
// limit under FrameMinSize, which no peer may negotiate, counts as
// FrameMinSize.
func (fw *FrameWriter) SetFrameMax(frameMax uint32) {
	if frameMax != 0 && frameMax < FrameMinSize {
		frameMax = FrameMinSize
	}
	fw.frameMax = frameMax
}

// maxPayload is the largest payload a frame may carry.
func (fw *FrameWriter) maxPayload() int {
	if fw.frameMax == 0 {
		return math.MaxUint32
	}
	return int(fw.frameMax) - FrameOverhead
}

// Flush writes the buffered frames to the connection.
func (fw *FrameWriter) Flush() error { return fw.w.Flush() }

// WriteFrame writes one frame as it is.
func (fw *FrameWriter) WriteFrame(f Frame) error {
	if len(f.Payload) > fw.maxPayload() {
		return fmt.Errorf("frame payload of %d octets over frame_max %d", len(f.Payload), fw.frameMax)
	}
	return fw.writeFrame(f.Type, f.Channel, f.Payload)
}

// WriteHeartbeat writes a heartbeat frame.
func (fw *FrameWriter) WriteHeartbeat() error {
	return fw.writeFrame(FrameHeartbeat, 0, nil)
}

// WriteMethod writes a method frame.
func (fw *FrameWriter) WriteMethod(channel uint16, m Method) error {
	b, at := beginFrame(fw.scratch[:0])
	b, err := m.Encode(b)
	if err == nil {
		b, err = fw.endFrame(b, at, FrameMethod, channel)
	}
	fw.scratch = b[:0]
	if err != nil {
		return err
	}
	_, err = fw.w.Write(b)
	return err
}

// WriteContent writes a method that carries content (basic.publish,
// return, deliver or get-ok), its content header with props (nil for
// none), and its body, split into body frames of at most frame_max-8
// octets. An empty body has no body frame.
func (fw *FrameWriter) WriteContent(channel uint16, m Method, props *model.Properties, body []byte) error {
	id := m.ID()
	if !id.HasContent() {
		return fmt.Errorf("%s carries no content", id.Name())
	}
	b, at := beginFrame(fw.scratch[:0])
	b, err := m.Encode(b)
	if err == nil {
		b, err = fw.endFrame(b, at, FrameMethod, channel)
	}
	if err == nil {
		b, at = beginFrame(b)
		b = binary.BigEndian.AppendUint16(b, id.Class)
		b = binary.BigEndian.AppendUint16(b, 0) // weight
		b = binary.BigEndian.AppendUint64(b, uint64(len(body)))
		if props == nil {
			props = &model.Properties{}
		}
		if b, err = AppendProperties(b, props); err == nil {
			b, err = fw.endFrame(b, at, FrameHeader, channel)
		}
	}
	fw.scratch = b[:0]
	if err != nil {
		return err
	}
	if _, err := fw.w.Write(b); err != nil {
		return err
	}
	step := fw.maxPayload()
	for len(body) > 0 {
		chunk := body[:min(step, len(body))]
		body = body[len(chunk):]
		if err := fw.writeFrame(FrameBody, channel, chunk); err != nil {
			return err
		}
	}
	return nil
}

// writeFrame writes a frame's head, payload and end octet.
func (fw *FrameWriter) writeFrame(typ uint8, channel uint16, payload []byte) error {
	putFrameHead(fw.head[:], typ, channel, len(payload)) // a field: a local would escape
	if _, err := fw.w.Write(fw.head[:]); err != nil {
		return err
	}
	if _, err := fw.w.Write(payload); err != nil {
		return err
	}
	return fw.w.WriteByte(FrameEnd)
}

// beginFrame leaves room for a frame's head and returns where it starts.
func beginFrame(b []byte) ([]byte, int) {
	return append(b, 0, 0, 0, 0, 0, 0, 0), len(b)
}

// endFrame fills in the head of the frame begun at at and appends the end
// octet, or drops the frame if its payload is over frame_max.
func (fw *FrameWriter) endFrame(b []byte, at int, typ uint8, channel uint16) ([]byte, error) {
	n := len(b) - at - 7
	if n > fw.maxPayload() {
		return b[:at], fmt.Errorf("frame payload of %d octets over frame_max %d", n, fw.frameMax)
	}
	putFrameHead(b[at:], typ, channel, n)
	return append(b, FrameEnd), nil
}

func putFrameHead(b []byte, typ uint8, channel uint16, size int) {
	b[0] = typ
	binary.BigEndian.PutUint16(b[1:], channel)
	binary.BigEndian.PutUint32(b[3:], uint32(size))
}
