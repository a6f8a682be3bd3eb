package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/model"
)

// learnFlags are kaiten learn's flags.
type learnFlags struct {
	list, check, solve bool
	url, apiURL        string
	output             string
	number             int // 0: none given
}

const learnUsage = `Usage:
  kaiten learn                 the lessons (the list, with progress, when stdout is not a terminal)
  kaiten learn N               open lesson N
  kaiten learn --list          list the lessons with progress
  kaiten learn N --check [--solve] [--url URL --api-url URL]
                               set lesson N up on a broker (default: a fresh embedded one), run
                               its checks once and print each task's status; --solve applies the
                               lesson's solutions first. Exit status 0 when every task is done.
`

func parseLearnFlags(args []string, stderr io.Writer) (*learnFlags, error) {
	f := &learnFlags{}
	fs := flag.NewFlagSet("kaiten learn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, learnUsage); fs.PrintDefaults() }
	fs.BoolVar(&f.list, "list", false, "list the lessons with progress")
	fs.BoolVar(&f.check, "check", false, "run lesson N's checks once and print each task's status")
	fs.BoolVar(&f.solve, "solve", false, "with --check: apply the lesson's solutions first")
	fs.StringVar(&f.url, "url", "", "with --check: AMQP URL of the broker to use (default: a fresh embedded broker)")
	fs.StringVar(&f.apiURL, "api-url", "", "with --check: management API URL (default http://<AMQP host>:15672)")
	fs.StringVar(&f.output, "output", "text", "text or json")
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		if f.number != 0 {
			return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
		}
		n, err := strconv.Atoi(fs.Arg(0))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("a lesson is named by its number, not %q (kaiten learn --list shows them)", fs.Arg(0))
		}
		f.number, rest = n, fs.Args()[1:]
	}
	switch {
	case f.output != "text" && f.output != "json":
		return nil, fmt.Errorf("--output is text or json, not %q", f.output)
	case f.check && f.number == 0:
		return nil, errors.New("--check needs a lesson number: kaiten learn N --check")
	case f.solve && !f.check:
		return nil, errors.New("--solve goes with --check")
	case f.url == "" && f.apiURL != "":
		return nil, errors.New("--api-url goes with --url")
	}
	return f, nil
}

// runLearn lists, checks or opens lessons.
func runLearn(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseLearnFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitUsage
	}
	lessons, err := learn.Load()
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitFailed
	}
	if f.number > len(lessons) || (f.number > 0 && lessons[f.number-1].Number != f.number) {
		fail(stderr, "kaiten learn", fmt.Errorf("there is no lesson %d (kaiten learn --list shows them)", f.number))
		return exitUsage
	}
	dir, err := learn.ConfigDir(os.Getenv)
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitUsage
	}
	progress, err := learn.LoadProgress(dir)
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitFailed
	}
	switch {
	case f.check:
		return runLearnCheck(ctx, f, lessons[f.number-1], stdout, stderr)
	case f.list || (f.number == 0 && !isTerminal(stdout)):
		return printLessons(stdout, lessons, progress, f.output)
	}
	return runLearnTUI(ctx, learnTUIOptions{Lessons: lessons, Open: f.number, ProgressDir: dir, Progress: progress}, stdout, stderr)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// lessonLine is a lesson as --list --output json writes it.
type lessonLine struct {
	Number  int      `json:"number"`
	Slug    string   `json:"slug"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Tasks   int      `json:"tasks"`
	Done    []string `json:"done"`
}

// printLessons lists the lessons with progress.
func printLessons(w io.Writer, lessons []learn.Lesson, p learn.Progress, output string) int {
	if output == "json" {
		enc := json.NewEncoder(w)
		for _, l := range lessons {
			done := doneTasks(l, p)
			if err := enc.Encode(lessonLine{l.Number, l.Slug, l.Title, l.Summary, len(l.Tasks), done}); err != nil {
				return exitFailed
			}
		}
		return exitOK
	}
	fmt.Fprintln(w, "Lessons — open one with: kaiten learn N")
	width := 0
	for _, l := range lessons {
		width = max(width, utf8.RuneCountInString(l.Title))
	}
	for _, l := range lessons {
		done := len(doneTasks(l, p))
		mark := " "
		if done == len(l.Tasks) {
			mark = "✓"
		}
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(l.Title))
		fmt.Fprintf(w, "%s %2d  %s%s  %d/%d  %s\n", mark, l.Number, model.Printable(l.Title), pad, done, len(l.Tasks), model.Printable(l.Summary))
	}
	return exitOK
}

// doneTasks are the lesson's tasks done, in the lesson's order.
func doneTasks(l learn.Lesson, p learn.Progress) []string {
	done := []string{}
	for _, t := range l.Tasks {
		if slices.Contains(p.Done(l.Slug), t.ID) {
			done = append(done, t.ID)
		}
	}
	return done
}

// runLearnCheck sets a lesson up, optionally solves it, checks it once
// (after the broker had a moment to report what happened) and prints the
// tasks' statuses.
func runLearnCheck(ctx context.Context, f *learnFlags, l learn.Lesson, stdout, stderr io.Writer) int {
	target := learn.Target{URL: f.url, APIURL: f.apiURL}
	if f.url == "" {
		b, err := embedded.Start(context.WithoutCancel(ctx), embedded.Options{
			Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler),
		})
		if err != nil {
			fail(stderr, "kaiten learn: embedded broker", err)
			return exitFailed
		}
		defer b.Close()
		target = learn.Target{URL: b.AMQPURL(), APIURL: b.APIURL()}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	run, err := learn.Start(ctx, target, l)
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitUsage
	}
	defer run.Close()
	// RabbitMQ updates its statistics every few seconds; the embedded
	// broker at once.
	quiet := 300 * time.Millisecond
	if f.url != "" {
		quiet = 6 * time.Second
	}
	if f.solve {
		for i, t := range l.Tasks {
			if err := run.Solve(ctx, t.ID); err != nil {
				fail(stderr, "kaiten learn: solution of "+t.ID, err)
				return exitFailed
			}
			if _, err := settle(ctx, run, quiet, i); err != nil {
				fail(stderr, "kaiten learn", err)
				return exitFailed
			}
		}
	}
	sts, err := settle(ctx, run, quiet, -1)
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitFailed
	}
	printStatuses(stdout, l, sts, f.output)
	for _, st := range sts {
		if !st.Done {
			return exitFailed
		}
	}
	return exitOK
}

// settle checks until the task (every task when it is -1) is done, or the
// statuses stayed the same for quiet: the firehose and the statistics
// arrive a little after the broker acted.
func settle(ctx context.Context, run *learn.Run, quiet time.Duration, task int) ([]learn.TaskStatus, error) {
	var last []learn.TaskStatus
	since := time.Now()
	for {
		sts, err := run.Check(ctx)
		if err != nil {
			return nil, err
		}
		done := !slices.ContainsFunc(sts, func(s learn.TaskStatus) bool { return !s.Done })
		if task >= 0 {
			done = sts[task].Done
		}
		if !slices.Equal(sts, last) {
			since = time.Now()
		}
		if done || time.Since(since) >= quiet {
			return sts, nil
		}
		last = sts
		select {
		case <-ctx.Done():
			return sts, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// statusLine is a task's status as --check --output json writes it.
type statusLine struct {
	Lesson int    `json:"lesson"`
	Task   string `json:"task"`
	Title  string `json:"title"`
	Done   bool   `json:"done"`
	Why    string `json:"why,omitempty"`
}

// printStatuses prints each task of a lesson with its status.
func printStatuses(w io.Writer, l learn.Lesson, sts []learn.TaskStatus, output string) {
	if output == "json" {
		enc := json.NewEncoder(w)
		for i, st := range sts {
			_ = enc.Encode(statusLine{l.Number, st.ID, l.Tasks[i].Title, st.Done, st.Why})
		}
		return
	}
	fmt.Fprintf(w, "Lesson %d: %s\n", l.Number, l.Title)
	for i, st := range sts {
		mark := "[ ]"
		if st.Done {
			mark = "[x]"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", mark, st.ID, l.Tasks[i].Title)
		if st.Why != "" {
			fmt.Fprintf(w, "        %s\n", model.Printable(st.Why))
		}
	}
}

// learnTUIOptions is what the interactive lesson view starts from.
type learnTUIOptions struct {
	Lessons []learn.Lesson
	// Open is the number of the lesson to open; 0 opens the list.
	Open int
	// ProgressDir is where Progress is saved (learn.Progress.Save).
	ProgressDir string
	Progress    learn.Progress
}

// runLearnTUI is the interactive `kaiten learn` and `kaiten learn N`:
// the TUI's lesson view on an embedded broker (learn_tui.go).
func runLearnTUI(ctx context.Context, o learnTUIOptions, _, stderr io.Writer) int {
	return openLearnTUI(ctx, o, stderr)
}
