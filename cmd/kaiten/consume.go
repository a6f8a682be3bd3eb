package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker"
)

type consumeFlags struct {
	conn     connFlags
	queue    string
	mode     string
	count    int
	prefetch int
	timeout  durationFlag
	yes      bool
	output   string
}

func parseConsumeFlags(args []string, stderr io.Writer) (*consumeFlags, broker.ConsumeMode, error) {
	f := &consumeFlags{}
	fs := flag.NewFlagSet("kaiten consume", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	fs.StringVar(&f.queue, "queue", "", "queue to consume")
	fs.StringVar(&f.mode, "mode", "", "peek (get and put back: sets redelivered, can reorder), ack (ack each message once printed) "+
		"or auto (destructive: the messages leave the queue)")
	fs.IntVar(&f.count, "count", 0, fmt.Sprintf("stop after this many messages (default: no end; %d for peek)", broker.DefaultPeekCount))
	fs.IntVar(&f.prefetch, "prefetch", 0, "how many unacked messages the broker may hand over at once (default 100)")
	fs.Var(&f.timeout, "timeout", "stop after this long (30s, 2m, or seconds)")
	fs.BoolVar(&f.yes, "yes", false, "consume destructively (--mode auto) without asking")
	fs.StringVar(&f.output, "output", "text", "text or json (JSON Lines)")
	if err := parseFlags(fs, args); err != nil {
		return nil, 0, err
	}
	if f.queue == "" {
		return nil, 0, errors.New("--queue is required")
	}
	if f.mode == "" {
		return nil, 0, errors.New("--mode is required: peek, ack or auto")
	}
	mode, err := broker.ParseConsumeMode(f.mode)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case f.count < 0:
		return nil, 0, errors.New("--count cannot be negative")
	case f.prefetch < 0 || f.prefetch > 65535:
		return nil, 0, errors.New("--prefetch must be between 1 and 65535")
	}
	return f, mode, checkOutput(f.output, "text", "json")
}

// runConsume consumes a queue in the mode named: peek, ack or auto. Auto
// is destructive: it needs --yes, or a yes on a terminal.
func runConsume(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const cmd = "kaiten consume"
	f, mode, err := parseConsumeFlags(args, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	s, code := f.conn.open(ctx, cmd, false, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	if mode == broker.ModeAuto && !f.yes {
		if !confirm(stdin, stderr, fmt.Sprintf("consume destructively from queue %s in vhost %s? the messages leave the queue [y/N] ",
			strconv.Quote(f.queue), strconv.Quote(s.Vhost()))) {
			fail(stderr, cmd, errors.New("--mode auto is destructive: it removes the messages from the queue; add --yes to go ahead"))
			return exitUsage
		}
	}
	if mode != broker.ModeAck {
		fmt.Fprintf(stderr, "%s: %s\n", cmd, mode.Warning())
	}
	c, err := s.Consume(ctx, broker.ConsumeOptions{Queue: f.queue, Mode: mode, Count: f.count, Prefetch: f.prefetch})
	if err != nil {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	defer c.Close()
	mw := newMessageWriter(stdout, f.output)
	mw.peek = mode == broker.ModePeek
	var each func(broker.Message) error
	if mode == broker.ModeAck {
		each = c.Ack
	}
	count := f.count
	if mode == broker.ModePeek {
		count = 0 // a peek shows what there is
	}
	return drain(ctx, cmd, c.Batches(), c.Err, count, f.timeout.d, mw, stderr, each)
}

// confirm asks a yes/no question when stdin is a terminal; anything else
// is a no.
func confirm(stdin io.Reader, stderr io.Writer, question string) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return false
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	fmt.Fprint(stderr, question)
	line, _ := bufio.NewReader(f).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
