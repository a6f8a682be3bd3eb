package core

import (
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestCounters(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 4)
	c.get("q", true)       // get_no_ack
	d := c.get("q", false) // get
	_ = c.ch.Nack(d.DeliveryTag, false, true)
	c.consume("q", false) // deliver ×3, one of them a redelivery
	ds := c.deliveries()
	_ = c.ch.Ack(ds[len(ds)-1].DeliveryTag, true)
	noAck := c.channel(2)
	c.publish("", "q", "x")
	noAck.consume("q", true) // nothing left for it: c has no prefetch limit
	if _, err := c.ch.Publish("", "ghost", true, model.Properties{}, nil); err != nil {
		t.Fatal(err)
	}
	q := c.queueInfo("q").Counters
	want := QueueCounterValues{Publish: 5, Deliver: 4, Get: 1, GetNoAck: 1, DeliverGet: 6, Ack: 3, Redeliver: 1}
	if q != want {
		t.Fatalf("queue counters\n got %+v\nwant %+v", q, want)
	}
	v := b.Counters()
	if v.Publish != 6 || v.DeliverGet != 6 || v.Ack != 3 || v.Redeliver != 1 || v.ReturnUnroutable != 1 {
		t.Fatalf("vhost counters %+v", v)
	}
	snap := c.ch.Vhost().Snapshot()
	if len(snap.Consumers) != 2 || snap.Consumers[0].Queue != "q" {
		t.Fatalf("consumers %+v", snap.Consumers)
	}
	conns := b.Connections()
	if len(conns) != 1 || len(conns[0].Channels) != 2 || conns[0].Channels[0].Unacked != 1 {
		t.Fatalf("connections %+v", conns)
	}
}

func TestQosAppliesToLaterConsumers(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("a", nil)
	c.declare("b", nil)
	_ = c.ch.Qos(0, 1, false)
	c.consume("a", false)
	_ = c.ch.Qos(0, 3, false)
	c.consume("b", false)
	publishN(c, "a", 5)
	publishN(c, "b", 5)
	var na, nb int
	for _, d := range c.deliveries() {
		if d.Queue == "a" {
			na++
		} else {
			nb++
		}
	}
	if na != 1 || nb != 3 {
		t.Fatalf("a got %d (limit 1), b got %d (limit 3)", na, nb)
	}
}

func TestManagementPublish(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	v, _ := b.Vhost("/")
	if _, err := v.DeclareQueue(nil, QueueDeclare{Name: "q"}); err != nil {
		t.Fatal(err)
	}
	res, err := v.Publish("", "q", true, model.Properties{}, []byte("m"))
	if err != nil || len(res.Queues) != 1 || res.ConfirmTag != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	res, _ = v.Publish("amq.fanout", "", true, model.Properties{}, nil)
	if !res.Returned {
		t.Fatal("routed: false expected")
	}
}
