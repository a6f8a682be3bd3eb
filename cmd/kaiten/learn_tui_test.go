package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/learn"
)

// kaitenInTmux runs the built kaiten with args in tmux, with no broker
// configured and a config directory of its own, which it returns.
func kaitenInTmux(t *testing.T, args string) (*tmuxSession, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short")
	}
	_, err := exec.LookPath("tmux")
	needOrSkip(t, err == nil, "tmux is not installed (apt-get install tmux)")
	bin := buildKaiten(t)
	home := t.TempDir()
	s := startTmux(t, bin+" "+args+"; echo kaiten exited $?; sleep 60",
		"KAITEN_URL=", "HOME="+home, "XDG_CONFIG_HOME="+home, "NO_COLOR=")
	return s, home
}

// TestLearnTUISmoke drives the built binary in tmux as a student: type
// `kaiten learn`, open lesson 1, do both tasks with the keys the lesson
// names, see it complete, quit; the progress is saved in the config
// directory.
func TestLearnTUISmoke(t *testing.T) {
	s, home := kaitenInTmux(t, "learn")
	start := time.Now()
	s.waitFor("The bus", 30*time.Second)
	s.keys(false, "Enter")
	s.waitFor("press enter to open the publish form", 20*time.Second)
	s.keys(false, "Enter")
	s.waitFor("publish in vhost learn-the-bus", 10*time.Second)
	s.keys(true, "sushi")
	s.keys(false, "C-s")
	s.waitFor("confirmed", 10*time.Second)
	s.keys(false, "Escape")
	time.Sleep(300 * time.Millisecond) // two escapes at once read as alt+esc
	s.keys(false, "Escape")
	s.waitFor("tasks 1/2", 10*time.Second)
	s.waitFor("press enter to consume from the queue", 10*time.Second)
	s.keys(false, "Enter")
	s.waitFor(" sushi ", 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	s.keys(true, "a")
	s.waitFor("lesson 1 complete!", 10*time.Second)
	s.keys(false, "Escape")
	screen := s.waitFor("★ lesson complete!", 10*time.Second)
	t.Logf("lesson 1 done through the keys in %s:\n%s", time.Since(start).Round(time.Millisecond), screen)
	s.keys(false, "C-c")
	s.waitFor("kaiten exited 0", 15*time.Second)
	dir, err := learn.ConfigDir(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": home, "HOME": home}[k] })
	if err != nil {
		t.Fatal(err)
	}
	p, err := learn.LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Done("the-bus"); !slices.Equal(got, []string{"consume", "publish"}) {
		t.Errorf("progress saved in %s: %v, want both tasks", filepath.Join(dir), got)
	}
}

// TestLearnFromDemo: in plain `kaiten` on the embedded demo broker,
// :learn 1 runs the lesson there, in its vhost, and esc comes back to the
// list and the demo's vhost.
func TestLearnFromDemo(t *testing.T) {
	s, _ := kaitenInTmux(t, "")
	s.waitFor("embedded demo broker", 30*time.Second)
	s.keys(true, ":learn 1")
	s.keys(false, "Enter")
	s.waitFor("tasks 0/2", 20*time.Second)
	s.waitFor("vhost learn-the-bus", 5*time.Second)
	s.keys(true, "S")
	s.waitFor("tasks 1/2", 10*time.Second)
	s.keys(false, "Escape")
	s.waitFor("1/2", 10*time.Second)
	s.waitFor("vhost /", 10*time.Second)
	s.keys(false, "C-c")
	s.waitFor("kaiten exited 0", 15*time.Second)
}
