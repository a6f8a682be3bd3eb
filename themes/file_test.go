package themes

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func writeTheme(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name+Ext)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUserDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/kaiten/themes"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/kaiten/themes"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/kaiten/themes"},
		{map[string]string{}, ""},
	} {
		if got := UserDir(env(tc.env)); got != tc.want {
			t.Errorf("UserDir(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestUserThemeFile(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "sunset", `# a warm theme
base: light
accent: "#ff8800"
queue: "#abc"
muted: 8
`)
	c := Catalog{Dir: dir}
	th, err := c.Lookup("sunset")
	if err != nil {
		t.Fatal(err)
	}
	if th.Name != "sunset" || th.Dark {
		t.Errorf("name %q dark %v; want sunset on the light base", th.Name, th.Dark)
	}
	for tok, want := range map[string]any{
		"accent": lipgloss.Color("#ff8800"), "queue": lipgloss.Color("#abc"), "muted": lipgloss.Color("8"),
		"ok": Light().OK, "exchange": Light().Exchange,
	} {
		if got := th.Tokens()[tok]; got != want {
			t.Errorf("token %s = %v, want %v", tok, got, want)
		}
	}
	if got := c.Names(); !slices.Equal(got, append(Names(), "sunset")) {
		t.Errorf("Names() = %v", got)
	}
	// A file named like a built-in theme replaces it, and is listed once.
	writeTheme(t, dir, "dark", "error: \"#ff0000\"\n")
	if th, err := c.Lookup("dark"); err != nil || th.Error != lipgloss.Color("#ff0000") || th.Accent != Dark().Accent {
		t.Errorf("dark.yaml: %v %v", th.Error, err)
	}
	if got := c.Names(); !slices.Equal(got, append(Names(), "sunset")) {
		t.Errorf("Names() with dark.yaml = %v", got)
	}
	// Built-ins are still found, and unknown names list the user themes.
	if th, err := c.Lookup("ansi16"); err != nil || th.Name != "ansi16" {
		t.Errorf("ansi16: %v", err)
	}
	_, err = c.Lookup("nope")
	if err == nil || !strings.Contains(err.Error(), "dark, light, high-contrast, ansi16, sunset") || !strings.Contains(err.Error(), filepath.Join(dir, "NAME.yaml")) {
		t.Errorf("unknown theme error: %v", err)
	}
	if _, err := c.Lookup("../sunset"); err == nil {
		t.Error("a name with a path is looked up")
	}
	if got := (Catalog{}).Names(); !slices.Equal(got, Names()) {
		t.Errorf("zero catalog names %v", got)
	}
}

func TestBadThemeFileSaysFileAndLine(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"accent: \"#88c0d0\"\nacent: \"#000\"\n", `:2: unknown token "acent"; the tokens are base, dark, accent,`},
		{"text: \"#fff\"\nok: \"#zzzzzz\"\n", `:2: ok: "#zzzzzz" is not a colour`},
		{"ok: #00ff00\n", `:1: ok: want a colour: "#rrggbb", "#rgb" or an ANSI number 0-255 (quote # colours`},
		{"\n\nwarn: 300\n", ":3: warn: ANSI colour 300 is out of range 0-255"},
		{"base: solarized\n", `:1: base "solarized" is not a built-in theme; they are dark, light, high-contrast, ansi16`},
		{"dark: maybe\n", `:1: dark wants true or false, not "maybe"`},
		{"ok: \"#0f0\"\nok: \"#f00\"\n", `:2: "ok" is set twice (first on line 1)`},
		{"accent: \"#fff\"\nqueue: \"#abc\"\n\tok: \"#0f0\"\n", ":3: found character that cannot start any token"},
		{"- accent\n", ":1: want a mapping of token: colour"},
		{"", ":1: the theme is empty"},
	} {
		path := writeTheme(t, dir, "bad", tc.text)
		_, err := Catalog{Dir: dir}.Lookup("bad")
		if err == nil || !strings.HasPrefix(err.Error(), path+":") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("theme %q: error %v, want %s%s", tc.text, err, path, tc.want)
		}
	}
}
