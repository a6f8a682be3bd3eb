package msglist

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// savedJSON is a message as the list saves it, one JSON object a line:
// when kaiten received it, then the message as `kaiten tap --output json`
// writes it (broker.MessageJSON).
type savedJSON struct {
	Received string `json:"received"`
	broker.MessageJSON
}

// WriteJSONLines writes messages as JSON Lines, each as `kaiten tap
// --output json` writes it after a "received" time: the body as text when
// it is UTF-8, else base64 with body_encoding "base64"; secrets in an
// oslo.messaging body masked, as everywhere kaiten shows a body; an
// oslo.messaging reply paired with the call saved before it, with the
// round trip.
func WriteJSONLines(w io.Writer, msgs []broker.Message) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	calls := model.NewOsloCallMatcher(matcherLimit)
	for i := range msgs {
		m := &msgs[i]
		j := savedJSON{Received: m.Received.UTC().Format(time.RFC3339Nano), MessageJSON: m.JSON(m.OsloJSON(calls))}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// SavedMsg says where a save went, or why it failed.
type SavedMsg struct {
	Owner uint64
	Path  string // absolute
	Count int
	Err   error
}

// save returns the command that writes msgs to path as JSON Lines. msgs
// is the command's own copy.
func save(owner uint64, path string, msgs []broker.Message) tea.Cmd {
	return func() tea.Msg {
		abs, err := filepath.Abs(path)
		if err != nil {
			return SavedMsg{Owner: owner, Path: path, Err: err}
		}
		f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return SavedMsg{Owner: owner, Path: abs, Err: err}
		}
		err = WriteJSONLines(f, msgs)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return SavedMsg{Owner: owner, Path: abs, Count: len(msgs), Err: err}
	}
}

var unsafeFileRunes = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// DefaultPath is the file a save offers: kaiten-<what>-<time>.jsonl in the
// current directory, with what made safe for a file name.
func DefaultPath(what string, now time.Time) string {
	w := unsafeFileRunes.ReplaceAllString(what, "_")
	if len(w) > 48 {
		w = w[:48]
	}
	if w == "" || w == "_" {
		w = "messages"
	}
	return "kaiten-" + w + "-" + now.Format("20060102-150405") + ".jsonl"
}

// savedText is the flash a save ends with.
func savedText(s SavedMsg) string {
	if s.Err != nil {
		return fmt.Sprintf("could not write %s: %v", strconv.Quote(s.Path), s.Err)
	}
	noun := "messages"
	if s.Count == 1 {
		noun = "message"
	}
	return fmt.Sprintf("wrote %d %s to %s (JSON Lines)", s.Count, noun, s.Path)
}
