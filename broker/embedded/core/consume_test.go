package core

import (
	"fmt"
	"slices"
	"testing"
)

func publishN(c *client, queue string, n int) {
	for i := range n {
		c.publish("", queue, fmt.Sprintf("m%d", i))
	}
}

func TestRoundRobinAcrossConsumers(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	c1, c2 := c.channel(2), c.channel(3)
	c1.consume("q", true)
	c2.consume("q", true)
	publishN(c, "q", 6)
	if got := joined(bodies(c1.deliveries())); got != "m0,m2,m4" {
		t.Fatalf("consumer 1 got %s", got)
	}
	if got := joined(bodies(c2.deliveries())); got != "m1,m3,m5" {
		t.Fatalf("consumer 2 got %s", got)
	}
}

func TestFramesAreOrdered(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 2)
	tag := c.consume("q", false)
	if err := c.ch.Cancel(tag, false); err != nil {
		t.Fatal(err)
	}
	var kinds []DeliveryKind
	var tags []uint64
	for _, d := range c.drain() {
		kinds = append(kinds, d.Kind)
		tags = append(tags, d.DeliveryTag)
	}
	want := []DeliveryKind{KindConsumeOK, KindDeliver, KindDeliver, KindCancelOK}
	if !slices.Equal(kinds, want) || tags[1] != 1 || tags[2] != 2 {
		t.Fatalf("frames %v tags %v", kinds, tags)
	}
	// Cancelling leaves the deliveries unacknowledged; they can be acked.
	if err := c.ch.Ack(2, true); err != nil {
		t.Fatal(err)
	}
	if got := c.ch.Unacked(); got != 0 {
		t.Fatalf("unacked %d", got)
	}
}

func TestPerConsumerPrefetch(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	if err := c.ch.Qos(0, 2, false); err != nil {
		t.Fatal(err)
	}
	c.consume("q", false)
	publishN(c, "q", 5)
	ds := c.deliveries()
	if joined(bodies(ds)) != "m0,m1" {
		t.Fatalf("first window %v", bodies(ds))
	}
	if info := c.queueInfo("q"); info.Ready != 3 || info.Unacked != 2 {
		t.Fatalf("ready %d unacked %d", info.Ready, info.Unacked)
	}
	if err := c.ch.Ack(ds[0].DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	if got := joined(bodies(c.deliveries())); got != "m2" {
		t.Fatalf("after one ack %s", got)
	}
	if err := c.ch.Ack(0, true); err != nil { // everything
		t.Fatal(err)
	}
	if got := joined(bodies(c.deliveries())); got != "m3,m4" {
		t.Fatalf("after ack all %s", got)
	}
}

func TestGlobalPrefetchIsShared(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("a", nil)
	c.declare("b", nil)
	if err := c.ch.Qos(0, 3, true); err != nil {
		t.Fatal(err)
	}
	c.consume("a", false)
	c.consume("b", false)
	publishN(c, "a", 4)
	publishN(c, "b", 4)
	if got := len(c.deliveries()); got != 3 {
		t.Fatalf("delivered %d under a channel limit of 3", got)
	}
	// qos global=false lifts the channel limit, as RabbitMQ's limiter does.
	if err := c.ch.Qos(0, 0, false); err != nil {
		t.Fatal(err)
	}
	if got := len(c.deliveries()); got != 5 {
		t.Fatalf("after lifting the limit got %d more", got)
	}
}

func TestNoAckIgnoresPrefetch(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	if err := c.ch.Qos(0, 1, false); err != nil {
		t.Fatal(err)
	}
	c.consume("q", true)
	publishN(c, "q", 4)
	if got := len(c.deliveries()); got != 4 {
		t.Fatalf("no-ack got %d", got)
	}
	if b.MemoryUsed() != 0 {
		t.Fatalf("memory %d after no-ack deliveries", b.MemoryUsed())
	}
}

func TestRequeueKeepsOrderAndMarksRedelivered(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 5)
	var got []*Delivery
	for range 3 {
		got = append(got, c.get("q", false))
	}
	// Nack m1 then m0 (out of order), and m2 via multiple below it stays.
	if err := c.ch.Nack(got[1].DeliveryTag, false, true); err != nil {
		t.Fatal(err)
	}
	if err := c.ch.Nack(got[0].DeliveryTag, false, true); err != nil {
		t.Fatal(err)
	}
	var order []string
	var red []bool
	for {
		d := c.get("q", true)
		if d == nil {
			break
		}
		order = append(order, string(d.Message.Body))
		red = append(red, d.Redelivered)
	}
	if joined(order) != "m0,m1,m3,m4" || fmt.Sprint(red) != "[true true false false]" {
		t.Fatalf("order %v redelivered %v", order, red)
	}
	if info := c.queueInfo("q"); info.Unacked != 1 || info.Counters.Redeliver != 2 {
		t.Fatalf("info %+v", info)
	}
}

func TestCloseAndRecoverRequeue(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 3)
	c.consume("q", false)
	if got := len(c.deliveries()); got != 3 {
		t.Fatal(got)
	}
	if err := c.ch.Recover(true); err != nil {
		t.Fatal(err)
	}
	ds := c.deliveries() // redelivered to the same consumer
	if joined(bodies(ds)) != "m0,m1,m2" || !ds[0].Redelivered || ds[0].DeliveryTag != 4 {
		t.Fatalf("after recover %+v", ds)
	}
	c.ch.Close()
	info := c.queueInfo("q")
	if info.Ready != 3 || info.Unacked != 0 || info.Consumers != 0 {
		t.Fatalf("after close %+v", info)
	}
	d := connect(t, b).get("q", true)
	if d == nil || !d.Redelivered || string(d.Message.Body) != "m0" || d.Count != 2 {
		t.Fatalf("get after close %+v", d)
	}
}

func TestSlowConsumerDoesNotStallOthers(t *testing.T) {
	b, _ := newTestBroker(t, Options{ChannelBuffer: 4})
	c := connect(t, b)
	c.declare("q", nil)
	slow, fast := c.channel(2), c.channel(3)
	slow.consume("q", true)
	fast.consume("q", true)
	publishN(c, "q", 20) // slow never drains
	n := 0
	for range 10 {
		n += len(fast.deliveries())
	}
	// The slow outbox holds its consume-ok and 3 deliveries; fast got the rest.
	if slow.ch.Pending() != 4 || n != 17 {
		t.Fatalf("slow holds %d, fast got %d", slow.ch.Pending(), n)
	}
	if got := len(slow.deliveries()); got != 3 {
		t.Fatalf("slow drained %d", got)
	}
	publishN(c, "q", 8)
	for range 4 {
		n += len(slow.deliveries()) + len(fast.deliveries())
	}
	if info := c.queueInfo("q"); info.Ready != 0 || n != 17+8 {
		t.Fatalf("ready %d, delivered %d", info.Ready, n)
	}
}

func TestSingleActiveConsumer(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", table("x-single-active-consumer", true))
	c1, c2 := c.channel(2), c.channel(3)
	t1 := c1.consume("q", true)
	c2.consume("q", true)
	publishN(c, "q", 3)
	if len(c1.deliveries()) != 3 || len(c2.deliveries()) != 0 {
		t.Fatal("not single active")
	}
	if got := c.queueInfo("q").SingleActiveConsumerTag; got != t1 {
		t.Fatalf("active tag %s", got)
	}
	if err := c1.ch.Cancel(t1, false); err != nil {
		t.Fatal(err)
	}
	publishN(c, "q", 2)
	if len(c2.deliveries()) != 2 {
		t.Fatal("standby did not take over")
	}
}

func TestExclusiveConsumer(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	if _, err := c.ch.Consume("q", "only", false, true, false, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.channel(2).ch.Consume("q", "", false, false, false, nil)
	wantError(t, err, 403, "ACCESS_REFUSED - queue 'q' in vhost '/' in exclusive use")
}

func TestServerCancelOnDelete(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 2)
	tag := c.consume("q", false)
	other := c.channel(2)
	if n, err := other.ch.QueueDelete("q", false, false); err != nil || n != 0 {
		t.Fatalf("delete: %d %v", n, err)
	}
	frames := c.drain()
	last := frames[len(frames)-1]
	if last.Kind != KindCancel || last.ConsumerTag != tag {
		t.Fatalf("last frame %+v", last)
	}
	// Acks of a deleted queue's messages are accepted and free memory.
	if err := c.ch.Ack(0, true); err != nil {
		t.Fatal(err)
	}
	if b.MemoryUsed() != 0 {
		t.Fatalf("memory %d", b.MemoryUsed())
	}
}

func TestGetCountsAndEmpty(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 2)
	d := c.get("", false) // the last declared queue
	if d == nil || d.Count != 1 || d.DeliveryTag != 1 || d.Queue != "q" {
		t.Fatalf("get %+v", d)
	}
	c.get("q", true)
	if c.get("q", true) != nil {
		t.Fatal("want get-empty")
	}
	info := c.queueInfo("q")
	if info.Counters.Get != 1 || info.Counters.GetNoAck != 1 || info.Counters.GetEmpty != 1 || info.Unacked != 1 {
		t.Fatalf("counters %+v", info)
	}
}

func TestPriorityQueue(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", table("x-max-priority", 5))
	for i, p := range []uint8{0, 3, 9, 3, 1} {
		c.publishProps("", "q", propsPriority(p), fmt.Sprintf("p%d-%d", p, i))
	}
	c.publish("", "q", "none")
	var got []string
	for {
		d := c.get("q", true)
		if d == nil {
			break
		}
		got = append(got, string(d.Message.Body))
	}
	// 9 counts as 5; equal priorities keep publish order; no priority is 0.
	if joined(got) != "p9-2,p3-1,p3-3,p1-4,p0-0,none" {
		t.Fatalf("order %v", got)
	}
}
