package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// stringsFlag collects a repeated flag.
type stringsFlag []string

func (s *stringsFlag) String() string { return fmt.Sprint([]string(*s)) }

func (s *stringsFlag) Set(v string) error {
	*s = append(*s, v)
	return nil
}

type tapFlags struct {
	conn      connFlags
	exchanges stringsFlag
	firehose  bool
	exact     bool
	noCompare bool
	count     int
	timeout   durationFlag
	output    string
}

func parseTapFlags(args []string, stderr io.Writer) (*tapFlags, error) {
	f := &tapFlags{}
	fs := flag.NewFlagSet("kaiten tap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	fs.Var(&f.exchanges, "exchange", `exchange to tap (repeatable); with --firehose, "" is the default exchange and none means all`)
	fs.BoolVar(&f.firehose, "firehose", false, "tap the vhost's firehose: every publish with the queues the broker routed it to, beside kaiten's own route. "+
		"This flag is consent to turn tracing on for the vhost when it is off (it costs the broker throughput); kaiten turns it off again at the end")
	fs.BoolVar(&f.exact, "exact", false, "bind like the exchange's own bindings, so the tap changes nothing: without it a topic, fanout or headers exchange "+
		"gets a catch-all binding, and while the tap runs a mandatory publisher gets no return for messages no other queue takes "+
		"(direct exchanges and exchanges with an alternate exchange are always tapped exactly)")
	fs.BoolVar(&f.noCompare, "no-compare", false, "with --firehose, do not compare with kaiten's route")
	fs.IntVar(&f.count, "count", 0, "stop after this many messages (default: no end)")
	fs.Var(&f.timeout, "timeout", "stop after this long (30s, 2m, or seconds)")
	fs.StringVar(&f.output, "output", "text", "text or json (JSON Lines)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch {
	case len(f.exchanges) == 0 && !f.firehose:
		return nil, errors.New("--exchange is required (or --firehose for every exchange)")
	case f.count < 0:
		return nil, errors.New("--count cannot be negative")
	}
	return f, checkOutput(f.output, "text", "json")
}

// runTap prints what exchanges route, without disturbing anybody, until
// --count messages, --timeout or Ctrl-C.
func runTap(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "kaiten tap"
	f, err := parseTapFlags(args, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	tap, err := s.Tap(ctx, broker.TapOptions{
		Exchanges: f.exchanges, Firehose: f.firehose, EnableTracing: f.firehose, Exact: f.exact, NoCompare: f.noCompare, Count: f.count,
	})
	if err != nil {
		fail(stderr, cmd, err)
		return exitFailed
	}
	defer tap.Close()
	return drain(ctx, cmd, tap.Batches(), tap.Err, f.count, f.timeout.d, newMessageWriter(stdout, f.output), stderr, nil)
}

// drain writes a stream's messages until it ends, the count is reached,
// the timeout passes or ctx ends (Ctrl-C). Events and drops go to stderr.
// each, when set, runs after each message is written (consume --mode ack
// acks there). The exit status is 1 when the stream failed, or when a
// count was asked for and not reached.
func drain(ctx context.Context, cmd string, batches <-chan broker.Batch, streamErr func() error, count int,
	timeout time.Duration, mw *messageWriter, stderr io.Writer, each func(broker.Message) error,
) int {
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return countStatus(mw.count, count)
		case <-deadline:
			if count > 0 && mw.count < count {
				fmt.Fprintf(stderr, "%s: timed out after %s with %d of %d messages\n", cmd, timeout, mw.count, count)
			}
			return countStatus(mw.count, count)
		case b, ok := <-batches:
			if !ok {
				if err := streamErr(); err != nil {
					fail(stderr, cmd, err)
					return exitFailed
				}
				return countStatus(mw.count, count)
			}
			for _, e := range b.Events {
				fmt.Fprintf(stderr, "%s: %s\n", cmd, model.Printable(e.Text))
			}
			if b.Dropped > 0 {
				fmt.Fprintf(stderr, "%s: dropped %d messages: the output did not keep up\n", cmd, b.Dropped)
			}
			for i := range b.Messages {
				if err := mw.write(&b.Messages[i]); err != nil {
					fail(stderr, cmd, err)
					return exitFailed
				}
				if each != nil {
					if err := each(b.Messages[i]); err != nil {
						fail(stderr, cmd, err)
						return exitFailed
					}
				}
			}
		}
	}
}

// countStatus is 0, or 1 when fewer messages came than asked for.
func countStatus(got, want int) int {
	if want > 0 && got < want {
		return exitFailed
	}
	return exitOK
}
