package core

import (
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestDirectReplyTo(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	caller := connect(t, b)
	server := connect(t, b)
	server.declare("rpc", nil)

	_, err := caller.ch.Consume(ReplyToQueue, "", false, false, false, nil)
	wantError(t, err, 406, "PRECONDITION_FAILED - reply consumer cannot acknowledge")
	tag, err := caller.ch.Consume(ReplyToQueue, "replies", true, false, false, nil)
	if err != nil || tag != "replies" {
		t.Fatal(tag, err)
	}
	_, err = caller.ch.Consume(ReplyToQueue, "again", true, false, false, nil)
	wantError(t, err, 406, "PRECONDITION_FAILED - reply consumer already set")
	if ok, err := caller.ch.QueueDeclare(QueueDeclare{Name: ReplyToQueue, Passive: true}); err != nil || ok.Consumers != 1 {
		t.Fatal(ok, err)
	}

	caller.publishProps("", "rpc", model.Properties{ReplyTo: ReplyToQueue, CorrelationID: "42", Has: model.HasReplyTo | model.HasCorrelationID}, "ping")
	req := server.get("rpc", true)
	replyTo := req.Message.Properties.ReplyTo
	if !strings.HasPrefix(replyTo, ReplyToQueue+".") || len(replyTo) < len(ReplyToQueue)+20 {
		t.Fatalf("reply_to %q", replyTo)
	}
	if _, err := server.ch.QueueDeclare(QueueDeclare{Name: replyTo, Passive: true}); err != nil {
		t.Fatalf("passive declare of a live reply key: %v", err)
	}
	res := server.publishProps("", replyTo, model.Properties{CorrelationID: "42", Has: model.HasCorrelationID}, "pong")
	if len(res.Queues) != 0 || len(res.Routed) != 0 {
		t.Fatalf("a direct reply routes to no queue: %+v", res)
	}
	frames := caller.drain()
	last := frames[len(frames)-1]
	if last.Kind != KindDeliver || last.ConsumerTag != "replies" || string(last.Message.Body) != "pong" || last.Message.RoutingKey != replyTo {
		t.Fatalf("reply frame %+v", last)
	}
	// Once the caller cancels, replies are dropped.
	if err := caller.ch.Cancel("replies", false); err != nil {
		t.Fatal(err)
	}
	server.publish("", replyTo, "late")
	for _, f := range caller.drain() {
		if f.Kind == KindDeliver {
			t.Fatal("late reply delivered")
		}
	}
	if _, err := server.ch.QueueDeclare(QueueDeclare{Name: replyTo, Passive: true}); err == nil {
		t.Fatal("a dead reply key still declares")
	}
	// Another channel without a reply consumer cannot ask for replies.
	_, err = caller.channel(2).ch.Publish("", "rpc", false, model.Properties{ReplyTo: ReplyToQueue, Has: model.HasReplyTo}, nil)
	wantError(t, err, 406, "PRECONDITION_FAILED - fast reply consumer does not exist")
}
