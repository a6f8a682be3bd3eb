package embedded

import (
	"bytes"
	"testing"

	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
)

// TestAssembleExactBody: an assembled body, which the queues then hold,
// has no spare capacity, whether it fits the preallocation or grows past
// it, and whatever the frame size.
func TestAssembleExactBody(t *testing.T) {
	for _, tc := range []struct {
		size, frame int
	}{
		{1, 4088},
		{1024, 4088},
		{1024, 100},
		{maxPrealloc, 131064},
		{maxPrealloc + 17, 4088},
		{3*maxPrealloc + 5, 131064},
		{5 * maxPrealloc, 131064},
	} {
		body := make([]byte, tc.size)
		for i := range body {
			body[i] = byte(i * 31)
		}
		ch := &channel{c: &conn{b: &Broker{maxMessageSize: 8 * maxPrealloc}}, state: chanOpen}
		ch.pending, ch.stage = &wire.BasicPublish{}, stageHeader
		m, err := ch.header(wire.ContentHeader{ClassID: 60, BodySize: uint64(tc.size)})
		if err != nil || m != nil {
			t.Fatalf("%d: header: %v %v", tc.size, m, err)
		}
		for off := 0; off < tc.size; off += tc.frame {
			m, err = ch.bodyFrame(body[off:min(off+tc.frame, tc.size)])
			if err != nil {
				t.Fatalf("%d: body frame at %d: %v", tc.size, off, err)
			}
		}
		if m == nil {
			t.Fatalf("%d: not complete", tc.size)
		}
		_, got := ch.takeContent()
		if !bytes.Equal(got, body) {
			t.Fatalf("%d: body differs", tc.size)
		}
		if cap(got) != len(got) {
			t.Errorf("%d bytes in %d-byte frames: capacity %d", tc.size, tc.frame, cap(got))
		}
	}
}
