package conformance

import (
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestBrokerTx checks transactions: publishes and acks take effect on
// commit and vanish on rollback.
func TestBrokerTx(t *testing.T) {
	runBrokerCases(t, []brokerCase{
		{"commit-delivers", txCommit},
		{"rollback-discards", txRollback},
		{"ack-in-tx", txAck},
		{"mandatory-return-on-commit", txMandatory},
		{"mode-errors", txErrors},
	})
}

// txCh opens a channel in tx mode.
func txCh(t *testing.T, v *vhost) *amqp.Channel {
	t.Helper()
	ch := v.ch()
	if err := ch.Tx(); err != nil {
		t.Fatalf("tx.select: %v", err)
	}
	return ch
}

func txCommit(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := txCh(t, v)
	v.queue(ch, "q", nil)
	send(t, ch, "", "q", text("m0"))
	send(t, ch, "", "q", text("m1"))
	// Held by the channel until commit.
	equal(t, "ready before commit", messages(t, v.conn, "q"), 0)
	if err := ch.TxCommit(); err != nil {
		t.Fatal(err)
	}
	got, _ := bodies(t, consume(t, v.ch(), "q", true), 2)
	equal(t, "after commit", got, []string{"m0", "m1"})
}

func txRollback(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := txCh(t, v)
	v.queue(ch, "q", nil)
	send(t, ch, "", "q", text("rolled back"))
	if err := ch.TxRollback(); err != nil {
		t.Fatal(err)
	}
	// The channel stays transactional.
	send(t, ch, "", "q", text("committed"))
	if err := ch.TxCommit(); err != nil {
		t.Fatal(err)
	}
	d := next(t, consume(t, v.ch(), "q", true))
	equal(t, "first delivered", string(d.Body), "committed")
	equal(t, "ready", messages(t, v.conn, "q"), 0)
}

func txAck(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	fill(t, v, "q", 1)
	ch := txCh(t, v)
	d := get(t, ch, "q")
	if err := d.Ack(false); err != nil {
		t.Fatal(err)
	}
	if err := ch.TxRollback(); err != nil {
		t.Fatal(err)
	}
	// The ack was rolled back: closing the channel requeues the message.
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	ch = txCh(t, v)
	d = get(t, ch, "q")
	equal(t, "after the rolled-back ack", []any{string(d.Body), d.Redelivered}, []any{"m0", true})
	if err := d.Ack(false); err != nil {
		t.Fatal(err)
	}
	if err := ch.TxCommit(); err != nil {
		t.Fatal(err)
	}
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := v.ch().Get("q", false); err != nil || ok {
		t.Fatalf("get after a committed ack: ok %v, err %v; want get-empty", ok, err)
	}
}

// txMandatory: an unroutable mandatory publish in a transaction is
// returned when it is committed, before commit-ok.
func txMandatory(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	ch := txCh(t, v)
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	if err := ch.Publish("", "nowhere", true, false, text("m")); err != nil {
		t.Fatal(err)
	}
	if err := ch.TxCommit(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-returns:
		equal(t, "basic.return", []any{r.ReplyCode, r.ReplyText, r.RoutingKey}, []any{uint16(amqp.NoRoute), "NO_ROUTE", "nowhere"})
	default:
		t.Fatal("commit-ok came with no basic.return before it")
	}
}

func txErrors(t *testing.T, tb *testBroker) {
	v := tb.vhost(t)
	const notTx = "PRECONDITION_FAILED - channel is not transactional"
	wantChannelError(t, v.conn, "tx.commit without tx.select", v.ch().TxCommit(), amqp.PreconditionFailed, notTx)
	wantChannelError(t, v.conn, "tx.rollback without tx.select", v.ch().TxRollback(), amqp.PreconditionFailed, notTx)
	wantChannelError(t, v.conn, "tx.select on a confirm channel", v.confirmCh().Tx(), amqp.PreconditionFailed,
		"PRECONDITION_FAILED - cannot switch from confirm to tx mode")
	wantChannelError(t, v.conn, "confirm.select on a tx channel", txCh(t, v).Confirm(false), amqp.PreconditionFailed,
		"PRECONDITION_FAILED - cannot switch from tx to confirm mode")
}
