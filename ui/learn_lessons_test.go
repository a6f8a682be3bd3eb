package ui

import (
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
	"github.com/kaiten-bus/kaiten/ui/views/publish"
)

// learnApp is the UI started on the lesson list, on an embedded broker.
func learnApp(t *testing.T) (*App, *teatest.TestModel, *screenFeed) {
	t.Helper()
	bus := drive.Start(t)
	opts := LearnOptions{}
	opts.Target.URL, opts.Target.APIURL = bus.URL, bus.APIURL
	opts.ConfigDir = t.TempDir()
	a, err := New(Options{
		Backend: bus.Session, Broker: "embedded broker", Theme: "dark", Vhost: "/", Refresh: time.Second,
		Start: common.KindLearn, Learn: opts,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	tm, f := runApp(t, a, 100, 40)
	return a, tm, f
}

func esc() tea.Msg   { return tea.KeyPressMsg{Code: tea.KeyEscape} }
func ctrlS() tea.Msg { return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl} }

// TestLearnFormClearsBetweenLessons: the publish form filled in lesson 1
// (key sushi) opens in lesson 2, on the default exchange, with an empty
// key — lesson 1's answer is not lesson 2's.
func TestLearnFormClearsBetweenLessons(t *testing.T) {
	a, tm, f := learnApp(t)
	waitScreen(t, f, "The bus")
	tm.Send(enter())
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-the-bus")
	tm.Type("sushi")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/2")
	tm.Send(esc()) // the list
	waitScreen(t, f, "vhost /")
	tm.Type("j")
	tm.Send(enter())
	waitScreen(t, f, "vhost learn-default-exchange")
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-default-exchange")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	p, ok := a.views[common.KindPublish].(*publish.Model)
	if !ok {
		t.Fatal("no publish form")
	}
	if form := p.Form(); form.Exchange != "" || form.RoutingKey != "" {
		t.Errorf("lesson 2's publish form: exchange %q key %q, want both empty (the default exchange, no key yet)", form.Exchange, form.RoutingKey)
	}
}

// TestLearnLessonTwoByKeys does lesson 2 with keys only: publish by
// name, then D declares greetings, and the publish form sends to it.
func TestLearnLessonTwoByKeys(t *testing.T) {
	a, tm, f := learnApp(t)
	waitScreen(t, f, "The bus")
	tm.Type("j")
	tm.Send(enter())
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-default-exchange")
	tm.Type("hello")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/2")
	waitScreen(t, f, "press enter to declare a queue (D)")
	tm.Send(enter())
	waitScreen(t, f, "declare ›")
	tm.Type("greetings")
	tm.Send(enter())
	waitScreen(t, f, "declared queue greetings")
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-default-exchange")
	// The lesson opens the form fresh for the task, though on the same
	// exchange as before: "greetings" is typed into an empty key, not
	// after "hello".
	tm.Type("greetings")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "★ lesson complete!")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	p, ok := a.views[common.KindPublish].(*publish.Model)
	if !ok {
		t.Fatal("no publish form")
	}
	if key := p.Form().RoutingKey; key != "greetings" {
		t.Errorf("the second task's key is %q, want greetings (typed into an empty key, not after hello)", key)
	}
}

// TestLearnLessonEightByKeys does lesson 8's call with the real RPC
// console: enter opens it in plain AMQP mode on rpc/calculator, the
// student types a sum, ctrl+s calls, and the calculator's honest answer
// comes back.
func TestLearnLessonEightByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	waitScreen(t, f, "The bus")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn 8")
	tm.Send(enter())
	waitScreen(t, f, "press enter to call or cast")
	tm.Send(enter())
	waitScreen(t, f, "calculator")
	tm.Type("2+3")
	tm.Send(ctrlS())
	waitScreen(t, f, "2+3 = 5")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/2")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// openLesson opens lesson n from the list with :learn n.
func openLesson(tm *teatest.TestModel, f *screenFeed, t *testing.T, n int) {
	t.Helper()
	waitScreen(t, f, "The bus")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn " + strconv.Itoa(n))
	tm.Send(enter())
}

// TestLearnLessonFourByKeys: lesson 4's bind prompt names only the
// source; the student types the queue and the binding subscribes it;
// then the publish form on news reaches all three readers.
func TestLearnLessonFourByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	openLesson(tm, f, t, 4)
	waitScreen(t, f, "press enter to add a binding (B)")
	tm.Send(enter())
	waitScreen(t, f, "bind › news")
	tm.Type("reader.c")
	tm.Send(enter())
	waitScreen(t, f, "tasks 1/2")
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-fanout")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "★ lesson complete!")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLearnLessonSixByKeys: lesson 6's first puzzle in the publish form
// on logs.
func TestLearnLessonSixByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	openLesson(tm, f, t, 6)
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-topic-routing")
	tm.Type("eu.paris")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/3")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLearnLessonElevenByKeys: lesson 11's reject task: enter opens the
// publish form on the default exchange, the student sends to work; enter
// then opens the consumer on work in ack mode, x rejects, and the
// message is dead-lettered.
func TestLearnLessonElevenByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	openLesson(tm, f, t, 11)
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-dead-letters")
	tm.Type("work")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "press enter to consume from the queue")
	tm.Send(enter())
	waitScreen(t, f, "consume queue work (ack)")
	waitScreen(t, f, "(empty)")
	tm.Type("x")
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/2")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLearnFirstTasksByKeys does the first task of lessons 5, 9, 10 and
// 12 with keys only, as the next-step line says: the publish form on the
// task's exchange with the key typed, or the bind prompt with the
// destination and key typed after the source it names.
func TestLearnFirstTasksByKeys(t *testing.T) {
	for _, tc := range []struct {
		n          int
		vhost      string
		step, form string // what the next-step line names, what opens
		typed      string
		done       string
	}{
		{5, "learn-direct-routing", "press enter to open the publish form", "publish in vhost learn-direct-routing", "warning", "tasks 1/2"},
		{9, "learn-notifications", "press enter to add a binding (B)", "bind › nova", "alarms notifications.*", "tasks 1/2"},
		{10, "learn-reliability", "press enter to open the publish form", "publish in vhost learn-reliability", "order", "tasks 1/3"},
		{12, "learn-exchange-to-exchange", "press enter to add a binding (B)", "bind › events", "audit #", "tasks 1/2"},
	} {
		t.Run(strconv.Itoa(tc.n), func(t *testing.T) {
			_, tm, f := learnApp(t)
			openLesson(tm, f, t, tc.n)
			waitScreen(t, f, "vhost "+tc.vhost)
			waitScreen(t, f, tc.step)
			tm.Send(enter())
			waitScreen(t, f, tc.form)
			tm.Type(tc.typed)
			if tc.step == "press enter to add a binding (B)" {
				tm.Send(enter())
			} else {
				tm.Send(ctrlS())
				waitScreen(t, f, "confirmed")
				tm.Send(esc())
				tm.Send(esc())
			}
			waitScreen(t, f, tc.done)
			tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
		})
	}
}

// TestLearnLessonThreeByKeys: two workers on jobs at once, from the
// screen: enter opens a consumer, :learn comes back to the lesson with
// it still running (esc would stop it), enter opens a second.
func TestLearnLessonThreeByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	openLesson(tm, f, t, 3)
	waitScreen(t, f, "press enter to consume from the queue")
	tm.Send(enter())
	waitScreen(t, f, "consume queue jobs (ack)")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn")
	tm.Send(enter())
	waitScreen(t, f, "press enter to consume from the queue")
	tm.Send(enter())
	waitScreen(t, f, "consume queue jobs (ack)")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn")
	tm.Send(enter())
	waitScreen(t, f, "tasks 1/3")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLearnLessonSevenByKeys: lesson 7's first task with the headers
// typed in the publish form, as a JSON object.
func TestLearnLessonSevenByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	openLesson(tm, f, t, 7)
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-headers-routing")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Type(`{"format": "pdf", "type": "report"}`)
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/2")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLearnLessonThreeRedeliveryByKeys does lesson 3's three tasks with
// keys only, as the hints say, and no S: two workers left running with
// :learn; six jobs published with the repeat field, acked in each worker
// (esc in the lesson goes back to a worker left with :learn, esc there
// stops it); then one worker holds a job unacked, esc stops it, and the
// next worker gets the job back redelivered.
func TestLearnLessonThreeRedeliveryByKeys(t *testing.T) {
	_, tm, f := learnApp(t)
	key := func(s string) { tm.Send(drive.Keys(s)[0]) }
	openLesson(tm, f, t, 3)
	// Task 1: two workers, both left running with :learn.
	for range 2 {
		waitScreen(t, f, "press enter to consume from the queue")
		tm.Send(enter())
		waitScreen(t, f, "consume queue jobs (ack)")
		tm.Send(tea.KeyPressMsg{Code: ':'})
		tm.Type("learn")
		tm.Send(enter())
	}
	waitScreen(t, f, "tasks 1/3")
	// Task 2: six jobs to the default exchange, key jobs, repeat 6.
	tm.Type("p")
	waitScreen(t, f, "publish in vhost")
	key("tab")
	tm.Type("jobs")
	key("shift+tab")
	key("shift+tab") // wraps to the repeat field
	tm.Type("6")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 1/3")
	// Each worker got three: esc goes back to it, a acks each, esc
	// stops it and comes back to the lesson.
	for range 2 {
		tm.Send(esc())
		waitScreen(t, f, "consume queue jobs (ack)", "3 unsettled")
		for i := range 3 { // a acks the selected job; up selects the next
			if i > 0 {
				key("up")
			}
			tm.Type("a")
		}
		waitScreen(t, f, "prefetch 100    ") // no "· N unsettled" after it
		tm.Send(esc())
		waitScreen(t, f, "press enter to")
	}
	waitScreen(t, f, "tasks 2/3")
	// Task 3: one worker; back to the lesson with :learn, one job
	// published (repeat 1), esc back to the worker holding it unacked.
	tm.Send(enter())
	waitScreen(t, f, "consume queue jobs (ack)")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn")
	tm.Send(enter())
	waitScreen(t, f, "tasks 2/3")
	tm.Type("p")
	waitScreen(t, f, "publish in vhost")
	tm.Type("i") // edit again, on the repeat field left
	key("backspace")
	tm.Type("1")
	tm.Send(ctrlS())
	waitScreen(t, f, "confirmed")
	tm.Send(esc())
	tm.Send(esc())
	waitScreen(t, f, "tasks 2/3")
	tm.Send(esc())
	waitScreen(t, f, "consume queue jobs (ack)", "1 unsettled")
	tm.Send(esc()) // the worker dies holding the job
	waitScreen(t, f, "tasks 2/3")
	tm.Send(enter())
	waitScreen(t, f, "consume queue jobs (ack)", "↻")
	tm.Send(tea.KeyPressMsg{Code: ':'})
	tm.Type("learn")
	tm.Send(enter())
	waitScreen(t, f, "★ lesson complete!")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
