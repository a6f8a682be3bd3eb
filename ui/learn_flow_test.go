package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/livebus"
)

// TestLearnFlow walks lesson 1 end to end as a student would, on the
// embedded broker, from `kaiten learn`'s list: open the lesson, press
// enter for the publish form on the lesson's exchange, type the key,
// publish, come back and see the task done and the message's route;
// press enter for the consume view on the lesson's queue in ack mode,
// ack the message, come back and see the lesson complete, and the list
// then shows it done.
func TestLearnFlow(t *testing.T) {
	bus := livebus.Start(t)
	target := LearnOptions{}
	target.Target.URL, target.Target.APIURL = bus.URL, bus.Session.Endpoints().API.URL
	target.ConfigDir = t.TempDir()
	a, err := New(Options{
		Backend: bus.Session, Broker: "embedded broker", Theme: "dark", Vhost: "/", Refresh: time.Second,
		Start: common.KindLearn, Learn: target,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p := &screenProbe{seen: make(chan struct{}, 1)}
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(100, 40), teatest.WithProgramOptions(tea.WithFilter(p.filter)))

	p.waitFor(t, tm, "The bus")
	tm.Send(enter())
	p.waitFor(t, tm, "tasks 0/2")
	p.waitFor(t, tm, "vhost learn-the-bus")
	p.waitFor(t, tm, "press enter to open the publish form")
	tm.Send(enter())
	p.waitFor(t, tm, "publish in vhost learn-the-bus")
	tm.Type("sushi")
	tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	p.waitFor(t, tm, "confirmed")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.waitFor(t, tm, "tasks 1/2")
	p.waitFor(t, tm, "✓ delivered to 1 queue: kitchen")
	p.waitFor(t, tm, "press enter to consume from the queue")
	tm.Send(enter())
	p.waitFor(t, tm, "consume queue kitchen (ack)")
	p.waitFor(t, tm, " sushi ")
	tm.Type("a")
	p.waitFor(t, tm, "★ lesson 1 complete!") // the flash, seen from the consume view
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.waitFor(t, tm, "tasks 2/2")
	p.waitFor(t, tm, "★ lesson complete!")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.waitFor(t, tm, "✓ 2/2")
	p.waitFor(t, tm, "vhost /")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
