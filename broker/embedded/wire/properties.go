package wire

import (
	"encoding/binary"
	"fmt"

	"github.com/kaiten-bus/kaiten/model"
)

// ContentHeader is the payload of a content header frame, which follows a
// method that carries content and announces its body.
type ContentHeader struct {
	ClassID    uint16 // the method's class: 60, basic
	Weight     uint16 // unused, always 0
	BodySize   uint64 // octets in the body frames that follow
	Properties model.Properties
}

// contentHeaderSize is the size of a content header without properties:
// class, weight, body size and one word of property flags.
const contentHeaderSize = 2 + 2 + 8 + 2

// propertyBits are the property flags a content header may set; the two
// lowest bits, the continuation flag and one unused, RabbitMQ ignores.
const propertyBits = model.PropertySet(0xFFFC)

// DecodeContentHeader decodes a content header frame's payload. Strings and
// tables are copies. It reads the properties as those of class basic, the
// only class with content, whatever ClassID says: checking that the class
// and weight match the method (505 UNEXPECTED_FRAME otherwise) is the
// broker's part. Failures are an *Error: 501 FRAME_ERROR for a header cut
// short or running on past its last property, 502 SYNTAX_ERROR for a bad
// value in the headers table.
func DecodeContentHeader(payload []byte) (ContentHeader, error) {
	if len(payload) < contentHeaderSize {
		return ContentHeader{}, frameError(fmt.Sprintf("content header of %d octets, shorter than %d", len(payload), contentHeaderSize))
	}
	h := ContentHeader{
		ClassID:  binary.BigEndian.Uint16(payload),
		Weight:   binary.BigEndian.Uint16(payload[2:]),
		BodySize: binary.BigEndian.Uint64(payload[4:]),
	}
	var err error
	h.Properties, err = DecodeProperties(payload[12:])
	return h, err
}

// Encode appends the content header frame's payload.
func (h *ContentHeader) Encode(dst []byte) ([]byte, error) {
	b := binary.BigEndian.AppendUint16(dst, h.ClassID)
	b = binary.BigEndian.AppendUint16(b, h.Weight)
	b = binary.BigEndian.AppendUint64(b, h.BodySize)
	b, err := AppendProperties(b, &h.Properties)
	if err != nil {
		return dst, err
	}
	return b, nil
}

// DecodeProperties decodes basic properties: the flags word, then each
// property whose flag is set. p.Has keeps the flags, so an unset property
// stays apart from an empty one.
func DecodeProperties(src []byte) (model.Properties, error) {
	var p model.Properties
	d := decoder{b: src}
	p.Has = model.PropertySet(d.short("property-flags")) & propertyBits
	if p.Has&model.HasContentType != 0 {
		p.ContentType = d.shortstrRaw("content-type")
	}
	if p.Has&model.HasContentEncoding != 0 {
		p.ContentEncoding = d.shortstrRaw("content-encoding")
	}
	if p.Has&model.HasHeaders != 0 {
		p.Headers = d.table("headers")
	}
	if p.Has&model.HasDeliveryMode != 0 {
		p.DeliveryMode = d.octet("delivery-mode")
	}
	if p.Has&model.HasPriority != 0 {
		p.Priority = d.octet("priority")
	}
	if p.Has&model.HasCorrelationID != 0 {
		p.CorrelationID = d.shortstrRaw("correlation-id")
	}
	if p.Has&model.HasReplyTo != 0 {
		p.ReplyTo = d.shortstrRaw("reply-to")
	}
	if p.Has&model.HasExpiration != 0 {
		p.Expiration = d.shortstrRaw("expiration")
	}
	if p.Has&model.HasMessageID != 0 {
		p.MessageID = d.shortstrRaw("message-id")
	}
	if p.Has&model.HasTimestamp != 0 {
		p.Timestamp = int64(d.longlong("timestamp"))
	}
	if p.Has&model.HasType != 0 {
		p.Type = d.shortstrRaw("type")
	}
	if p.Has&model.HasUserID != 0 {
		p.UserID = d.shortstrRaw("user-id")
	}
	if p.Has&model.HasAppID != 0 {
		p.AppID = d.shortstrRaw("app-id")
	}
	if p.Has&model.HasClusterID != 0 {
		p.ClusterID = d.shortstrRaw("cluster-id")
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail(FrameError, "properties", "%d octets past the last property", len(d.b))
	}
	if d.err != nil {
		d.err.Text = "cannot decode content header " + d.err.Text
		return model.Properties{}, d.err
	}
	return p, nil
}

// AppendProperties appends the flags word and the properties p.Has marks.
// Values of unmarked properties are not written, and the flags' two lowest
// bits are left clear. It fails, returning dst, on a shortstr over 255
// octets or a bad headers table.
func AppendProperties(dst []byte, p *model.Properties) ([]byte, error) {
	has := p.Has & propertyBits
	e := encoder{b: binary.BigEndian.AppendUint16(dst, uint16(has)), start: len(dst)}
	if has&model.HasContentType != 0 {
		e.shortstr("content-type", p.ContentType)
	}
	if has&model.HasContentEncoding != 0 {
		e.shortstr("content-encoding", p.ContentEncoding)
	}
	if has&model.HasHeaders != 0 {
		e.table("headers", p.Headers)
	}
	if has&model.HasDeliveryMode != 0 {
		e.octet(p.DeliveryMode)
	}
	if has&model.HasPriority != 0 {
		e.octet(p.Priority)
	}
	if has&model.HasCorrelationID != 0 {
		e.shortstr("correlation-id", p.CorrelationID)
	}
	if has&model.HasReplyTo != 0 {
		e.shortstr("reply-to", p.ReplyTo)
	}
	if has&model.HasExpiration != 0 {
		e.shortstr("expiration", p.Expiration)
	}
	if has&model.HasMessageID != 0 {
		e.shortstr("message-id", p.MessageID)
	}
	if has&model.HasTimestamp != 0 {
		e.longlong(uint64(p.Timestamp))
	}
	if has&model.HasType != 0 {
		e.shortstr("type", p.Type)
	}
	if has&model.HasUserID != 0 {
		e.shortstr("user-id", p.UserID)
	}
	if has&model.HasAppID != 0 {
		e.shortstr("app-id", p.AppID)
	}
	if has&model.HasClusterID != 0 {
		e.shortstr("cluster-id", p.ClusterID)
	}
	return e.result()
}
