// Package themes holds kaiten's colour themes: each a set of colours named
// for what they mean (accent, warn, exchange, matched…), never for what
// they look like, so that the UI asks for "the colour of a queue" and a
// theme decides which colour that is.
package themes

import (
	"image/color"
	"slices"
	"strings"
)

// Theme is a palette of semantic colour tokens. The UI builds all its
// styles from these and names no colour of its own.
type Theme struct {
	// Name is how :theme and --theme call the theme.
	Name string
	// Dark says the theme is made for a dark terminal background.
	Dark bool

	Text   color.Color // ordinary text
	Muted  color.Color // secondary text: units, hints, near-misses' details
	Accent color.Color // the focus of the screen: titles, the prompt
	Border color.Color // rules and separators

	BarText       color.Color // header and status bar text
	BarBackground color.Color // header and status bar background
	SelectionText color.Color // the selected row's text
	Selection     color.Color // the selected row's background
	Highlight     color.Color // letters a filter matched

	OK    color.Color // healthy: running, connected, delivered
	Warn  color.Color // attention: flow, reconnecting, alternate paths
	Error color.Color // failure: down, unroutable, refused

	Exchange   color.Color // exchange names
	Queue      color.Color // queue names
	Binding    color.Color // binding keys and arguments
	Matched    color.Color // a binding that matched in a trace
	Unmatched  color.Color // a binding that did not match
	DeadLetter color.Color // dead-letter edges and branches
	Alternate  color.Color // alternate-exchange edges
	Spark      color.Color // sparklines
}

// Default is the theme used when none is chosen.
const Default = "dark"

var builtins = []func() Theme{Dark, Light, HighContrast, ANSI16}

// Names lists the built-in themes, the default first.
func Names() []string {
	names := make([]string, len(builtins))
	for i, t := range builtins {
		names[i] = t().Name
	}
	return names
}

// Get returns the built-in theme with the name, ignoring case.
func Get(name string) (Theme, bool) {
	for _, t := range builtins {
		if th := t(); strings.EqualFold(th.Name, name) {
			return th, true
		}
	}
	return Theme{}, false
}

// Lookup returns the theme with the name, or an error text that lists the
// themes there are.
func Lookup(name string) (Theme, string) {
	if t, ok := Get(name); ok {
		return t, ""
	}
	return Theme{}, "no theme " + quote(name) + "; the themes are " + strings.Join(Names(), ", ")
}

// ForBackground returns the default theme for a terminal background: dark,
// or light on a light background.
func ForBackground(dark bool) Theme {
	if dark {
		return Dark()
	}
	return Light()
}

// Tokens returns the theme's colours by token name, in a fixed order, for
// tests and theme listings.
func (t Theme) Tokens() map[string]color.Color {
	out := make(map[string]color.Color, 20)
	for name, c := range t.slots() {
		out[name] = *c
	}
	return out
}

// TokenNames lists the token names Tokens uses, sorted.
func TokenNames() []string {
	names := make([]string, 0, 20)
	for n := range (Theme{}).Tokens() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func quote(s string) string { return `"` + s + `"` }
