package tap

import (
	"strings"

	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// bannerHeight is the lines above the list: the picker and its
// candidates while picking, else one line saying what is tapped.
func (m *Model) bannerHeight() int {
	if m.picking {
		return maxCandidates + 2
	}
	return 1
}

// View draws the banner and the list.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var banner []string
	if m.picking {
		banner = m.pickerLines()
	} else {
		banner = []string{m.stateLine()}
	}
	return common.Lines(strings.Join(banner, "\n")+"\n"+m.list.View(), m.w, m.h)
}

// stateLine says what the tap is doing.
func (m *Model) stateLine() string {
	st := m.c.Styles
	x := st.Tone(styles.Exchange).Render(common.Name(m.exchange))
	vh := " in vhost " + common.Clean(m.vhost)
	switch ended, err := m.list.Ended(); {
	case m.c.Actions == nil:
		return st.StatusError.Render(" cannot tap here: this backend has no broker session to tap with")
	case m.elsewhere != "":
		return st.StatusError.Render(" cannot tap " + common.Name(m.exchange) + " of vhost " + common.Clean(m.elsewhere) +
			": the session is on vhost " + common.Clean(m.vhost) + " (start kaiten with --vhost " + common.Clean(m.elsewhere) + ")")
	case err != nil:
		return st.StatusError.Render(" ✗ the tap of "+common.Name(m.exchange)+" ended: ") + st.Tone(styles.Error).Render(common.CleanN(err.Error(), common.MaxDetail))
	case ended:
		return st.Hint.Render(" the tap of " + common.Name(m.exchange) + " ended")
	case m.list.Starting():
		return st.Hint.Render(" ◌ starting a tap on exchange ") + x + st.Hint.Render(vh+"…")
	}
	return st.Tone(styles.OK).Render(" ● tapping") + " exchange " + x + st.Hint.Render(vh+" · a private queue copies what it routes; nothing is taken from anyone")
}

// pickerLines are the exchange prompt and its candidates.
func (m *Model) pickerLines() []string {
	st := m.c.Styles
	label := " tap which exchange? "
	out := []string{st.Prompt.Render(label) + m.pick.View(max(m.w-common.Width(label)-1, 1), st.Input, st.Cursor, true)}
	switch {
	case !m.c.Data.Ready():
		out = append(out, st.Hint.Render("   type its name; the list of exchanges comes with the first snapshot"))
	case len(m.cands) == 0:
		out = append(out, st.Hint.Render("   no exchange of vhost "+common.Clean(m.vhost)+" matches (the default exchange is tapped through the firehose)"))
	}
	for i, name := range m.cands {
		line := "   " + common.Name(name)
		if i == m.candSel {
			line = st.Selected.Render(common.Fit(" ▸ "+common.Name(name), min(m.w, 60), false))
		}
		out = append(out, line)
	}
	for len(out) < maxCandidates+1 {
		out = append(out, "")
	}
	out = append(out, st.Rule.Render(strings.Repeat("─", max(m.w, 0))))
	return out
}
