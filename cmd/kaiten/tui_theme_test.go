package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThemeFlagFindsUserThemes checks that --theme finds a theme file in
// $XDG_CONFIG_HOME/kaiten/themes and reports a bad one by file and line.
func TestThemeFlagFindsUserThemes(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	dir := filepath.Join(cfg, "kaiten", "themes")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("sunset", "base: light\naccent: \"#ff8800\"\n")
	if f, err := parseTUIFlags([]string{"--theme", "sunset"}, io.Discard); err != nil || f.theme != "sunset" {
		t.Fatalf("--theme sunset: %v", err)
	}
	bad := write("broken", "accent: \"#ff8800\"\nqueue: blue\n")
	_, err := parseTUIFlags([]string{"--theme", "broken"}, io.Discard)
	if err == nil || !strings.HasPrefix(err.Error(), bad+":2: queue: \"blue\" is not a colour") {
		t.Errorf("--theme broken: %v", err)
	}
	if _, err := parseTUIFlags([]string{"--theme", "nope"}, io.Discard); err == nil || !strings.Contains(err.Error(), "ansi16, broken, sunset") {
		t.Errorf("--theme nope: %v", err)
	}
}

func TestNoColor(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1": true, "0": true, "yes": true} {
		if got := noColor(func(k string) string { return map[string]string{"NO_COLOR": v}[k] }); got != want {
			t.Errorf("NO_COLOR=%q: noColor %v, want %v", v, got, want)
		}
	}
}
