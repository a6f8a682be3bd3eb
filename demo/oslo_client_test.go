package demo

import (
	crand "crypto/rand"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// osloClient is an oslo.messaging RPC client made for the tests from
// amqp091-go and model's codec, independent of the demo's own client:
// its reply queue, and calls that collect the replies.
type osloClient struct {
	ch      *amqp.Channel
	replyQ  string
	replies <-chan amqp.Delivery
}

func newOsloClient(t *testing.T, conn *amqp.Connection) *osloClient {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	q, err := model.NewOsloReplyQueue(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(q, false, false, false, false, amqp.Table{"x-expires": int32(1800000)}); err != nil {
		t.Fatal(err)
	}
	replies, err := ch.Consume(q, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &osloClient{ch: ch, replyQ: q, replies: replies}
}

// call sends req to target as oslo does and returns the final reply and
// how many heartbeats came before it.
func (c *osloClient) call(t *testing.T, target model.OsloTarget, req model.OsloRequest, monitor time.Duration) (model.OsloMessage, int) {
	t.Helper()
	m, err := model.NewOsloCall(req, c.replyQ, monitor, crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ex, key := target.Route()
	msg := publishing(model.OsloProperties(model.OsloCall, 10*time.Second), m.Encode())
	if err := c.ch.Publish(ex, key, false, false, msg); err != nil {
		t.Fatal(err)
	}
	heartbeats := 0
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-deadline:
			t.Fatalf("no reply to %s on %s after 10 s", req.Method, key)
		case d, ok := <-c.replies:
			if !ok {
				t.Fatal("reply consumer closed")
			}
			if d.Exchange != "" || d.RoutingKey != c.replyQ {
				t.Errorf("reply came through %q with key %q, want the default exchange and %s", d.Exchange, d.RoutingKey, c.replyQ)
			}
			r, err := model.DecodeOslo(d.Body)
			if err != nil {
				t.Fatalf("reply does not decode: %v\n%s", err, d.Body)
			}
			if r.MsgID != m.MsgID {
				continue
			}
			if d.ContentType != "application/json" || d.ContentEncoding != "utf-8" || d.DeliveryMode != amqp.Persistent {
				t.Errorf("reply properties %q %q %d, want kombu's", d.ContentType, d.ContentEncoding, d.DeliveryMode)
			}
			switch r.Kind {
			case model.OsloHeartbeat:
				heartbeats++
			case model.OsloReply:
				if !r.Ending {
					t.Errorf("reply with ending false: %s", d.Body)
				}
				return r, heartbeats
			default:
				t.Fatalf("%s on the reply queue: %s", r.Kind, d.Body)
			}
		}
	}
}

// request is a call's request from the tests' user.
func testRequest(method, namespace, version string, args ...model.PyField) model.OsloRequest {
	return model.OsloRequest{
		Method: method, Namespace: namespace, Version: version, Args: args,
		Context: []model.PyField{kv("user_id", model.PyStr("u-test")), kv("project_id", model.PyStr("p-test"))},
	}
}
