package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

type publishFlags struct {
	conn      connFlags
	msg       messageFlags
	count     int
	rate      float64
	mandatory bool
	confirm   bool
	output    string
}

func parsePublishFlags(name string, args []string, stderr io.Writer, repeat bool) (*publishFlags, error) {
	f := &publishFlags{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	f.msg.register(fs)
	if repeat {
		fs.IntVar(&f.count, "count", 1, "publish the message this many times")
		fs.Float64Var(&f.rate, "rate", 0, "publish at most this many messages a second (default: as fast as the confirms come)")
		fs.BoolVar(&f.mandatory, "mandatory", true, "have the broker return a message no queue takes (--mandatory=false to let it drop)")
		fs.BoolVar(&f.confirm, "confirm", true, "wait for the broker's publisher confirms (--confirm=false not to)")
	} else {
		f.count, f.mandatory, f.confirm = 1, true, true
	}
	fs.StringVar(&f.output, "output", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if err := f.msg.check(fs); err != nil {
		return nil, err
	}
	switch {
	case f.count < 1:
		return nil, fmt.Errorf("--count must be at least 1, not %d", f.count)
	case f.rate < 0:
		return nil, fmt.Errorf("--rate cannot be negative")
	}
	return f, checkOutput(f.output, "text", "json")
}

// runPublish publishes a message, --count times at --rate, mandatory and
// confirmed unless told otherwise. It exits 1 when a message is returned
// or nacked.
func runPublish(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return publishCommand(ctx, "kaiten publish", true, args, stdin, stdout, stderr)
}

// runCast publishes one request and returns once the broker confirmed
// it, like an oslo.messaging cast.
func runCast(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if hasOsloFlag(args) {
		return runOsloCast(ctx, args, stdout, stderr)
	}
	return publishCommand(ctx, "kaiten cast", false, args, stdin, stdout, stderr)
}

func publishCommand(ctx context.Context, cmd string, repeat bool, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parsePublishFlags(cmd, args, stderr, repeat)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	p, s, code := openWithMessage(ctx, cmd, &f.conn, &f.msg, stdin, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	res, err := s.Publish(ctx, p, broker.PublishOptions{Mandatory: f.mandatory, Confirm: f.confirm, Count: f.count, Rate: f.rate})
	if err != nil && res.Published == 0 {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	// A publish the broker refused (no such exchange: the channel is
	// closed after basic.publish went out) is said once, as the error,
	// not also as "published"; JSON keeps its counts.
	refused := err != nil && res.Acked == 0 && res.Returned == 0
	if f.output == "json" || !refused {
		if werr := writePublishResult(stdout, f.output, p, res, f.confirm); werr != nil {
			fail(stderr, cmd, werr)
			return exitFailed
		}
	}
	if err != nil {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	if !res.OK() {
		return exitFailed
	}
	return exitOK
}

// publishJSON is a publish's outcome in JSON.
type publishJSON struct {
	Exchange   string       `json:"exchange"`
	RoutingKey string       `json:"routing_key"`
	Published  int          `json:"published"`
	Acked      int          `json:"acked"`
	Nacked     int          `json:"nacked"`
	Returned   int          `json:"returned"`
	Returns    []returnJSON `json:"returns"`
	Seconds    float64      `json:"seconds"`
}

type returnJSON struct {
	ReplyCode  uint16 `json:"reply_code"`
	ReplyText  string `json:"reply_text"`
	Exchange   string `json:"exchange"`
	RoutingKey string `json:"routing_key"`
}

func writePublishResult(w io.Writer, output string, p broker.Publishing, res broker.PublishResult, confirm bool) error {
	if output == "json" {
		j := publishJSON{
			Exchange: p.Exchange, RoutingKey: p.RoutingKey, Published: res.Published, Acked: res.Acked,
			Nacked: res.Nacked, Returned: res.Returned, Returns: []returnJSON{}, Seconds: res.Took.Seconds(),
		}
		for _, r := range res.Returns {
			j.Returns = append(j.Returns, returnJSON{r.Code, r.Text, r.Exchange, r.RoutingKey})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(j)
	}
	what := "1 message"
	if res.Published != 1 {
		what = strconv.Itoa(res.Published) + " messages"
	}
	line := fmt.Sprintf("published %s to %s with routing key %s", what, exchangeName(p.Exchange), strconv.Quote(p.RoutingKey))
	switch {
	case !confirm:
		line += " (no confirms asked for)"
	case res.Published == 1 && res.Acked == 1:
		line += ": confirmed (ack)"
	case res.Published == 1 && res.Nacked == 1:
		line += ": the broker nacked it"
	default:
		line += fmt.Sprintf(": %d acked, %d nacked", res.Acked, res.Nacked)
	}
	if res.Published > 1 {
		line += fmt.Sprintf(" in %s", res.Took.Round(1e6))
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return err
	}
	if res.Returned > 0 {
		r := res.Returns[0]
		n := "it"
		if res.Returned > 1 {
			n = fmt.Sprintf("%d of them", res.Returned)
		}
		_, err := fmt.Fprintf(w, "the broker returned %s: %d %s — no queue took it; kaiten trace shows why\n", n, r.Code, model.Printable(r.Text))
		return err
	}
	return nil
}
