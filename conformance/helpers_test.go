package conformance

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// The broker under test; override to point elsewhere.
const (
	envAMQP = "KAITEN_CONFORMANCE_AMQP" // default amqp://guest:guest@127.0.0.1:5672/
	envAPI  = "KAITEN_CONFORMANCE_API"  // default http://127.0.0.1:15672
)

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// rabbitMQTarget is the RabbitMQ to compare against, from the environment.
func rabbitMQTarget() Target {
	return Target{
		Name: "rabbitmq",
		AMQP: getenv(envAMQP, "amqp://guest:guest@127.0.0.1:5672/"),
		API:  getenv(envAPI, "http://127.0.0.1:15672"),
	}
}

// requireTarget returns the target's broker and its version. Without one
// the test is skipped, except in CI (CI=true), where it fails: CI must not
// pass by skipping. A target that starts in-process must start.
func requireTarget(t *testing.T, tg Target) (*Broker, string) {
	t.Helper()
	tg, err := tg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBroker(tg.AMQP, tg.API)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	version, err := b.Ping(ctx)
	if err != nil {
		msg := fmt.Sprintf("no %s broker with a management API to test (%v)", tg.Name, err)
		if tg.Name == "rabbitmq" {
			msg += fmt.Sprintf("; set %s and %s to point at one", envAMQP, envAPI)
		}
		testenv.Missing(t, "%s", msg)
	}
	return b, version
}

// freshVhost creates the vhost, deletes it when the test ends, and returns
// a connection to it.
func freshVhost(t testing.TB, b *Broker, name string) *amqp.Connection {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = b.DeleteVhost(ctx, name) // left over from an interrupted run
	if err := b.CreateVhost(ctx, name); err != nil {
		t.Fatalf("create vhost %q: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := b.DeleteVhost(ctx, name); err != nil {
			t.Errorf("delete vhost %q: %v", name, err)
		}
	})
	conn, err := b.Dial(name)
	if err != nil {
		t.Fatalf("connect to vhost %q: %v", name, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// modelTable converts a table as amqp091-go encodes it into the model,
// each value with its AMQP field type; nil stays nil (no headers at all).
func modelTable(t amqp.Table) model.Table { return broker.TableFromAMQP(t) }

// modelVhost builds the model of what Declare and SetPolicy create.
func modelVhost(name string, xs []ExchangeDecl, queues []string, bs []BindingDecl, ps []PolicyDecl) model.Vhost {
	v := model.Vhost{Name: name}
	for _, x := range xs {
		v.Exchanges = append(v.Exchanges, model.Exchange{Name: x.Name, Type: x.Kind, Internal: x.Internal, Arguments: modelTable(x.Args)})
	}
	for _, q := range queues {
		v.Queues = append(v.Queues, model.Queue{Name: q})
	}
	for _, b := range bs {
		kind := model.DestQueue
		if b.ToExchange {
			kind = model.DestExchange
		}
		v.Bindings = append(v.Bindings, model.Binding{
			Source: b.Source, Destination: b.Destination, DestinationType: kind,
			RoutingKey: b.Key, Arguments: modelTable(b.Args),
		})
	}
	for _, p := range ps {
		def := make(model.Table, len(p.Definition))
		for k, val := range p.Definition {
			def[k] = jsonValue(val)
		}
		v.Policies = append(v.Policies, model.Policy{Name: p.Name, Pattern: p.Pattern, ApplyTo: p.ApplyTo, Priority: p.Priority, Definition: def})
	}
	return v
}

// jsonValue is how RabbitMQ stores a JSON policy value: strings become
// longstrs, whole numbers longs.
func jsonValue(v any) model.Value {
	switch v := v.(type) {
	case string:
		return model.String(v)
	case int:
		return model.Long(int64(v))
	case bool:
		return model.Bool(v)
	}
	panic(fmt.Sprintf("policy value %T not modelled", v))
}
