package themes

import (
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"go.yaml.in/yaml/v3"
)

// A user theme is a YAML file NAME.yaml in the themes directory, next to
// kaiten's config file. It maps token names (those of Tokens) to colours,
// starting from a built-in theme:
//
//	base: dark            # the theme the file changes; default dark
//	dark: true            # made for a dark background; default the base's
//	accent: "#ff8800"     # #rgb or #rrggbb
//	muted: 8              # or an ANSI colour number, 0-255
//
// A user theme with a built-in theme's name replaces it.

// Ext is a user theme file's extension.
const Ext = ".yaml"

// UserDir returns the directory of user themes: $XDG_CONFIG_HOME/kaiten/
// themes, else ~/.config/kaiten/themes, as the config file is found (see
// broker.ConfigPath). getenv is os.Getenv but for tests; "" means none
// can be found.
func UserDir(getenv func(string) string) string {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "kaiten", "themes")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "kaiten", "themes")
	}
	return ""
}

// Catalog is the themes there are: the built-in ones and the files of a
// user theme directory. The zero Catalog has the built-in ones only.
type Catalog struct {
	// Dir is the user theme directory; "" for none.
	Dir string
}

// Names lists the built-in themes, the default first, then the user
// themes of the directory, sorted; a name is listed once.
func (c Catalog) Names() []string {
	names := Names()
	if c.Dir == "" {
		return names
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return names
	}
	var user []string
	for _, e := range entries {
		n, ok := strings.CutSuffix(e.Name(), Ext)
		if ok && n != "" && !e.IsDir() && !slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(s, n) }) {
			user = append(user, n)
		}
	}
	slices.Sort(user)
	return append(names, user...)
}

// Lookup returns the theme with the name: the user file NAME.yaml when
// there is one, else the built-in theme. The error of a bad file names
// the file and the line; an unknown name lists the themes there are.
func (c Catalog) Lookup(name string) (Theme, error) {
	if c.Dir != "" && validName(name) {
		path := filepath.Join(c.Dir, name+Ext)
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			return Parse(path, data)
		case !errors.Is(err, fs.ErrNotExist):
			return Theme{}, fmt.Errorf("theme %s: %w", quote(name), err)
		}
	}
	if t, ok := Get(name); ok {
		return t, nil
	}
	msg := "no theme " + quote(name) + "; the themes are " + strings.Join(c.Names(), ", ")
	if c.Dir != "" {
		msg += " (user themes are " + filepath.Join(c.Dir, "NAME"+Ext) + ")"
	}
	return Theme{}, errors.New(msg)
}

// validName refuses names that would leave the directory.
func validName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`)
}

// Parse reads a user theme file; path names it in errors, which say
// FILE:LINE: what is wrong.
func Parse(path string, data []byte) (Theme, error) {
	name := strings.TrimSuffix(filepath.Base(path), Ext)
	at := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, line, fmt.Sprintf(format, args...))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Theme{}, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return Theme{}, at(1, "the theme is empty; want token: colour lines, like accent: \"#88c0d0\"")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return Theme{}, at(root.Line, "want a mapping of token: colour, like accent: \"#88c0d0\"")
	}
	base, dark := Dark(), (*bool)(nil)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "base":
			t, ok := Get(v.Value)
			if !ok {
				return Theme{}, at(v.Line, "base %s is not a built-in theme; they are %s", quote(v.Value), strings.Join(Names(), ", "))
			}
			base = t
		case "dark":
			var b bool
			if err := v.Decode(&b); err != nil || v.Kind != yaml.ScalarNode {
				return Theme{}, at(v.Line, "dark wants true or false, not %s", quote(v.Value))
			}
			dark = &b
		}
	}
	t := base
	t.Name = name
	if dark != nil {
		t.Dark = *dark
	}
	slots := t.slots()
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if prev, ok := seen[k.Value]; ok {
			return Theme{}, at(k.Line, "%s is set twice (first on line %d)", quote(k.Value), prev)
		}
		seen[k.Value] = k.Line
		if k.Value == "base" || k.Value == "dark" {
			continue
		}
		slot, ok := slots[k.Value]
		if !ok {
			return Theme{}, at(k.Line, "unknown token %s; the tokens are base, dark, %s", quote(k.Value), strings.Join(TokenNames(), ", "))
		}
		c, err := parseColor(v)
		if err != nil {
			return Theme{}, at(v.Line, "%s: %v", k.Value, err)
		}
		*slot = c
	}
	return t, nil
}

// slots returns a pointer to each token's colour.
func (t *Theme) slots() map[string]*color.Color {
	return map[string]*color.Color{
		"text": &t.Text, "muted": &t.Muted, "accent": &t.Accent, "border": &t.Border,
		"bar-text": &t.BarText, "bar-background": &t.BarBackground,
		"selection-text": &t.SelectionText, "selection": &t.Selection, "highlight": &t.Highlight,
		"ok": &t.OK, "warn": &t.Warn, "error": &t.Error,
		"exchange": &t.Exchange, "queue": &t.Queue, "binding": &t.Binding,
		"matched": &t.Matched, "unmatched": &t.Unmatched, "dead-letter": &t.DeadLetter,
		"alternate": &t.Alternate, "spark": &t.Spark,
	}
}

// parseColor reads #rgb, #rrggbb, or an ANSI colour number 0-255.
func parseColor(v *yaml.Node) (color.Color, error) {
	if v.Kind != yaml.ScalarNode || v.Value == "" {
		return nil, errors.New(`want a colour: "#rrggbb", "#rgb" or an ANSI number 0-255 (quote # colours: YAML reads # as a comment)`)
	}
	s := v.Value
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 255 {
			return nil, fmt.Errorf("ANSI colour %d is out of range 0-255", n)
		}
		return lipgloss.Color(s), nil
	}
	if h, ok := strings.CutPrefix(s, "#"); ok && (len(h) == 3 || len(h) == 6) {
		if _, err := strconv.ParseUint(h, 16, 32); err == nil {
			return lipgloss.Color(s), nil
		}
	}
	return nil, fmt.Errorf(`%s is not a colour: want "#rrggbb", "#rgb" or an ANSI number 0-255 (quote # colours: YAML reads # as a comment)`, quote(s))
}

// yamlError turns a YAML syntax error into FILE:LINE: text.
func yamlError(path string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, text, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return fmt.Errorf("%s:%s: %s", path, n, text)
			}
		}
	}
	return fmt.Errorf("%s:1: %s", path, msg)
}
