package main

import (
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// needOrSkip skips a test whose requirement is missing, except in CI
// (CI=true), where a missing requirement fails it.
func needOrSkip(t *testing.T, ok bool, why string) {
	t.Helper()
	if !ok {
		testenv.Missing(t, "%s", why)
	}
}

// tmuxSession runs a command in a detached tmux session of a fixed size
// and reads its screen.
type tmuxSession struct {
	t    *testing.T
	name string
	sock string
}

func startTmux(t *testing.T, cmd string, env ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: "kaiten-smoke", sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", s.sock, "new-session", "-d", "-s", s.name, "-x", "120", "-y", "40"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, cmd)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s *tmuxSession) capture() string {
	out, err := exec.Command("tmux", "-S", s.sock, "capture-pane", "-p", "-t", s.name).CombinedOutput()
	if err != nil {
		return "(capture-pane failed: " + err.Error() + ": " + string(out) + ")"
	}
	return string(out)
}

// keys sends tmux key names (Enter, Escape, C-c) or, with literal, text.
func (s *tmuxSession) keys(literal bool, keys ...string) {
	args := []string{"-S", s.sock, "send-keys", "-t", s.name}
	if literal {
		args = append(args, "-l")
	}
	if out, err := exec.Command("tmux", append(args, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys %v: %v: %s", keys, err, out)
	}
}

// waitFor polls the screen until it holds want.
func (s *tmuxSession) waitFor(want string, timeout time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	var screen string
	for time.Now().Before(deadline) {
		if screen = s.capture(); strings.Contains(screen, want) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, screen)
	return ""
}

// buildKaiten builds the kaiten binary into a temporary directory.
func buildKaiten(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kaiten")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/kaiten-bus/kaiten/cmd/kaiten").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		_ = c.Close()
	}
	return err == nil
}

// TestTUISmokeRabbitMQ drives the built binary in tmux against the real
// RabbitMQ: the header, the exchanges list with amq.topic, and :q.
func TestTUISmokeRabbitMQ(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	_, err := exec.LookPath("tmux")
	needOrSkip(t, err == nil, "tmux is not installed (apt-get install tmux)")
	needOrSkip(t, reachable("127.0.0.1:5672") && reachable("127.0.0.1:15672"), "no RabbitMQ with the management plugin at 127.0.0.1:5672 and :15672")
	bin := buildKaiten(t)
	s := startTmux(t, bin+" --url amqp://guest:guest@127.0.0.1:5672/ --theme ansi16; echo kaiten exited $?; sleep 60",
		"KAITEN_URL=", "NO_COLOR=")
	screen := s.waitFor("● connected", 30*time.Second)
	if strings.Contains(screen, "guest:guest") {
		t.Errorf("the header shows the password:\n%s", screen)
	}
	s.waitFor("amqp://guest@127.0.0.1:5672/", 5*time.Second)
	s.waitFor("RabbitMQ 3.", 10*time.Second)
	s.keys(true, ":ex")
	s.keys(false, "Enter")
	s.waitFor("amq.topic", 15*time.Second)
	screen = s.waitFor("exchanges [", 5*time.Second)
	t.Logf("exchanges on RabbitMQ:\n%s", screen)
	s.keys(true, ":q")
	s.keys(false, "Enter")
	s.waitFor("kaiten exited 0", 10*time.Second)
}

// startEmbeddedTUI runs the built binary with args and no broker
// configured, in tmux, with a config directory of its own, and waits for
// the embedded demo broker's header.
func startEmbeddedTUI(t *testing.T, args string) *tmuxSession {
	t.Helper()
	if testing.Short() {
		t.Skip("-short")
	}
	_, err := exec.LookPath("tmux")
	needOrSkip(t, err == nil, "tmux is not installed (apt-get install tmux)")
	bin := buildKaiten(t)
	home := t.TempDir()
	s := startTmux(t, bin+args+"; echo kaiten exited $?; sleep 60",
		"KAITEN_URL=", "HOME="+home, "XDG_CONFIG_HOME="+home)
	s.waitFor("embedded demo broker", 30*time.Second)
	return s
}

// TestTUISmokeEmbeddedDemo drives the built binary with no broker
// configured: it opens on the embedded demo broker and says so.
func TestTUISmokeEmbeddedDemo(t *testing.T) {
	s := startEmbeddedTUI(t, "")
	s.waitFor("● connected", 10*time.Second)
	s.keys(true, ":topology")
	s.keys(false, "Enter")
	s.waitFor("⬢", 15*time.Second)
	s.keys(false, "C-c")
	s.waitFor("kaiten exited 0", 10*time.Second)
}

// TestTUISmokeEmbeddedReadOnly: --read-only holds on the embedded demo
// broker too: the header says so and publishing is refused.
func TestTUISmokeEmbeddedReadOnly(t *testing.T) {
	s := startEmbeddedTUI(t, " --read-only")
	s.waitFor("● read-only", 10*time.Second)
	s.keys(true, ":publish ingress")
	s.keys(false, "Enter")
	s.keys(false, "C-s")
	s.waitFor("publishing is disabled", 10*time.Second)
	s.keys(false, "C-c")
	s.waitFor("kaiten exited 0", 10*time.Second)
}
