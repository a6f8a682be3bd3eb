package themes

import (
	"slices"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestEveryThemeSetsEveryToken(t *testing.T) {
	for _, name := range Names() {
		th, ok := Get(name)
		if !ok {
			t.Fatalf("Get(%q) failed", name)
		}
		for tok, c := range th.Tokens() {
			if c == nil {
				t.Errorf("theme %s: token %s is not set", name, tok)
			}
		}
	}
}

func TestNamesAndLookup(t *testing.T) {
	want := []string{"dark", "light", "high-contrast", "ansi16"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	if Names()[0] != Default {
		t.Errorf("the default theme %q is not listed first", Default)
	}
	if th, ok := Get("LIGHT"); !ok || th.Dark {
		t.Errorf("Get(LIGHT) = %v %v, want the light theme", th.Name, ok)
	}
	if _, msg := Lookup("solarized"); msg != `no theme "solarized"; the themes are dark, light, high-contrast, ansi16` {
		t.Errorf("Lookup message = %q", msg)
	}
	if ForBackground(false).Name != "light" || ForBackground(true).Name != "dark" {
		t.Error("ForBackground picks the wrong theme")
	}
	if len(TokenNames()) != 20 {
		t.Errorf("want 20 tokens, got %d", len(TokenNames()))
	}
}

// TestANSI16UsesOnlyBasicColours checks the promise of the ansi16 theme:
// the terminal's palette decides every colour.
func TestANSI16UsesOnlyBasicColours(t *testing.T) {
	for tok, c := range ANSI16().Tokens() {
		if _, ok := c.(ansi.BasicColor); !ok {
			t.Errorf("ansi16 token %s is %T, not one of the 16 ANSI colours", tok, c)
		}
	}
}
