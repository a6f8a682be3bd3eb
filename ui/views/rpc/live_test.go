package rpc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/demo"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

func screen(m *rpc.Model) string { return ansi.Strip(m.View()) }

// allLines is the whole reply pane, scrolled or not.
func allLines(m *rpc.Model) string {
	var b strings.Builder
	for _, l := range m.Shown().Lines() {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

// echoServer answers requests on a queue of its own with "echo: " and
// the body, to reply_to with the request's correlation id.
func echoServer(t *testing.T, bus *drive.Bus, queue string) {
	t.Helper()
	ch := bus.Channel(t)
	if _, err := ch.QueueDeclare(queue, false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	ds, err := ch.Consume(queue, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for d := range ds {
			_ = ch.PublishWithContext(context.Background(), "", d.ReplyTo, false, false, amqp.Publishing{
				ContentType: "text/plain", CorrelationId: d.CorrelationId, Body: append([]byte("echo: "), d.Body...),
			})
		}
	}()
}

func TestPlainCallToGoResponder(t *testing.T) {
	bus := drive.Start(t)
	echoServer(t, bus, "rpc.echo")
	bus.Refresh(t)
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(120, 40)
	d.Press("ctrl+o")
	if m.Mode() != rpc.ModeAMQP {
		t.Fatal("ctrl+o does not switch to plain AMQP")
	}
	// The default exchange's keys complete from the queue names.
	d.Press("tab", "rpc.e", "down")
	if got := m.AMQPForm().RoutingKey; got != "rpc.echo" {
		t.Fatalf("key completion gave %q", got)
	}
	d.Press("tab", `{"n": 1}`, "tab", "5")
	if fl := d.Do("ctrl+s"); len(fl) != 0 {
		t.Fatalf("flashes %v", fl)
	}
	e := m.Shown()
	if e == nil || !e.Done || e.Err != nil || e.Reply == nil {
		t.Fatalf("entry %+v", e)
	}
	if got := string(e.Reply.Body); got != `echo: {"n": 1}` {
		t.Errorf("reply body %q", got)
	}
	if e.Reply.RTT <= 0 || e.Reply.CorrelationID == "" {
		t.Errorf("reply without RTT or correlation id: %+v", e.Reply)
	}
	s := screen(m)
	for _, want := range []string{"✓ reply in", "amq.rabbitmq.reply-to", `echo: {"n": 1}`, "call (AMQP default) → \"rpc.echo\"  8B"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	// A cast publishes and returns; the responder's reply to it goes to
	// nobody.
	d.Do("ctrl+t")
	if e := m.Shown(); e.Call || !e.Done || e.Err != nil || e.Cast == nil {
		t.Fatalf("cast %+v", e)
	}
	if !strings.Contains(screen(m), "✓ cast sent to (AMQP default) with key \"rpc.echo\", confirmed by the broker") {
		t.Errorf("cast not shown:\n%s", screen(m))
	}
}

func TestPlainCallTimesOut(t *testing.T) {
	bus := drive.Start(t)
	ch := bus.Channel(t)
	if _, err := ch.QueueDeclare("rpc.nobody", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	bus.Refresh(t)
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(80, 21)
	m.SetMode(rpc.ModeAMQP)
	m.SetField(rpc.ModeAMQP, rpc.AMQPKey, "rpc.nobody")
	m.SetField(rpc.ModeAMQP, rpc.AMQPTimeout, "0.3")
	d.Do("ctrl+s")
	e := m.Shown()
	if e == nil || e.Err == nil {
		t.Fatalf("entry %+v", e)
	}
	if want := `timed out waiting on direct reply-to "amq.rabbitmq.reply-to"`; !strings.Contains(screen(m), want) {
		t.Errorf("screen lacks %q:\n%s", want, screen(m))
	}
	// An unroutable call says so.
	m.SetField(rpc.ModeAMQP, rpc.AMQPKey, "no.such.queue")
	d.Do("ctrl+s")
	if e := m.Shown(); e.Err == nil || !strings.Contains(e.Err.Error(), "312 NO_ROUTE") {
		t.Errorf("unroutable call: %+v", e)
	}
}

// startDemo runs the demo bus's simulated oslo services on the broker.
func startDemo(t *testing.T, bus *drive.Bus) {
	t.Helper()
	bus.Demo(t, demo.Options{Seed: 7, Rate: 0.5})
	bus.Refresh(t)
}

func TestOsloCallToDemo(t *testing.T) {
	bus := drive.Start(t)
	startDemo(t, bus)
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(120, 40)
	if m.Mode() != rpc.ModeOslo {
		t.Fatal("the console does not start in oslo mode")
	}
	// The targets complete from the discovered topology: the control
	// exchange, the topic on it, a server of the topic.
	d.Press("no", "down")
	if got := m.OsloForm().Exchange; got != "nova" {
		t.Fatalf("exchange completion gave %q (control exchanges %v)", got, m.Topology().ControlExchanges)
	}
	d.Press("tab", "comp", "down")
	if got := m.OsloForm().Topic; got != "compute" {
		t.Fatalf("topic completion gave %q", got)
	}
	d.Press("tab", "down")
	if got := m.OsloForm().Server; !strings.HasPrefix(got, "host") {
		t.Fatalf("server completion gave %q", got)
	}
	m.SetField(rpc.ModeOslo, rpc.OsloServer, "host1")
	d.Press("tab", "ping", "tab", `{"arg": "kaiten"}`, "tab", `{"user_id": "u1"}`, "tab", "baseapi", "tab", "1.1", "tab", "20")
	if fl := d.Do("ctrl+s"); len(fl) != 0 {
		t.Fatalf("flashes %v", fl)
	}
	e := m.Shown()
	if e == nil || e.Err != nil || e.OsloReply == nil || e.OsloReply.Failure != nil {
		t.Fatalf("entry %+v", e)
	}
	if got := e.OsloReply.Result.String(); got != `{"service": "compute", "arg": "kaiten"}` {
		t.Errorf("result %s", got)
	}
	s := screen(m)
	for _, want := range []string{"✓ reply in", "reply queue reply_", `"service": "compute"`, "call   nova compute.host1"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	// A cast to every server of the topic goes through compute_fanout.
	m.SetField(rpc.ModeOslo, rpc.OsloServer, "")
	m.SetField(rpc.ModeOslo, rpc.OsloMethod, "refresh_instance_security_rules")
	m.SetField(rpc.ModeOslo, rpc.OsloFanout, "on")
	d.Do("ctrl+t")
	if e := m.Shown(); e.Call || e.Err != nil || e.Cast == nil || e.Sent.Exchange != "compute_fanout" {
		t.Fatalf("fanout cast %+v", e)
	}
	// A call cannot be a fanout: the form says so and sends nothing.
	fl := d.Do("ctrl+s")
	if len(fl) != 1 || !strings.Contains(fl[0].Text, "a call cannot be a fanout") || len(m.History()) != 2 {
		t.Errorf("fanout call: flashes %v, %d in history", fl, len(m.History()))
	}
}

func TestOsloRemoteExceptionAndHistory(t *testing.T) {
	bus := drive.Start(t)
	startDemo(t, bus)
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(80, 21)
	set := func(f int, v string) { m.SetField(rpc.ModeOslo, f, v) }
	set(rpc.OsloExchange, "nova")
	set(rpc.OsloTopic, "compute")
	set(rpc.OsloServer, "host1")
	set(rpc.OsloMethod, "nosuch")
	set(rpc.OsloVersion, "6.0")
	set(rpc.OsloTimeout, "20")
	d.Do("ctrl+s")
	e := m.Shown()
	if e == nil || e.Err != nil || e.OsloReply == nil || e.OsloReply.Failure == nil {
		t.Fatalf("entry %+v", e)
	}
	f := e.OsloReply.Failure
	if f.Class != "NoSuchMethod" || !strings.Contains(f.Message, "nosuch") || len(f.Traceback) == 0 {
		t.Errorf("failure %+v", f)
	}
	all := allLines(m)
	for _, want := range []string{
		"✗ remote exception after", "NoSuchMethod: Endpoint does not support RPC method nosuch",
		"class oslo_messaging.rpc.dispatcher.NoSuchMethod", "remote traceback:", "Traceback (most recent call last):",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("reply lacks %q:\n%s", want, all)
		}
	}
	// The traceback is longer than the pane at 80×24: it scrolls.
	before := screen(m)
	d.Press("pgdown")
	if screen(m) == before {
		t.Errorf("pgdown does not scroll the traceback:\n%s", before)
	}

	// A second call, then the history: ↓ shows the older one, enter
	// loads it into the form, r runs it again.
	set(rpc.OsloMethod, "oslo_rpc_server_ping")
	set(rpc.OsloVersion, "")
	d.Do("ctrl+s")
	if got := m.Shown().OsloReply.Result.String(); got != `"pong"` {
		t.Fatalf("ping: %s", got)
	}
	if !strings.Contains(screen(m), "NoSuchMethod") || !strings.Contains(screen(m), "oslo_rpc_server_ping") {
		t.Errorf("the history does not list both calls:\n%s", screen(m))
	}
	m.Esc() // as the root does on esc
	d.Press("down")
	if m.Shown().Oslo.Method != "nosuch" {
		t.Fatalf("↓ shows %q", m.Shown().Oslo.Method)
	}
	d.Do("r")
	if n := len(m.History()); n != 3 || m.Shown().Oslo.Method != "nosuch" || m.Shown().OsloReply == nil || m.Shown().OsloReply.Failure == nil {
		t.Fatalf("r re-ran %+v (%d in history)", m.Shown(), n)
	}
	m.Esc()
	d.Press("down", "enter")
	if !m.Capturing() || m.OsloForm().Method != "oslo_rpc_server_ping" {
		t.Errorf("enter on a past call: editing %v, method %q", m.Capturing(), m.OsloForm().Method)
	}
}

func TestOsloCallTimesOut(t *testing.T) {
	bus := drive.Start(t)
	startDemo(t, bus)
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(80, 21)
	m.SetField(rpc.ModeOslo, rpc.OsloExchange, "nova")
	m.SetField(rpc.ModeOslo, rpc.OsloTopic, "compute")
	m.SetField(rpc.ModeOslo, rpc.OsloServer, "nohost")
	m.SetField(rpc.ModeOslo, rpc.OsloMethod, "ping")
	m.SetField(rpc.ModeOslo, rpc.OsloTimeout, "500ms")
	start := time.Now()
	d.Do("ctrl+s")
	e := m.Shown()
	if e == nil || e.Err == nil {
		t.Fatalf("entry %+v", e)
	}
	if !strings.Contains(screen(m), `timed out waiting on reply queue "reply_`) {
		t.Errorf("the timeout does not name the queue:\n%s", screen(m))
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("a 500ms call took %s", time.Since(start))
	}
}

func TestReadOnlyDisablesCalls(t *testing.T) {
	bus := drive.Start(t)
	bus.Refresh(t)
	bus.Common.ReadOnly = true
	m := rpc.New(bus.Common)
	d := drive.New(t, m)
	m.SetSize(80, 21)
	m.SetField(rpc.ModeOslo, rpc.OsloTopic, "compute")
	m.SetField(rpc.ModeOslo, rpc.OsloMethod, "ping")
	m.Esc()
	fl := d.Do("ctrl+s")
	if len(fl) != 1 || !strings.Contains(fl[0].Text, "read-only") || len(m.History()) != 0 {
		t.Fatalf("flashes %v, history %d", fl, len(m.History()))
	}
	if !strings.Contains(screen(m), "read-only: calls and casts are disabled") {
		t.Errorf("the reason is not shown:\n%s", screen(m))
	}
}
