package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

func hex(s string) color.Color { return lipgloss.Color(s) }

// Dark is the default theme, for dark terminals.
func Dark() Theme {
	return Theme{
		Name: "dark", Dark: true,
		Text: hex("#d8dee9"), Muted: hex("#7b8496"), Accent: hex("#88c0d0"), Border: hex("#4c566a"),
		BarText: hex("#eceff4"), BarBackground: hex("#2e3440"),
		SelectionText: hex("#eceff4"), Selection: hex("#3b4a63"), Highlight: hex("#ebcb8b"),
		OK: hex("#a3be8c"), Warn: hex("#ebcb8b"), Error: hex("#bf616a"),
		Exchange: hex("#b48ead"), Queue: hex("#81a1c1"), Binding: hex("#8fbcbb"),
		Matched: hex("#a3be8c"), Unmatched: hex("#7b8496"), DeadLetter: hex("#d08770"),
		Alternate: hex("#ebcb8b"), Spark: hex("#88c0d0"),
	}
}

// Light is for light terminals.
func Light() Theme {
	return Theme{
		Name: "light", Dark: false,
		Text: hex("#2e3440"), Muted: hex("#6b7385"), Accent: hex("#005f87"), Border: hex("#b0b7c3"),
		BarText: hex("#2e3440"), BarBackground: hex("#dfe3ea"),
		SelectionText: hex("#000000"), Selection: hex("#c7d7ee"), Highlight: hex("#b05a00"),
		OK: hex("#2e7d32"), Warn: hex("#9a6700"), Error: hex("#b3261e"),
		Exchange: hex("#7b3f9e"), Queue: hex("#1f5fa8"), Binding: hex("#00796b"),
		Matched: hex("#2e7d32"), Unmatched: hex("#6b7385"), DeadLetter: hex("#b4530b"),
		Alternate: hex("#9a6700"), Spark: hex("#005f87"),
	}
}

// HighContrast uses pure colours on black for the most legible screen.
func HighContrast() Theme {
	return Theme{
		Name: "high-contrast", Dark: true,
		Text: hex("#ffffff"), Muted: hex("#c0c0c0"), Accent: hex("#00ffff"), Border: hex("#ffffff"),
		BarText: hex("#000000"), BarBackground: hex("#ffffff"),
		SelectionText: hex("#000000"), Selection: hex("#ffff00"), Highlight: hex("#ff00ff"),
		OK: hex("#00ff00"), Warn: hex("#ffff00"), Error: hex("#ff3030"),
		Exchange: hex("#ff80ff"), Queue: hex("#00ffff"), Binding: hex("#ffffff"),
		Matched: hex("#00ff00"), Unmatched: hex("#c0c0c0"), DeadLetter: hex("#ff8000"),
		Alternate: hex("#ffff00"), Spark: hex("#00ffff"),
	}
}

// ANSI16 uses only the 16 ANSI colours, so the terminal's own palette
// decides how it looks.
func ANSI16() Theme {
	return Theme{
		Name: "ansi16", Dark: true,
		Text: lipgloss.White, Muted: lipgloss.BrightBlack, Accent: lipgloss.BrightCyan, Border: lipgloss.BrightBlack,
		BarText: lipgloss.Black, BarBackground: lipgloss.Cyan,
		SelectionText: lipgloss.Black, Selection: lipgloss.White, Highlight: lipgloss.BrightYellow,
		OK: lipgloss.Green, Warn: lipgloss.Yellow, Error: lipgloss.Red,
		Exchange: lipgloss.Magenta, Queue: lipgloss.Blue, Binding: lipgloss.Cyan,
		Matched: lipgloss.BrightGreen, Unmatched: lipgloss.BrightBlack, DeadLetter: lipgloss.BrightRed,
		Alternate: lipgloss.Yellow, Spark: lipgloss.Cyan,
	}
}
