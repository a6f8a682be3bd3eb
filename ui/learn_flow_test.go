package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
)

// TestLearnFlow walks lesson 1 end to end as a student would, on the
// embedded broker, from `kaiten learn`'s list: open the lesson, press
// enter for the publish form on the lesson's exchange, type the key,
// publish, come back and see the task done and the message's route;
// press enter for the consume view on the lesson's queue in ack mode,
// ack the message, come back and see the lesson complete, and the list
// then shows it done.
func TestLearnFlow(t *testing.T) {
	bus := drive.Start(t)
	target := LearnOptions{}
	target.Target.URL, target.Target.APIURL = bus.URL, bus.APIURL
	target.ConfigDir = t.TempDir()
	a, err := New(Options{
		Backend: bus.Session, Broker: "embedded broker", Theme: "dark", Vhost: "/", Refresh: time.Second,
		Start: common.KindLearn, Learn: target,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tm, f := runApp(t, a, 100, 40)

	waitScreen(t, f, "The bus")
	tm.Send(enter())
	waitScreen(t, f, "tasks 0/2")
	waitScreen(t, f, "vhost learn-the-bus")
	waitScreen(t, f, "press enter to open the publish form")
	tm.Send(enter())
	waitScreen(t, f, "publish in vhost learn-the-bus")
	tm.Type("sushi")
	tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	waitScreen(t, f, "confirmed")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitScreen(t, f, "tasks 1/2")
	waitScreen(t, f, "✓ delivered to 1 queue: kitchen")
	waitScreen(t, f, "press enter to consume from the queue")
	tm.Send(enter())
	waitScreen(t, f, "consume queue kitchen (ack)")
	waitScreen(t, f, " sushi ")
	tm.Type("a")
	waitScreen(t, f, "★ lesson 1 complete!") // the flash, seen from the consume view
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitScreen(t, f, "tasks 2/2")
	waitScreen(t, f, "★ lesson complete!")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitScreen(t, f, "✓ 2/2")
	waitScreen(t, f, "vhost /")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
