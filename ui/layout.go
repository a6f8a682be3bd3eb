package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// The screen: a header and a title line above the body, a status line
// below.
const (
	headerLines = 2
	footerLines = 1
)

func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	for _, v := range a.live() {
		v.SetSize(a.bodySize())
	}
}

func (a *App) bodySize() (int, int) {
	return max(a.width, 0), max(a.height-headerLines-footerLines, 0)
}

func (a *App) sizeFocus() { a.focus.SetSize(a.bodySize()) }

// render draws the whole screen as text: the header, the title line, the
// focused view's body and the status line.
func (a *App) render() string {
	if a.width <= 0 || a.height <= 0 {
		return ""
	}
	w, h := a.bodySize()
	parts := []string{a.header(), a.titleLine(), common.Lines(a.focus.View(), w, h), a.statusLine()}
	return strings.Join(parts, "\n")
}

// header shows the broker, the vhost, the connection state and the
// version.
func (a *App) header() string {
	st := a.common.Styles
	sep := st.Header.Render(" │ ")
	vhost := "all vhosts"
	if a.common.Vhost != "" {
		vhost = "vhost " + common.Clean(a.common.Vhost)
	}
	version := a.opts.Version
	if a.data.Ready() {
		version = a.data.Snap.Overview.Version()
	}
	if version == "" {
		version = "?"
	}
	brokerText := common.Clean(a.opts.Broker)
	left := st.HeaderTitle.Render(" kaiten") + sep
	right := st.Header.Render(vhost) + sep + a.stateBadge() + sep + st.Header.Render("RabbitMQ "+common.Clean(version)+" ")
	room := a.width - lipgloss.Width(left) - lipgloss.Width(right) - lipgloss.Width(sep)
	if room < common.Width(brokerText) {
		// Narrow: the broker's address matters more than the words around.
		right = st.Header.Render(vhost) + sep + a.stateBadge() + sep + st.Header.Render(common.Clean(version)+" ")
		room = a.width - lipgloss.Width(left) - lipgloss.Width(right) - lipgloss.Width(sep)
	}
	line := left + st.HeaderKey.Render(common.Fit(brokerText, max(room, 0), false)) + sep + right
	return st.Header.Render(common.Fit(line, a.width, false))
}

// stateBadge is the connection state in a word, coloured.
func (a *App) stateBadge() string {
	st := a.common.Styles
	tone := styles.OK
	switch a.status.State {
	case broker.StateDegraded, broker.StateReconnecting, broker.StateConnecting:
		tone = styles.Warn
	case broker.StateClosed:
		tone = styles.Error
	}
	if a.status.State == broker.StateConnected && a.status.ReadOnly {
		tone = styles.Warn
	}
	return st.Tone(tone).Inherit(st.Header).Render("● " + a.status.Label())
}

// titleLine names the view, with counts, the filter and the history depth.
func (a *App) titleLine() string {
	st := a.common.Styles
	left := st.Title.Render(" " + a.focus.Title())
	if c, ok := a.focus.(common.Counter); ok {
		shown, total := c.Count()
		if shown == total {
			left += st.TitleCount.Render(fmt.Sprintf(" [%d]", total))
		} else {
			left += st.TitleCount.Render(fmt.Sprintf(" [%d of %d]", shown, total))
		}
	}
	if f, ok := a.focus.(common.Filterable); ok && f.Filter() != "" && a.mode != modeFilter {
		left += st.Prompt.Render("  /") + st.Input.Render(common.Clean(f.Filter()))
	}
	right := ""
	if n := len(a.history); n > 0 {
		right = st.Hint.Render(fmt.Sprintf("esc back (%d) ", n))
	}
	room := a.width - lipgloss.Width(right)
	return common.Fit(left, max(room, 0), false) + right
}

// statusLine is the prompt in : and / modes, else the flash message, the
// last refresh error, or the short help.
func (a *App) statusLine() string {
	st := a.common.Styles
	var line string
	switch {
	case a.mode == modeCommand:
		line = st.Prompt.Render(":") + a.prompt.View(max(a.width/2, 10), st.Input, st.Cursor, true)
		if cs := a.completions(a.prompt.Value()); len(cs) > 0 && a.prompt.Value() != "" {
			line += "  " + st.Hint.Render(strings.Join(cs, "  "))
		}
	case a.mode == modeFilter:
		line = st.Prompt.Render("/") + a.prompt.View(max(a.width/2, 10), st.Input, st.Cursor, true) +
			"  " + st.Hint.Render("enter keeps the filter · esc clears it")
	case a.flash.Text != "":
		style := st.StatusOK
		if a.flash.Level == common.LevelError {
			style = st.StatusError
		}
		line = style.Render(" " + a.flash.Text)
	case a.data.Err != nil:
		line = st.StatusError.Render(" refresh failed: " + common.Clean(a.data.Err.Error()))
	case a.status.State == broker.StateDegraded || a.status.State == broker.StateReconnecting:
		line = st.StatusError.Render(" " + common.Clean(a.status.String()))
	default:
		line = a.shortHelp()
	}
	return common.Fit(line, a.width, false)
}

// shortHelp lists the focused view's keys and the global ones.
func (a *App) shortHelp() string {
	st := a.common.Styles
	bs := append(a.focus.ShortHelp(), a.keys.Command, a.keys.Filter, a.keys.Help)
	if _, ok := a.focus.(common.Filterable); !ok {
		bs = append(a.focus.ShortHelp(), a.keys.Command, a.keys.Help)
	}
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if b.Enabled() {
			parts = append(parts, helpItem(st, b))
		}
	}
	return " " + strings.Join(parts, st.Hint.Render(" · "))
}

func helpItem(st *styles.Styles, b key.Binding) string {
	return st.HelpKey.Render(b.Help().Key) + " " + st.Hint.Render(b.Help().Desc)
}
