//go:build kaitenclient

// This test reads the API with kaiten's own management client in
// package broker, which is being written at the same time as this
// package; it runs with -tags kaitenclient until both are committed.

package mgmt_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/mgmt"
	"github.com/kaiten-bus/kaiten/model"
)

// TestKaitenClient reads the embedded API with kaiten's own client, as
// the TUI does: a whole snapshot with stats and without, and the
// definitions.
func TestKaitenClient(t *testing.T) {
	b := core.New(core.Options{})
	srv := httptest.NewServer(mgmt.NewHandler(b, mgmt.Options{}))
	defer srv.Close()
	v, _ := b.Vhost("/")
	if err := v.DeclareExchange(core.ExchangeDeclare{Name: "nova", Type: "topic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.DeclareQueue(nil, core.QueueDeclare{Name: "compute"}); err != nil {
		t.Fatal(err)
	}
	if err := v.BindQueue(nil, "compute", "nova", "compute.#", nil); err != nil {
		t.Fatal(err)
	}
	if err := v.SetPolicy(model.Policy{Name: "ttl", Pattern: "^compute$", ApplyTo: "queues", Definition: model.Table{"message-ttl": model.Long(5000)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Publish("nova", "compute.host1", false, model.Properties{}, []byte("cast")); err != nil {
		t.Fatal(err)
	}
	c, err := b.Connect("/", core.ConnInfo{Name: "127.0.0.1:1 -> 127.0.0.1:5672", User: "guest"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, _ := c.OpenChannel(1, nil)
	if _, err := ch.Consume("compute", "srv", false, false, false, nil); err != nil {
		t.Fatal(err)
	}

	ep, err := broker.Config{URL: "amqp://guest:guest@127.0.0.1/", APIURL: srv.URL}.Endpoints()
	if err != nil {
		t.Fatal(err)
	}
	api, err := broker.NewAPI(ep.API, broker.TLSOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, stats := range []bool{false, true} {
		s, err := api.Snapshot(ctx, broker.SnapshotOptions{Stats: stats})
		if err != nil {
			t.Fatalf("snapshot (stats %v): %v", stats, err)
		}
		if s.Overview.Version() == "" || len(s.Vhosts) != 1 || len(s.Connections) != 1 || len(s.Channels) != 1 || len(s.Consumers) != 1 || len(s.Policies) != 1 {
			t.Errorf("snapshot (stats %v) = %+v", stats, s)
		}
		var compute *broker.Queue
		for i := range s.Queues {
			if s.Queues[i].Name == "compute" {
				compute = &s.Queues[i]
			}
		}
		if compute == nil || compute.Messages != 1 || compute.Policy != "ttl" {
			t.Errorf("compute (stats %v) = %+v", stats, compute)
		}
		found := false
		for _, bd := range s.Bindings {
			found = found || bd.Source == "nova" && bd.Destination == "compute" && bd.RoutingKey == "compute.#"
		}
		if !found || len(s.Exchanges) != 8 {
			t.Errorf("bindings %+v, %d exchanges", s.Bindings, len(s.Exchanges))
		}
		if stats && compute != nil {
			if n, ok := compute.Stats.Get(broker.StatPublish); !ok || n != 1 {
				t.Errorf("compute publish = %d, %v", n, ok)
			}
		}
	}
	d, err := api.Definitions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if mv, ok := d.Vhost("/"); !ok || len(mv.Queues) != 1 || len(mv.Bindings) != 1 || len(mv.Exchanges) != 1 {
		t.Errorf("definitions = %+v", d.Vhosts)
	}
	if _, err := api.Definitions(ctx, "/"); err != nil {
		t.Errorf("vhost definitions: %v", err)
	}
}
