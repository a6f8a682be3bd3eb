package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kaiten-bus/kaiten/model"
)

// appendTraceJSON appends the trace as `kaiten trace --output json` and
// --batch write it: the model's fields plus the tree as plain lines.
func appendTraceJSON(b []byte, t *model.Trace) []byte {
	return t.AppendJSON(b, t.Lines())
}

// colorEnabled reports whether to colour output: only on a terminal, and
// never with NO_COLOR set (https://no-color.org).
func colorEnabled(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// lineColors maps trace line kinds to ANSI SGR sequences.
var lineColors = map[string]string{
	model.LineExchange:   "\x1b[1;36m",
	model.LineMatch:      "\x1b[32m",
	model.LineMiss:       "\x1b[2m",
	model.LineSeen:       "\x1b[33m",
	model.LineAlternate:  "\x1b[33m",
	model.LineQueues:     "\x1b[1;32m",
	model.LineUnroutable: "\x1b[1;31m",
	model.LineError:      "\x1b[1;31m",
	model.LineDeadLetter: "\x1b[35m",
	model.LineNote:       "\x1b[2m",
}

func writeTraceText(w io.Writer, t *model.Trace, color bool) {
	for _, l := range t.Lines() {
		if color {
			fmt.Fprintf(w, "\x1b[2m%s\x1b[0m%s%s\x1b[0m\n", l.Prefix, lineColors[l.Kind], l.Text)
		} else {
			fmt.Fprintln(w, l.String())
		}
	}
}
