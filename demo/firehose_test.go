package demo

import (
	"slices"
	"strings"
	"sync"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// traced is one publish seen through RabbitMQ's firehose.
type traced struct {
	exchange, key string
	routed        []string
	props         amqp.Table
	body          []byte
}

// firehose collects every publish in a vhost with tracing on, from a
// queue bound to amq.rabbitmq.trace with publish.#.
type firehose struct {
	mu   sync.Mutex
	msgs []traced
}

func startFirehose(t *testing.T, ch *amqp.Channel) *firehose {
	t.Helper()
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, "publish.#", "amq.rabbitmq.trace", false, nil); err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &firehose{}
	go func() {
		for d := range deliveries {
			m := traced{body: d.Body}
			m.exchange, _ = d.Headers["exchange_name"].(string)
			if keys, _ := d.Headers["routing_keys"].([]any); len(keys) > 0 {
				m.key, _ = keys[0].(string)
			}
			routed, _ := d.Headers["routed_queues"].([]any)
			for _, r := range routed {
				s, _ := r.(string)
				m.routed = append(m.routed, s)
			}
			m.props, _ = d.Headers["properties"].(amqp.Table)
			f.mu.Lock()
			f.msgs = append(f.msgs, m)
			f.mu.Unlock()
		}
	}()
	return f
}

func (f *firehose) snapshot() []traced {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.msgs)
}

// osloExchange reports whether only oslo messages go through ex: the
// control exchanges, fanout exchanges and the default one (replies).
func osloExchange(ex string) bool {
	return ex == exNova || ex == exNeutron || ex == "" || strings.HasSuffix(ex, "_fanout")
}

// kindsSeen is what a sample of traffic showed.
type kindsSeen map[string]int

// classify names each publish by what it is, and fails the test on an
// oslo exchange message that model cannot decode or that is not oslo's.
func classify(t *testing.T, msgs []traced) kindsSeen {
	t.Helper()
	seen := kindsSeen{}
	for _, m := range msgs {
		if !osloExchange(m.exchange) {
			switch {
			case m.exchange == exIngress && slices.Equal(m.routed, []string{qUnrouted}):
				seen["unroutable"]++
			case m.exchange == exImages:
				seen["image"]++
			default:
				seen[m.exchange]++
			}
			continue
		}
		om, err := model.DecodeOslo(m.body)
		if err != nil || om.Kind == model.OsloNone || om.Kind == model.OsloUnknown {
			t.Errorf("publish to %q key %q does not decode as oslo (%v, %v): %s", m.exchange, m.key, om.Kind, err, m.body)
			continue
		}
		name := om.Kind.String()
		switch {
		case om.Kind == model.OsloCall:
			if exp, _ := m.props["expiration"].(string); exp == "" {
				t.Errorf("call %s without expiration: %v", om.Method, m.props)
			}
		case om.Kind == model.OsloCast && strings.HasSuffix(m.exchange, "_fanout"):
			name = "fanout cast"
			if m.exchange == "compute_fanout" {
				if len(m.routed) != 2 {
					t.Errorf("fanout cast to compute reached %v, want both computes' fanout queues", m.routed)
				}
				name = "compute fanout cast"
			}
		case om.Kind == model.OsloReply && om.Failure != nil:
			name = "failure " + om.Failure.Class
		case om.Kind == model.OsloNotification:
			name = "notification on " + m.exchange
		}
		if m.exchange == exNeutron && om.Kind == model.OsloCall {
			name = "neutron call"
		}
		if ct, _ := m.props["content_type"].(string); ct != "application/json" {
			t.Errorf("%s with content type %q", name, ct)
		}
		seen[name]++
	}
	return seen
}
