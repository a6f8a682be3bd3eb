package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThemeCommandFindsUserThemes checks :theme with a user theme file:
// completion lists it, :theme NAME applies it, and a bad file's error
// names the file and the line.
func TestThemeCommandFindsUserThemes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sunset.yaml"), []byte("base: light\naccent: \"#ff8800\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "smudge.yaml")
	if err := os.WriteFile(bad, []byte("accent: \"#ff8800\"\nqeue: \"#000\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, 100, 30, Options{ThemeDir: dir})
	do(a, ":", "theme s")
	if got := a.completions(a.prompt.Value()); strings.Join(got, ",") != "theme smudge,theme sunset" {
		t.Errorf("completions of :theme s = %v", got)
	}
	do(a, "u", "tab")
	if a.prompt.Value() != "theme sunset" {
		t.Errorf("tab completed to %q", a.prompt.Value())
	}
	do(a, "enter")
	if th := a.common.Styles.Theme; th.Name != "sunset" || th.Dark || th.Accent == nil {
		t.Errorf("theme %q dark %v after :theme sunset", th.Name, th.Dark)
	}
	do(a, ":", "theme smudge", "enter")
	if got := screen(a); !strings.Contains(got, "smudge.yaml:2: unknown token") {
		t.Errorf("bad theme file error not shown:\n%s", got)
	}
	if a.common.Styles.Theme.Name != "sunset" {
		t.Errorf("a bad file changed the theme to %s", a.common.Styles.Theme.Name)
	}
	if _, err := New(Options{Backend: &fakeBackend{}, Theme: "smudge", ThemeDir: dir}); err == nil || !strings.HasPrefix(err.Error(), bad+":2:") {
		t.Errorf("New with a bad theme file: %v", err)
	}
}
