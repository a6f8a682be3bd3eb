// Package help is the help screen, built from the key maps of the root
// and of the view it was opened from, and from the command table, so it
// can never disagree with what the keys do.
package help

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/components/scroll"
)

// Section is a titled group of key bindings.
type Section struct {
	Title    string
	Bindings []key.Binding
}

// Command is one : command for the help screen.
type Command struct {
	Names []string // the name, then the aliases
	Arg   string
	Help  string
}

// Model is the help screen.
type Model struct {
	c        *common.Common
	sections []Section
	commands []Command
	scroll   scroll.Model
	w, h     int
}

// New returns the help screen.
func New(c *common.Common, sections []Section, commands []Command) *Model {
	m := &Model{c: c, sections: sections, commands: commands, scroll: scroll.New()}
	return m
}

// Kind returns KindHelp.
func (m *Model) Kind() common.Kind { return common.KindHelp }

// Title names the view.
func (m *Model) Title() string { return "help" }

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.scroll.SetSize(w, h)
	m.scroll.SetLines(m.lines())
}

// Lines renders the help text: each section's keys, then the commands.
// A key or command is drawn whole, a gap after it, and its description
// truncated to what is left of the width.
func (m *Model) lines() []string {
	st := m.c.Styles
	var out []string
	for _, s := range m.sections {
		var rows []string
		for _, b := range s.Bindings {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			rows = append(rows, m.entry(b.Help().Key, b.Help().Desc, 14))
		}
		if len(rows) == 0 {
			continue
		}
		out = append(out, st.Title.Render(" "+s.Title))
		out = append(out, rows...)
		out = append(out, "")
	}
	out = append(out, st.Title.Render(" commands")+st.Label.Render("  (type : then the command; tab completes)"))
	for _, c := range m.commands {
		name := ":" + strings.Join(c.Names, ", :")
		if c.Arg != "" {
			name += " " + c.Arg
		}
		out = append(out, m.entry(name, c.Help, 28))
	}
	return out
}

// entry draws a key or command in a column of col cells, wider when it
// needs, and its description after a gap of at least two, cut to the
// width.
func (m *Model) entry(name, desc string, col int) string {
	const indent, gap = 3, 2
	st := m.c.Styles
	nw := max(col, common.Width(name)+gap)
	if m.w > 0 {
		nw = min(nw, max(m.w-indent-gap-8, col)) // leave a description some room
	}
	name = common.Fit(name, nw-gap, false) + strings.Repeat(" ", gap)
	if m.w > 0 {
		desc = common.Truncate(desc, max(m.w-indent-nw, 0))
	}
	return strings.Repeat(" ", indent) + st.HelpKey.Render(name) + st.Help.Render(desc)
}

// Update scrolls, and redraws when the theme may have changed.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(common.RefreshMsg); ok {
		m.scroll.SetLines(m.lines())
		return nil
	}
	m.scroll, _ = m.scroll.Update(msg)
	return nil
}

// View draws the help.
func (m *Model) View() string { return m.scroll.View() }

// ShortHelp returns the scrolling keys.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp returns the scrolling keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.scroll.Keys.Bindings()} }
