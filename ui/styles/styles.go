// Package styles turns a theme's semantic colour tokens into the one set
// of lipgloss styles the whole UI draws with. Nothing else in ui/ names a
// colour.
package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/kaiten-bus/kaiten/themes"
)

// Tone is what a piece of text means, which decides how it is drawn.
// Row renderers return tones, not styles, so they stay pure.
type Tone uint8

// The tones.
const (
	Normal Tone = iota
	Muted
	Accent
	OK
	Warn
	Error
	Exchange
	Queue
	Binding
	Matched
	Unmatched
	DeadLetter
	Alternate
	Spark
	numTones
)

// Styles is every style the UI uses.
type Styles struct {
	// Theme is the theme the styles were built from.
	Theme themes.Theme
	// NoColor says the styles use attributes only (NO_COLOR).
	NoColor bool

	Header, HeaderKey, HeaderTitle lipgloss.Style
	Title, TitleCount              lipgloss.Style
	Status, StatusError, StatusOK  lipgloss.Style
	Prompt, Input, Cursor, Hint    lipgloss.Style
	TableHeader, TableSorted       lipgloss.Style
	Selected, Highlight            lipgloss.Style
	Rule, Label, Help, HelpKey     lipgloss.Style

	tones [numTones]lipgloss.Style
}

// New builds the styles of a theme. With noColor set the styles use bold,
// faint, underline and reverse only, for NO_COLOR.
func New(t themes.Theme, noColor bool) *Styles {
	if noColor {
		return mono(t)
	}
	s := &Styles{Theme: t}
	plain := lipgloss.NewStyle()
	bar := plain.Foreground(t.BarText).Background(t.BarBackground)
	s.Header = bar
	s.HeaderKey = bar.Foreground(t.Accent).Bold(true)
	s.HeaderTitle = bar.Bold(true)
	s.Title = plain.Foreground(t.Accent).Bold(true)
	s.TitleCount = plain.Foreground(t.Muted)
	s.Status = plain.Foreground(t.Muted)
	s.StatusError = plain.Foreground(t.Error).Bold(true)
	s.StatusOK = plain.Foreground(t.OK)
	s.Prompt = plain.Foreground(t.Accent).Bold(true)
	s.Input = plain.Foreground(t.Text)
	s.Cursor = plain.Reverse(true)
	s.Hint = plain.Foreground(t.Muted)
	s.TableHeader = plain.Foreground(t.Muted).Bold(true)
	s.TableSorted = plain.Foreground(t.Accent).Bold(true)
	s.Selected = plain.Foreground(t.SelectionText).Background(t.Selection)
	s.Highlight = plain.Foreground(t.Highlight).Bold(true).Underline(true)
	s.Rule = plain.Foreground(t.Border)
	s.Label = plain.Foreground(t.Muted)
	s.Help = plain.Foreground(t.Text)
	s.HelpKey = plain.Foreground(t.Accent).Bold(true)
	for tone, c := range map[Tone]color.Color{
		Normal: t.Text, Muted: t.Muted, Accent: t.Accent, OK: t.OK, Warn: t.Warn, Error: t.Error,
		Exchange: t.Exchange, Queue: t.Queue, Binding: t.Binding, Matched: t.Matched,
		Unmatched: t.Unmatched, DeadLetter: t.DeadLetter, Alternate: t.Alternate, Spark: t.Spark,
	} {
		s.tones[tone] = plain.Foreground(c)
	}
	s.tones[Matched] = s.tones[Matched].Bold(true)
	s.tones[Error] = s.tones[Error].Bold(true)
	return s
}

// mono builds the attribute-only styles.
func mono(t themes.Theme) *Styles {
	p := lipgloss.NewStyle()
	s := &Styles{Theme: t, NoColor: true}
	s.Header, s.HeaderKey, s.HeaderTitle = p.Reverse(true), p.Reverse(true).Bold(true), p.Reverse(true).Bold(true)
	s.Title, s.TitleCount = p.Bold(true), p
	s.Status, s.StatusError, s.StatusOK = p, p.Bold(true), p
	s.Prompt, s.Input, s.Cursor, s.Hint = p.Bold(true), p, p.Reverse(true), p.Faint(true)
	s.TableHeader, s.TableSorted = p.Bold(true), p.Bold(true).Underline(true)
	s.Selected, s.Highlight = p.Reverse(true), p.Underline(true)
	s.Rule, s.Label, s.Help, s.HelpKey = p.Faint(true), p.Faint(true), p, p.Bold(true)
	for i := range s.tones {
		s.tones[i] = p
	}
	s.tones[Muted], s.tones[Unmatched] = p.Faint(true), p.Faint(true)
	s.tones[Matched], s.tones[Error], s.tones[Accent] = p.Bold(true), p.Bold(true), p.Bold(true)
	return s
}

// Tone returns the style of a tone.
func (s *Styles) Tone(t Tone) lipgloss.Style {
	if t >= numTones {
		return s.tones[Normal]
	}
	return s.tones[t]
}
