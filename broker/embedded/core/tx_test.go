package core

import "testing"

func TestTxCommitAndRollback(t *testing.T) {
	b, _ := newTestBroker(t, Options{})
	c := connect(t, b)
	c.declare("q", nil)
	publishN(c, "q", 2)
	d1 := c.get("q", false)
	if err := c.ch.TxSelect(); err != nil {
		t.Fatal(err)
	}
	res := c.publish("", "q", "in-tx")
	if !res.Deferred || joined(res.Routed) != "q" {
		t.Fatalf("deferred %+v", res)
	}
	if err := c.ch.Ack(d1.DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	if info := c.queueInfo("q"); info.Ready != 1 || info.Unacked != 1 {
		t.Fatalf("before commit %+v", info)
	}
	if err := c.ch.TxRollback(); err != nil {
		t.Fatal(err)
	}
	if c.ch.Unacked() != 1 || c.queueInfo("q").Ready != 1 {
		t.Fatal("rollback did not restore")
	}
	c.publish("", "q", "committed")
	if _, err := c.ch.Publish("", "ghost", true, propsNone(), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := c.ch.Ack(d1.DeliveryTag, false); err != nil {
		t.Fatal(err)
	}
	results, err := c.ch.TxCommit()
	if err != nil || len(results) != 2 || results[0].Returned || !results[1].Returned {
		t.Fatalf("commit %+v %v", results, err)
	}
	if info := c.queueInfo("q"); info.Ready != 2 || info.Unacked != 0 || info.Counters.Ack != 1 {
		t.Fatalf("after commit %+v", info)
	}
	// Still transactional after a commit.
	if !c.ch.Transactional() {
		t.Fatal("tx mode lost")
	}
}
