package core

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// randomValue returns a field value of a random type, often a bad one.
func randomValue(rng *rand.Rand) model.Value {
	switch rng.IntN(7) {
	case 0:
		return model.Long(rng.Int64N(3000) - 1000)
	case 1:
		return model.String([]string{"", "drop-head", "reject-publish", "reject-publish-dlx", "classic", "x", "q1"}[rng.IntN(7)])
	case 2:
		return model.Bool(rng.IntN(2) == 0)
	case 3:
		return model.Value{Type: model.TypeArray, Array: []model.Value{model.String("q2"), model.Long(1)}}
	case 4:
		return model.Value{Type: model.TypeSignedInt, Int: rng.Int64N(20)}
	case 5:
		return model.Double(rng.Float64() * 100)
	}
	return model.Void()
}

func randomArgs(rng *rand.Rand) model.Table {
	keys := []string{
		"x-message-ttl", "x-expires", "x-max-length", "x-max-length-bytes", "x-overflow",
		"x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-priority",
		"x-single-active-consumer", "x-queue-type", "alternate-exchange", "CC", "BCC", "x-match",
	}
	t := model.Table{}
	for range rng.IntN(4) {
		t[keys[rng.IntN(len(keys))]] = randomValue(rng)
	}
	return t
}

// TestRandomOperationsNeverPanic throws random, mostly invalid, method
// calls at a broker: every one must return, with or without an error.
func TestRandomOperationsNeverPanic(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomOperations(t, seed) })
	}
}

func randomOperations(t *testing.T, seed uint64) {
	b, clk := newTestBroker(t, Options{ChannelBuffer: 8})
	rng := rand.New(rand.NewPCG(seed, 4))
	conns := []*client{connect(t, b), connect(t, b)}
	names := []string{"", "q1", "q2", "amq.q", "x1", "x2", "amq.direct", "amq.rabbitmq.reply-to"}
	name := func() string { return names[rng.IntN(len(names))] }
	types := []string{"direct", "fanout", "topic", "headers", "bogus"}
	for i := range 20000 {
		c := conns[rng.IntN(len(conns))]
		ch := c.ch
		switch rng.IntN(16) {
		case 0:
			_, _ = ch.QueueDeclare(QueueDeclare{
				Name: name(), Passive: rng.IntN(5) == 0, Exclusive: rng.IntN(4) == 0,
				AutoDelete: rng.IntN(3) == 0, Durable: rng.IntN(2) == 0, Arguments: randomArgs(rng),
			})
		case 1:
			_ = ch.ExchangeDeclare(ExchangeDeclare{
				Name: name(), Type: types[rng.IntN(len(types))],
				AutoDelete: rng.IntN(3) == 0, Arguments: randomArgs(rng), Passive: rng.IntN(5) == 0,
			})
		case 2:
			_ = ch.QueueBind(name(), name(), name(), randomArgs(rng))
		case 3:
			_ = ch.ExchangeBind(name(), name(), "#", randomArgs(rng))
		case 4, 5, 6:
			p := model.Properties{Headers: randomArgs(rng), Has: model.HasHeaders}
			if rng.IntN(3) == 0 {
				p.Expiration, p.Has = fmt.Sprint(rng.IntN(50)-5), p.Has|model.HasExpiration
			}
			if rng.IntN(3) == 0 {
				p.Priority, p.Has = uint8(rng.IntN(256)), p.Has|model.HasPriority
			}
			if rng.IntN(10) == 0 {
				p.ReplyTo, p.Has = ReplyToQueue, p.Has|model.HasReplyTo
			}
			_, _ = ch.Publish(name(), name(), rng.IntN(2) == 0, p, []byte("body"))
		case 7:
			_, _ = ch.Consume(name(), fmt.Sprint(rng.IntN(5)), rng.IntN(2) == 0, rng.IntN(4) == 0, rng.IntN(2) == 0, randomArgs(rng))
		case 8:
			_ = ch.Cancel(fmt.Sprint(rng.IntN(5)), false)
		case 9:
			_ = ch.Ack(uint64(rng.IntN(40)), rng.IntN(2) == 0)
		case 10:
			_ = ch.Nack(uint64(rng.IntN(40)), rng.IntN(2) == 0, rng.IntN(2) == 0)
		case 11:
			_ = ch.Get(name(), rng.IntN(2) == 0)
		case 12:
			_, _ = ch.QueueDelete(name(), rng.IntN(2) == 0, rng.IntN(2) == 0)
			_ = ch.ExchangeDelete(name(), rng.IntN(2) == 0)
		case 13:
			_ = ch.Qos(0, uint16(rng.IntN(4)), rng.IntN(2) == 0)
			_, _ = ch.QueuePurge(name())
		case 14:
			c.buf = ch.Drain(c.buf)
			clk.Advance(time.Duration(rng.IntN(20)) * time.Millisecond)
		case 15:
			switch rng.IntN(8) {
			case 0:
				ch.Close()
				conns[slot(conns, c)] = c.channel(uint16(2 + i%60000))
			case 1:
				c.conn.Close()
				conns[slot(conns, c)] = connect(t, b)
			case 2:
				_ = ch.Vhost().SetPolicy(model.Policy{Name: "p", Pattern: "^q", Definition: randomArgs(rng)})
			case 3:
				_ = ch.TxSelect()
			case 4:
				_, _ = ch.TxCommit()
			case 5:
				_ = ch.Recover(true)
			case 6:
				_ = ch.ConfirmSelect()
			case 7:
				ch.Vhost().SetTracing(rng.IntN(2) == 0)
			}
		}
	}
	for _, c := range conns {
		c.conn.Close()
	}
	// Whatever is left is only in queues, each body counted once.
	for _, q := range conns[0].ch.Vhost().Snapshot().Queues {
		if q.Unacked != 0 {
			t.Fatalf("queue %s has %d unacked after every connection closed", q.Name, q.Unacked)
		}
	}
	if used, held := b.MemoryUsed(), heldBytes(conns[0].ch.Vhost()); used != held {
		t.Fatalf("memory %d, queues hold %d", used, held)
	}
}

// heldBytes adds up the distinct bodies the vhost's queues hold.
func heldBytes(v *Vhost) int64 {
	seen := map[*Message]bool{}
	var n int64
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, q := range v.queues {
		q.mu.Lock()
		for i := range q.ready.lanes {
			r := &q.ready.lanes[i]
			for j := range r.n {
				if m := r.at(j).msg; !seen[m] {
					seen[m] = true
					n += m.size()
				}
			}
		}
		q.mu.Unlock()
	}
	return n
}

func slot(cs []*client, c *client) int {
	for i, x := range cs {
		if x == c {
			return i
		}
	}
	return 0
}
