package detail

import (
	"fmt"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// lines builds a detail page line by line.
type lines struct {
	st  *styles.Styles
	out []string
}

// field adds "label  value"; the value is styled already.
func (l *lines) field(label, value string) {
	l.out = append(l.out, l.st.Label.Render(fmt.Sprintf(" %-13s", label))+value)
}

// text adds a field whose value is plain text of a tone.
func (l *lines) text(label, value string, tone styles.Tone) {
	if value == "" {
		value, tone = "—", styles.Muted
	}
	l.field(label, l.st.Tone(tone).Render(value))
}

// section starts a titled block after a blank line.
func (l *lines) section(title string, n int) {
	l.out = append(l.out, "", l.st.Title.Render(" "+title)+l.st.TitleCount.Render(fmt.Sprintf(" (%d)", n)))
}

// item adds an indented line.
func (l *lines) item(s string) { l.out = append(l.out, "   "+s) }

// none adds an indented "none".
func (l *lines) none(what string) { l.item(l.st.Hint.Render("no " + what)) }

// table adds an arguments or definition table, one key a line.
func (l *lines) table(title string, t model.Table) {
	l.section(title, len(t))
	if len(t) == 0 {
		l.none(title)
		return
	}
	width := 0
	for k := range t {
		width = max(width, common.Width(common.Clean(k)))
	}
	width = min(width, 40)
	for _, k := range t.Keys() {
		l.item(l.st.Tone(styles.Binding).Render(common.Fit(common.Clean(k), width, false)) + "  " +
			common.CleanN(t[k].Literal(), common.MaxDetail))
	}
}

// q quotes a broker string for a detail line.
func q(s string) string { return `"` + common.CleanN(s, common.MaxDetail) + `"` }
