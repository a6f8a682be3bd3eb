// Package sparkline draws a series of numbers as a row of block glyphs.
package sparkline

import (
	"strings"
)

var bars = []rune("▁▂▃▄▅▆▇█")

// Render draws the last width values, scaled to the largest (or to the
// largest absolute value when some are negative), padded on the left with
// spaces when there are fewer values than width. A series that never moved
// from zero draws flat.
func Render(values []float64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	top := 0.0
	for _, v := range values {
		top = max(top, abs(v))
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", width-len(values)))
	for _, v := range values {
		i := 0
		if top > 0 {
			i = int(abs(v) / top * float64(len(bars)-1))
			if v != 0 && i == 0 {
				i = 1 // any traffic shows above the baseline
			}
		}
		b.WriteRune(bars[min(i, len(bars)-1)])
	}
	return b.String()
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
