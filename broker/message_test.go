package broker

import (
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// TestMessageFromDelivery: properties keep their presence, headers their
// types, and an oslo.messaging body gets its one-line summary.
func TestMessageFromDelivery(t *testing.T) {
	oslo := `{"oslo.version": "2.0", "oslo.message": "{\"method\": \"fire\", \"args\": {\"n\": 1}, \"_unique_id\": \"u1\", \"_context_user\": \"u-123\"}"}`
	d := amqp.Delivery{
		Exchange: "nova", RoutingKey: "compute", Redelivered: true, DeliveryTag: 7,
		ContentType: "application/json", Priority: 0, DeliveryMode: 2, Timestamp: time.Unix(1700000000, 0),
		Headers: amqp.Table{"n": int32(1)}, Body: []byte(oslo),
	}
	m := messageFromDelivery(&d, "compute", 3)
	p := m.Properties
	if p.Has&model.HasContentType == 0 || p.Has&model.HasPriority != 0 || p.DeliveryMode != 2 || p.Timestamp != 1700000000 ||
		!p.Headers["n"].Equal(model.Value{Type: model.TypeSignedInt, Int: 1}) {
		t.Errorf("properties %+v", p)
	}
	if !strings.HasPrefix(m.Summary, "cast compute.fire(n=1)") || m.tag != 7 || m.epoch != 3 || m.Source != "compute" {
		t.Errorf("message %+v", m)
	}
	for _, body := range []string{"plain text", `{"not": "oslo"}`, "\xff\xfe"} {
		d.Body = []byte(body)
		if m := messageFromDelivery(&d, "q", 1); m.Summary != "" {
			t.Errorf("%q summarised as %q", body, m.Summary)
		}
	}
	if _, ok := (&Message{Body: []byte("\xff")}).BodyText(); ok {
		t.Error("invalid UTF-8 is text")
	}
}
