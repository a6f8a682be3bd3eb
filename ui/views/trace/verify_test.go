package trace

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/internal/testenv"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/internal/fixture"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// liveBus is a broker to verify against, with the topology the tests
// trace declared in vhost.
type liveBus struct {
	amqpURL, apiURL, vhost string
}

// declare makes the topology: a topic exchange orders (alternate
// exchange ae, a fanout to queue unrouted) with queue eu bound by
// eu.*.orders and queue all by #.
func (b liveBus) declare(t *testing.T) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(b.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ch.ExchangeDeclare("ae", "fanout", false, true, false, false, nil))
	must(ch.ExchangeDeclare("orders", "topic", false, true, false, false, amqp.Table{"alternate-exchange": "ae"}))
	for _, qb := range [][3]string{{"unrouted", "ae", ""}, {"eu", "orders", "eu.*.orders"}, {"all", "orders", "#"}} {
		_, err := ch.QueueDeclare(qb[0], false, true, false, false, nil)
		must(err)
		must(ch.QueueBind(qb[0], qb[2], qb[1], false, nil))
	}
	return ch
}

// open opens a session on the bus and returns the views' state holding
// one snapshot of it.
func (b liveBus) open(t *testing.T) *common.Common {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	s, err := broker.Open(ctx, broker.Config{URL: b.amqpURL, APIURL: b.apiURL, RequireAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	snap, err := s.Snapshot(ctx, broker.SnapshotOptions{Vhost: b.vhost, Kinds: broker.TopologyKinds})
	if err != nil {
		t.Fatal(err)
	}
	d := &common.Data{}
	d.Apply(broker.Update{Seq: 1, Snapshot: snap})
	return &common.Common{Styles: styles.New(themes.Dark(), false), Data: d, Vhost: b.vhost, Actions: s, Ctx: ctx}
}

// startEmbedded starts an embedded broker for the test.
func startEmbedded(t *testing.T) liveBus {
	t.Helper()
	bus := drive.Start(t)
	return liveBus{amqpURL: bus.URL, apiURL: bus.APIURL, vhost: "/"}
}

// rabbitMQ returns a scratch vhost on the RabbitMQ the integration tests
// run against (internal/testenv: skips without one, fails under CI=true).
func rabbitMQ(t *testing.T) liveBus {
	t.Helper()
	r := testenv.RabbitMQ(t)
	vhost := r.Vhost(t, "kaiten-verify-")
	return liveBus{amqpURL: r.VhostURL(vhost), apiURL: r.APIURL, vhost: vhost}
}

func exchangeRef(vhost, name string) common.Ref {
	return common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: vhost, Name: name}, Name: name}
}

// verify presses v and y as a user would and runs the command it
// returns, as the program would, feeding its message back.
func verify(t *testing.T, m *Model) {
	t.Helper()
	m.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	if got := view(m); !strings.Contains(got, "costs the broker") || !strings.Contains(got, "n cancel") {
		t.Fatalf("no confirmation before publishing:\n%s", got)
	}
	cmd := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cmd == nil {
		t.Fatalf("y returned no command:\n%s", view(m))
	}
	if got := view(m); !strings.Contains(got, "verifying live") {
		t.Errorf("no sign of the verification under way:\n%s", got)
	}
	m.Update(cmd())
}

// testVerifyLive traces eu.de.orders, verifies it live, then changes the
// topology behind the snapshot's back and checks the difference is
// flagged.
func testVerifyLive(t *testing.T, bus liveBus) {
	ch := bus.declare(t)
	c := bus.open(t)
	m := New(c, exchangeRef(bus.vhost, "orders"))
	m.SetSize(120, 40)
	typeIn(m, "eu.de.orders")
	m.Esc()
	verify(t, m)
	v := m.verification
	if v == nil || v.Err != nil {
		t.Fatalf("verification %+v:\n%s", v, view(m))
	}
	routed := slices.Sorted(slices.Values(v.Firehose.RoutedQueues))
	if !slices.Equal(routed, []string{"all", "eu"}) || v.Published.Acked != 1 {
		t.Errorf("routed_queues %v, publish %+v", routed, v.Published)
	}
	got := view(m)
	for _, want := range []string{"= RabbitMQ routed_queues (2):", "confirmed", "RabbitMQ routed the probe where the trace says", "`*`→`de`"} {
		if !strings.Contains(got, want) {
			t.Errorf("the view lacks %q:\n%s", want, got)
		}
	}
	// A queue bound after the snapshot: RabbitMQ routes to it, the trace
	// (on the old snapshot) does not.
	if _, err := ch.QueueDeclare("late", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind("late", "eu.#", "orders", false, nil); err != nil {
		t.Fatal(err)
	}
	verify(t, m)
	if m.verification == nil || m.verification.Err != nil || !m.verification.Differs() {
		t.Fatalf("verification after the change: %+v", m.verification)
	}
	got = view(m)
	for _, want := range []string{"≠ RabbitMQ routed_queues (3):", "differs from the trace: RabbitMQ also routed to `late`"} {
		if !strings.Contains(got, want) {
			t.Errorf("the difference is not flagged (%q):\n%s", want, got)
		}
	}
	t.Logf("after the change:\n%s", got)
	// Another key: the old verification is not shown for it.
	m.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	typeIn(m, "x")
	if got := view(m); strings.Contains(got, "routed_queues") {
		t.Errorf("a verification of another probe is shown:\n%s", got)
	}
}

// testVerifyDefaultExchange verifies probes of the default exchange: to a
// queue by its name, and to a name no queue has, which RabbitMQ still
// lists in routed_queues.
func testVerifyDefaultExchange(t *testing.T, bus liveBus) {
	bus.declare(t)
	c := bus.open(t)
	m := New(c, common.Ref{Type: common.ObjQueue, Key: broker.ObjectKey{Vhost: bus.vhost, Name: "eu"}, Name: "eu"})
	m.SetSize(120, 40)
	m.Esc()
	verify(t, m)
	if v := m.verification; v == nil || v.Err != nil || v.Differs() || !slices.Equal(v.Firehose.RoutedQueues, []string{"eu"}) {
		t.Fatalf("default exchange to eu: %+v\n%s", v, view(m))
	}
	m.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	typeIn(m, "-nobody")
	m.Esc()
	verify(t, m)
	v := m.verification
	if v == nil || v.Err != nil || v.Differs() || v.Published.Returned != 1 {
		t.Fatalf("default exchange to eu-nobody: %+v\n%s", v, view(m))
	}
	got := view(m)
	for _, want := range []string{"✗ unroutable", "routed_queues (1): `eu-nobody` — returned 312 NO_ROUTE", "no queue is named `eu-nobody`"} {
		if !strings.Contains(got, want) {
			t.Errorf("the view lacks %q:\n%s", want, got)
		}
	}
}

func TestVerifyLiveEmbedded(t *testing.T) {
	testVerifyLive(t, startEmbedded(t))
	testVerifyDefaultExchange(t, startEmbedded(t))
}

func TestVerifyLiveRabbitMQ(t *testing.T) {
	testVerifyLive(t, rabbitMQ(t))
	testVerifyDefaultExchange(t, rabbitMQ(t))
}

// TestVerifyRefused: read-only disables verify with the reason, a
// backend that cannot publish says so, and n or esc cancel the
// confirmation without publishing.
func TestVerifyRefused(t *testing.T) {
	c := fixture.Common()
	c.ReadOnly = true
	m := New(c, exchangeRef("/", "orders"))
	m.SetSize(100, 30)
	typeIn(m, "order.eu.new")
	m.Esc()
	if got := m.ShortHelp()[1].Help().Desc; got != "verify live (off: read-only, it publishes)" {
		t.Errorf("verify help in read-only: %q", got)
	}
	if cmd := m.Update(tea.KeyPressMsg{Code: 'v', Text: "v"}); cmd != nil || m.Capturing() {
		t.Error("read-only verify asks or publishes")
	}
	if got := view(m); !strings.Contains(got, "verify live is off: the session is read-only, and verifying publishes a probe message") {
		t.Errorf("read-only reason not shown:\n%s", got)
	}

	m = New(fixture.Common(), exchangeRef("/", "orders"))
	m.SetSize(100, 30)
	m.Esc()
	m.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	if got := view(m); !strings.Contains(got, "verify live is not available: this broker connection cannot publish or tap") {
		t.Errorf("missing actions not said:\n%s", got)
	}

	bus := startEmbedded(t)
	bus.declare(t)
	m = New(bus.open(t), exchangeRef("/", "orders"))
	m.SetSize(100, 30)
	typeIn(m, "eu.de.orders")
	m.Esc()
	for _, k := range []tea.KeyPressMsg{{Code: 'n', Text: "n"}, {Code: tea.KeyEscape}} {
		m.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
		if !m.Capturing() {
			t.Fatal("the confirmation does not take the keys")
		}
		if k.Code == tea.KeyEscape {
			if !m.Esc() {
				t.Error("esc did not cancel the confirmation")
			}
		} else if cmd := m.Update(k); cmd != nil {
			t.Error("n published")
		}
		if m.Capturing() || strings.Contains(view(m), "y publish") || m.verification != nil {
			t.Errorf("%s did not cancel:\n%s", k, view(m))
		}
	}
}

// TestVerifyVhostMismatch: the session publishes in its own vhost, so a
// trace in another vhost cannot be verified.
func TestVerifyVhostMismatch(t *testing.T) {
	bus := startEmbedded(t)
	bus.declare(t)
	c := bus.open(t)
	m := New(c, exchangeRef("other", "orders"))
	if got := m.verifyBlocked(); got != "verify live publishes in the session's vhost `/`, and this trace is in vhost `other`" {
		t.Errorf("verifyBlocked = %q", got)
	}
}
