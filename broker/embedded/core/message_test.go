package core

import (
	"strconv"
	"testing"
	"unsafe"

	"github.com/kaiten-bus/kaiten/model"
)

// TestMessageRecordSize guards what each queued message costs beyond its
// body: the Message record and the queue's ring entry (issue target: 1
// million queued 1 KB messages in under 1.5 GB).
func TestMessageRecordSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes are for 64-bit platforms")
	}
	if n := unsafe.Sizeof(Message{}); n > 48 {
		t.Errorf("Message is %d bytes, want at most 48", n)
	}
	if n := unsafe.Sizeof(entry{}); n > 24 {
		t.Errorf("entry is %d bytes, want at most 24", n)
	}
}

// TestEnvelopeShared: a channel's consecutive publishes with the same
// exchange, routing key and header-less properties share one envelope;
// any difference, or headers, gives a new one; and what is delivered is
// what was published either way.
func TestEnvelopeShared(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	c.declare("r", nil)
	plain := model.Properties{ContentType: "text/plain", DeliveryMode: 1, Has: model.HasContentType | model.HasDeliveryMode}
	withID := plain
	withID.MessageID, withID.Has = "id-1", plain.Has|model.HasMessageID
	withHeaders := plain
	withHeaders.Headers, withHeaders.Has = model.Table{"a": model.String("1")}, plain.Has|model.HasHeaders
	emptyHeaders := plain
	emptyHeaders.Headers, emptyHeaders.Has = model.Table{}, plain.Has|model.HasHeaders
	pubs := []struct {
		key   string
		props model.Properties
		share bool // shares the previous message's envelope
	}{
		{"q", plain, false},
		{"q", plain, true},
		{"q", plain, true},
		{"r", plain, false},
		{"q", plain, false},
		{"q", withID, false},
		{"q", withID, true},
		{"q", withHeaders, false},
		{"q", withHeaders, false},
		{"q", emptyHeaders, false},
		{"q", plain, false},
		{"q", plain, true},
	}
	for i, p := range pubs {
		c.publishProps("", p.key, p.props, strconv.Itoa(i))
	}
	var prev *Message
	for i, p := range pubs {
		d := c.get(p.key, true)
		if d == nil {
			t.Fatalf("publish %d: queue %s empty", i, p.key)
		}
		m := d.Message
		if string(m.Body) != strconv.Itoa(i) || m.RoutingKey != p.key || m.Exchange != "" {
			t.Fatalf("publish %d: got %q to %q/%q", i, m.Body, m.Exchange, m.RoutingKey)
		}
		got := m.Properties
		want := p.props
		if got.Has != want.Has || got.MessageID != want.MessageID || got.ContentType != want.ContentType ||
			len(got.Headers) != len(want.Headers) || (got.Headers == nil) != (want.Headers == nil) {
			t.Fatalf("publish %d: properties %+v, want %+v", i, got, want)
		}
		if prev != nil {
			if shared := m.Envelope == prev.Envelope; shared != p.share {
				t.Errorf("publish %d: shares the previous envelope: %v, want %v", i, shared, p.share)
			}
		}
		prev = m
	}
}
