package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

// replyQueueFlag is --reply-queue, alone for a private queue with a
// name the server picks, or --reply-queue=NAME.
type replyQueueFlag struct {
	set  bool
	name string
}

func (r *replyQueueFlag) String() string   { return r.name }
func (r *replyQueueFlag) IsBoolFlag() bool { return true }

func (r *replyQueueFlag) Set(v string) error {
	r.set = true
	if v != "true" {
		r.name = v
	}
	return nil
}

type callFlags struct {
	conn       connFlags
	msg        messageFlags
	timeout    durationFlag
	replyQueue replyQueueFlag
	output     string
}

func parseCallFlags(args []string, stderr io.Writer) (*callFlags, error) {
	f := &callFlags{}
	fs := flag.NewFlagSet("kaiten call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.conn.register(fs, true)
	f.msg.register(fs)
	f.timeout.d = 30 * time.Second
	fs.Var(&f.timeout, "timeout", "how long to wait for the reply (30s, 2m, or seconds)")
	fs.Var(&f.replyQueue, "reply-queue", "wait on a private reply queue (exclusive, auto-delete) instead of direct reply-to; --reply-queue=NAME names it")
	fs.StringVar(&f.output, "output", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if err := f.msg.check(fs); err != nil {
		return nil, err
	}
	return f, checkOutput(f.output, "text", "json")
}

// runCall makes an RPC call: it publishes the request with reply_to and a
// fresh correlation_id, waits for the reply and prints it with the round
// trip. Unroutable, nacked or unanswered in time, it exits 1.
func runCall(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const cmd = "kaiten call"
	if hasOsloFlag(args) {
		return runOsloCall(ctx, args, stdout, stderr)
	}
	f, err := parseCallFlags(args, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	p, s, code := openWithMessage(ctx, cmd, &f.conn, &f.msg, stdin, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	reply, err := s.Call(ctx, p, broker.CallOptions{
		ReplyQueue: f.replyQueue.name, PrivateQueue: f.replyQueue.set, Timeout: f.timeout.d,
	})
	if err != nil {
		fail(stderr, cmd, err)
		return outcome(err)
	}
	if f.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		err = enc.Encode(callJSON{
			RTTMillis: float64(reply.RTT.Microseconds()) / 1000, ReplyQueue: reply.ReplyTo,
			CorrelationID: reply.CorrelationID, Reply: reply.Message.JSON(reply.Message.OsloJSON(nil)),
		})
	} else {
		_, err = fmt.Fprintf(stdout, "reply in %s on %s (correlation_id %s)\n", reply.RTT.Round(1000), strconv.Quote(reply.ReplyTo), reply.CorrelationID)
		if err == nil {
			err = newMessageWriter(stdout, "text").write(&reply.Message)
		}
	}
	if err != nil {
		fail(stderr, cmd, err)
		return exitFailed
	}
	return exitOK
}

// callJSON is a call's reply in JSON.
type callJSON struct {
	RTTMillis     float64            `json:"rtt_ms"`
	ReplyQueue    string             `json:"reply_queue"`
	CorrelationID string             `json:"correlation_id"`
	Reply         broker.MessageJSON `json:"reply"`
}
