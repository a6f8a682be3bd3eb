package detail

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
)

func page(t *testing.T, ref common.Ref) string {
	t.Helper()
	c := fixture.Common()
	return ansi.Strip(strings.Join(Render(c.Styles, c.Data, ref), "\n"))
}

func TestQueuePage(t *testing.T) {
	got := page(t, common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: "/", Name: "orders.eu"}, Name: "orders.eu"})
	for _, want := range []string{
		"messages     ready 12 · unacked 3 · total 15",
		"consumers    2 (capacity 100%)",
		"dead letters ☠ orders.dlx (argument x-dead-letter-exchange)",
		"arguments (2)",
		`x-dead-letter-exchange  "orders.dlx"`,
		"x-message-ttl           60000",
		"bindings in (2)",
		`(AMQP default)  "orders.eu" → queue orders.eu  (implicit)`,
		`orders  "order.eu.*" → queue orders.eu`,
		"consumers (2)",
		"ctag-eu-1  127.0.0.1:50000 -> 127.0.0.1:5672 (1)  manual ack · prefetch 10",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("queue page lacks %q:\n%s", want, got)
		}
	}
}

func TestExchangePage(t *testing.T) {
	got := page(t, common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "orders"}, Name: "orders"})
	for _, want := range []string{
		"alternate    ⇢ orders.unrouted (argument alternate-exchange)",
		"bindings out (4)",
		`orders  "order.#" ⇒ exchange audit`,
		`orders  "order.eu.*" → queue orders.eu`,
		"bindings in (0)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("exchange page lacks %q:\n%s", want, got)
		}
	}
	// A policy's dead-letter exchange counts, and its definition shows.
	got = page(t, common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: "/", Name: "compute.host1"}, Name: "compute.host1"})
	for _, want := range []string{
		`policy       compute-limits  {"dead-letter-exchange": "orders.dlx", "max-length": 1000}`,
		"dead letters ☠ orders.dlx (policy compute-limits)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("compute.host1 page lacks %q:\n%s", want, got)
		}
	}
}

func TestOtherPages(t *testing.T) {
	s := fixture.Snapshot()
	for _, tc := range []struct {
		ref  common.Ref
		want string
	}{
		{common.Ref{Type: common.ObjBinding, Key: s.Bindings[len(s.Bindings)-1].Key()}, "routing key"},
		{common.Ref{Type: common.ObjConnection, Key: s.Connections[0].Key()}, "channels (2)"},
		{common.Ref{Type: common.ObjChannel, Key: s.Channels[0].Key()}, "prefetch     10 per consumer"},
		{common.Ref{Type: common.ObjConsumer, Key: s.Consumers[0].Key()}, "ack          auto"},
		{common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: "/", Name: "gone"}, Name: "gone"}, "queue gone is not in the latest snapshot"},
	} {
		if got := page(t, tc.ref); !strings.Contains(got, tc.want) {
			t.Errorf("%s page lacks %q:\n%s", tc.ref.Type, tc.want, got)
		}
	}
}
