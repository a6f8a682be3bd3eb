package broker

import (
	"slices"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

func TestSnapshotToModel(t *testing.T) {
	s := &Snapshot{
		Kinds:    AllKinds,
		Overview: Overview{RabbitMQVersion: "3.10.8"},
		Exchanges: []Exchange{
			{Vhost: "v", Name: "", Type: "direct", Durable: true},
			{Vhost: "v", Name: "amq.topic", Type: "topic", Durable: true},
			{Vhost: "v", Name: "h", Type: "headers"},
			{Vhost: "v", Name: "t", Type: "topic"},
			{Vhost: "w", Name: "t", Type: "fanout"},
		},
		Queues: []Queue{{Vhost: "v", Name: "q1", Type: "classic"}, {Vhost: "v", Name: "q2", Type: "quorum"}, {Vhost: "w", Name: "q1"}},
		Bindings: []Binding{
			{Vhost: "v", Source: "", Destination: "q1", DestinationType: "queue", RoutingKey: "q1", Implicit: true},
			{Vhost: "v", Source: "t", Destination: "q1", DestinationType: "queue", RoutingKey: "a.*"},
			{Vhost: "v", Source: "t", Destination: "h", DestinationType: "exchange", RoutingKey: "#"},
			{Vhost: "v", Source: "h", Destination: "q2", DestinationType: "queue", Arguments: model.Table{"x-match": model.String("any"), "n": model.Long(1)}},
		},
		Policies: []Policy{{Vhost: "v", Name: "p", Pattern: "^t$", ApplyTo: "exchanges", Definition: model.Table{"alternate-exchange": model.String("amq.topic")}}},
	}
	v, err := s.ModelVhost("v")
	must(t, err)
	if len(v.Exchanges) != 4 || len(v.Queues) != 2 || len(v.Bindings) != 3 || len(v.Policies) != 1 {
		t.Fatalf("model %+v", v)
	}
	if x, _ := v.Exchange("amq.topic"); !x.Builtin {
		t.Error("amq.topic is not marked built-in")
	}
	if x, _ := v.Exchange("t"); x.Builtin {
		t.Error("t is marked built-in")
	}
	if v.Bindings[1].DestinationType != model.DestExchange || v.Queues[1].Type != "quorum" {
		t.Errorf("model %+v", v)
	}
	r, err := s.Router("v")
	must(t, err)
	if r.Options().HeadersEquality != model.HeadersArithmetic {
		t.Error("3.10.8 routes headers with == (1 equals 1.0)")
	}
	for _, tt := range []struct {
		m    model.Message
		want []string
	}{
		{model.Message{Exchange: "t", RoutingKey: "a.b"}, []string{"q1"}},
		{model.Message{Exchange: "t", RoutingKey: "a.b", Headers: model.Table{"n": model.Double(1)}}, []string{"q1", "q2"}},
		{model.Message{Exchange: "", RoutingKey: "q2"}, []string{"q2"}},
		{model.Message{Exchange: "t", RoutingKey: "x"}, nil},
	} {
		if got := r.Route(tt.m).Queues; !slices.Equal(got, tt.want) {
			t.Errorf("%+v routes to %q, want %q", tt.m, got, tt.want)
		}
	}
	if w, err := s.ModelVhost("w"); err != nil || len(w.Exchanges) != 1 || len(w.Queues) != 1 {
		t.Errorf("vhost w: %+v %v", w, err)
	}
	if _, err := (&Snapshot{Kinds: Kinds(0).With(KindQueues)}).ModelVhost("v"); err == nil || !strings.Contains(err.Error(), "lacks exchanges, bindings, policies") {
		t.Errorf("a snapshot without topology: %v", err)
	}
	if _, err := (&Snapshot{Kinds: AllKinds, Vhost: "a"}).ModelVhost("b"); err == nil {
		t.Error("a snapshot of another vhost converted")
	}
}

func TestStatusAndBackoff(t *testing.T) {
	st := Status{State: StateReconnecting, Attempt: 2, AMQPErr: &Error{Op: "lost AMQP connection", Target: "amqp://u@h:5672/", Reason: "CONNECTION_FORCED - bye", Fix: "reconnecting"}}
	if got := st.String(); got != "reconnecting (attempt 3): lost AMQP connection at amqp://u@h:5672/: CONNECTION_FORCED - bye — reconnecting" {
		t.Errorf("status %s", got)
	}
	if (Status{State: StateConnected, ReadOnly: true}).Label() != "read-only" || (Status{State: StateDegraded, ReadOnly: true}).Label() != "degraded" {
		t.Error("labels")
	}
	b := backoff{min: 100 * 1e6, max: 1e9}
	for n, want := range map[int]float64{1: 0.1, 2: 0.2, 3: 0.4, 4: 0.8, 5: 1, 30: 1} {
		got := b.wait(n).Seconds()
		if got < want*0.79 || got > want*1.21 {
			t.Errorf("wait(%d) = %.3fs, want %.1fs ± 20%%", n, got, want)
		}
	}
}
