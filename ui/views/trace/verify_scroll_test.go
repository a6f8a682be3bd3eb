package trace

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	amqp "github.com/rabbitmq/amqp091-go"
)

// TestVerifyQuestionOnScreen is the QA bug: under a long route at 80×24
// the verify-live question fell below the last line, cutting off what
// tracing costs. The whole question must be on screen when it is asked.
func TestVerifyQuestionOnScreen(t *testing.T) {
	bus := startEmbedded(t)
	conn, err := amqp.Dial(bus.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDeclare("nova", "topic", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		q := fmt.Sprintf("compute.%02d", i)
		if _, err := ch.QueueDeclare(q, false, true, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := ch.QueueBind(q, "compute.#", "nova", false, nil); err != nil {
			t.Fatal(err)
		}
	}
	m := New(bus.open(t), exchangeRef("/", "nova"))
	m.SetSize(80, 21)
	typeIn(m, "compute.host1")
	m.Esc()
	m.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	got := view(m)
	for _, want := range []string{"? Verify live?", "costs the broker", "y publish · n cancel"} {
		if !strings.Contains(got, want) {
			t.Errorf("the question is cut: %q not on screen:\n%s", want, got)
		}
	}
}
