package wire

import (
	"bufio"
	"bytes"
	"io"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// benchProps are typical oslo.messaging-ish properties: a few strings and a
// small headers table.
var benchProps = model.Properties{
	Has: model.HasContentType | model.HasContentEncoding | model.HasHeaders | model.HasDeliveryMode |
		model.HasPriority | model.HasCorrelationID | model.HasReplyTo | model.HasMessageID | model.HasTimestamp,
	ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: 2, Priority: 0,
	CorrelationID: "7c1c3d2e-5f60-4a1b-9a0e-0c2f3b4d5e6f", ReplyTo: "reply_6f0e8a", MessageID: "msg-000042",
	Timestamp: 1700000000,
	Headers: model.Table{
		"x-trace":   model.String("abc123"),
		"x-retries": {Type: model.TypeSignedInt, Int: 2},
		"ttl":       model.Long(60000),
	},
}

// BenchmarkDecodePublish reads a basic.publish, its content header and a
// 1 KiB body from a buffered stream and decodes the method and header.
func BenchmarkDecodePublish(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	wire := frames(b, 131072, func(fw *FrameWriter) error {
		return fw.WriteContent(1, &BasicPublish{Exchange: "nova", RoutingKey: "compute.host1"}, &benchProps, body)
	})
	src := &repeatReader{b: wire}
	fr := NewFrameReader(bufio.NewReaderSize(src, 65536), 131072)
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := fr.ReadFrame()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeMethod(f.Payload); err != nil {
			b.Fatal(err)
		}
		if f, err = fr.ReadFrame(); err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeContentHeader(f.Payload); err != nil {
			b.Fatal(err)
		}
		if f, err = fr.ReadFrame(); err != nil || len(f.Payload) != len(body) {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeDeliver writes a basic.deliver with the same properties
// and body through a FrameWriter.
func BenchmarkEncodeDeliver(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	fw := NewFrameWriter(io.Discard, 131072)
	m := &BasicDeliver{ConsumerTag: "amq.ctag-abc", Exchange: "nova", RoutingKey: "compute.host1"}
	b.ReportAllocs()
	for b.Loop() {
		m.DeliveryTag++
		if err := fw.WriteContent(1, m, &benchProps, body); err != nil {
			b.Fatal(err)
		}
	}
	if err := fw.Flush(); err != nil {
		b.Fatal(err)
	}
}
