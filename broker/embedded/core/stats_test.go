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

// TestChannelCounters checks that each channel counts what it did itself:
// the publisher its publishes, confirms, returns and drops; the consumer
// its deliveries, redeliveries and acks; the getter its gets.
func TestChannelCounters(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	pub := connect(t, b)
	pub.declare("q", nil)
	pub.declare("gq", nil)
	if err := pub.ch.ConfirmSelect(); err != nil {
		t.Fatal(err)
	}
	publishN(pub, "q", 2)
	pub.publish("", "gq", "g")
	for _, mandatory := range []bool{true, false} { // one return, one drop
		if _, err := pub.ch.Publish("", "ghost", mandatory, model.Properties{}, nil); err != nil {
			t.Fatal(err)
		}
	}

	cons := pub.channel(2)
	cons.consume("q", false) // deliver ×2
	ds := cons.deliveries()
	if len(ds) != 2 {
		t.Fatalf("deliveries %+v", ds)
	}
	if err := cons.ch.Nack(ds[0].DeliveryTag, false, true); err != nil { // redelivered to cons
		t.Fatal(err)
	}
	ds = cons.deliveries()
	if len(ds) != 1 || !ds[0].Redelivered {
		t.Fatalf("redelivery %+v", ds)
	}
	if err := cons.ch.Ack(ds[0].DeliveryTag, true); err != nil { // acks 2
		t.Fatal(err)
	}

	getter := pub.channel(3)
	d := getter.get("gq", false)
	if d == nil {
		t.Fatal("get-empty")
	}
	if err := getter.ch.Nack(d.DeliveryTag, false, true); err != nil {
		t.Fatal(err)
	}
	if getter.get("gq", true) == nil { // get_no_ack, a redelivery
		t.Fatal("get-empty")
	}
	if getter.get("gq", true) != nil {
		t.Fatal("gq not empty")
	}

	checks := []struct {
		name string
		c    *client
		want ChannelCounterValues
	}{
		{"publisher", pub, ChannelCounterValues{CounterValues: CounterValues{Publish: 5, Confirm: 5, ReturnUnroutable: 1, DropUnroutable: 1}}},
		{"consumer", cons, ChannelCounterValues{CounterValues: CounterValues{Deliver: 3, DeliverGet: 3, Redeliver: 1, Ack: 2}}},
		{"getter", getter, ChannelCounterValues{CounterValues: CounterValues{Get: 1, GetNoAck: 1, DeliverGet: 2, Redeliver: 1}, GetEmpty: 1}},
	}
	byNum := map[uint16]ChannelCounterValues{}
	for _, ci := range b.Connections()[0].Channels {
		byNum[ci.Number] = ci.Counters
	}
	var sum CounterValues
	for i, tc := range checks {
		if got := tc.c.ch.Counters(); got != tc.want {
			t.Errorf("%s counters\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
		if got := byNum[uint16(i+1)]; got != tc.want {
			t.Errorf("%s ChannelInfo.Counters\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
		sum.add(tc.want.CounterValues)
	}
	if v := b.Counters(); v != sum {
		t.Errorf("vhost counters %+v, channels sum to %+v", v, sum)
	}
}
