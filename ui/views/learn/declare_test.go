package learn

import (
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
	"github.com/kaiten-bus/kaiten/ui/views/rpc"
)

// TestDeclareLessonTwo does lesson 2's second task with keys only: the
// next-step line names the declare prompt because `greetings` does not
// exist yet, D declares it through the lesson's session, and then the
// next step is the publish form on the default exchange.
func TestDeclareLessonTwo(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 2)}, 100, 40)
	d.open(2)
	d.Until("tasks shown", wait, d.Shows("tasks 0/2"))
	d.publish("", "hello", "hi there")
	d.Until("task 1 done", wait, d.Shows("tasks 1/2"))
	d.Until("the declare step named", wait, d.Shows("press enter to declare a queue (D)"))
	d.Press("enter")
	if !d.m.Capturing() || d.m.open.prompt.Value() != "" {
		t.Fatalf("enter should open the declare prompt, empty: capturing %v, %q", d.m.Capturing(), d.m.open.prompt.Value())
	}
	d.Until("the prompt drawn", wait, d.Shows("declare ›"))
	d.Press("greetings durable x-max-length=10")
	d.Press("enter")
	d.Until("declared", wait, func() bool { return len(d.Flashes) > 0 })
	if f := d.Flashes[0]; f.Level != common.LevelInfo || !strings.Contains(f.Text, "declared queue greetings (durable) with arguments x-max-length=10") {
		t.Fatalf("flash %+v", f)
	}
	d.Until("the publish step named", wait, d.Shows("press enter to open the publish form (p)"))
	d.Press("enter")
	d.Until("navigated", wait, func() bool { return len(d.Navigations) == 1 })
	nav := d.Navigations[0]
	if nav.Kind != common.KindPublish || nav.Ref != publish.FreshRef("learn-default-exchange", "") {
		t.Fatalf("enter should open the publish form fresh on the default exchange: %+v", nav)
	}
	d.publish("", "greetings", "good morning")
	d.Until("lesson complete", wait, d.Shows("★ lesson complete!"))
	d.Until("the complete flash", wait, func() bool { return len(d.Flashes) == 2 })

	// A bad line is refused in the prompt, and a broker error is said.
	d.Press("D")
	d.Press("x-bad=1")
	d.Press("enter")
	d.Until("refused", wait, func() bool { return len(d.Flashes) > 2 })
	if f := d.Flashes[2]; !strings.Contains(f.Text, "type the queue's name") {
		t.Errorf("flash %+v", f)
	}
	for range 10 {
		d.Press("backspace")
	}
	d.Press("greetings") // declared durable above: not durable now is a mismatch
	d.Press("enter")
	d.Until("a broker error", wait, func() bool { return len(d.Flashes) > 3 })
	if f := d.Flashes[3]; !strings.Contains(f.Text, "cannot declare") {
		t.Errorf("redeclaring with other options: flash %+v", f)
	}
}

// TestRPCLessonOpensPlainCall: in lesson 8, enter opens the RPC console
// on a plain AMQP call to exchange rpc, key calculator — the task's.
func TestRPCLessonOpensPlainCall(t *testing.T) {
	d := newDriver(t, Env{Target: target(t), Lessons: lessonNumbered(t, 8)}, 100, 40)
	d.open(8)
	d.Until("the call step named", wait, d.Shows("press enter to call or cast (r)"))
	d.Until("ctrl+o explained", wait, d.Shows("ctrl+o"))
	d.Press("enter")
	d.Until("navigated", wait, func() bool { return len(d.Navigations) == 1 })
	nav := d.Navigations[0]
	c, ok := nav.Ref.Key.(rpc.AMQPCall)
	if nav.Kind != common.KindRPC || nav.Ref.Type != rpc.ObjAMQPCall || !ok || c != (rpc.AMQPCall{Exchange: "rpc", Key: "calculator"}) {
		t.Fatalf("enter should open a plain AMQP call to rpc/calculator: %+v", nav)
	}
}

// TestNoTargetList: on a broker lessons cannot run on, the list itself
// says so, before any lesson is opened.
func TestNoTargetList(t *testing.T) {
	d := newDriver(t, Env{Lessons: testLessons(t)}, 120, 24)
	d.Run(d.m.Start())
	d.Until("the reason on the list", wait, d.Shows("lessons run on the embedded broker: quit and type kaiten learn"))
}
