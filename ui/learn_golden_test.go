package ui

import (
	"fmt"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
)

// TestGoldenLearn pins the whole screen of `kaiten learn` (the list) and
// `kaiten learn 1` (the lesson, as it opens) on the embedded broker, at
// 80×24 and 160×48.
func TestGoldenLearn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lesson int
		want   string
	}{{"list", 0, "The default exchange"}, {"lesson", 1, "tasks 0/2"}} {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				bus := drive.Start(t)
				// Copies of the first lessons, so the goldens do not follow
				// every change of the lessons' words.
				lessons, err := learn.LoadFS(os.DirFS("views/learn/testdata/lessons"))
				if err != nil {
					t.Fatal(err)
				}
				opts := LearnOptions{Lessons: lessons}
				opts.Target.URL, opts.Target.APIURL = bus.URL, bus.APIURL
				a, err := New(Options{
					Backend: bus.Session, Broker: "embedded broker for lessons", Version: "3.10.8", Theme: "dark", Vhost: "/",
					Refresh: time.Hour, Start: common.KindLearn, Lesson: tc.lesson, Learn: opts,
				})
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				tm, f := runApp(t, a, size[0], size[1])
				waitScreen(t, f, "● connected", tc.want)
				if tc.lesson > 0 {
					waitScreen(t, f, "showing vhost learn-the-bus")
				}
				time.Sleep(200 * time.Millisecond)
				waitScreen(t, f, tc.want)
				golden.RequireEqual(t, f.last)
				tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
				tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			})
		}
	}
}
