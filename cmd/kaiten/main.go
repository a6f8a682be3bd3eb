// Command kaiten explores AMQP 0-9-1 message buses: RabbitMQ, and the
// OpenStack oslo.messaging bus that runs on it.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// Exit statuses, the same for every subcommand.
const (
	exitOK     = 0 // success
	exitFailed = 1 // the operation failed: unroutable, refused, timeout, nack
	exitUsage  = 2 // bad usage, bad input, cannot connect
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !isHelp(args[0])) {
		ctx, stop := signalContext()
		defer stop()
		return runTUI(ctx, args, stderr)
	}
	switch args[0] {
	case "trace":
		return runTrace(args[1:], stdin, stdout, stderr)
	case "broker":
		ctx, stop := signalContext()
		defer stop()
		return runBroker(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "kaiten: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

const usage = `kaiten — a terminal explorer for AMQP 0-9-1 message buses

Usage:
  kaiten [--url URL | --context NAME] [--vhost V] [--refresh 2s] [--theme T] [--read-only]
               (the terminal explorer; with no broker configured, on the embedded demo bus)
  kaiten trace --definitions FILE [--vhost V] --exchange X --routing-key K
               [--header NAME=VALUE]... [--headers-json '{"k": 1}'] [--output text|json]
  kaiten trace --definitions FILE [--vhost V] --batch   (JSON Lines on stdin)
  kaiten broker [--listen ADDR] [--api ADDR] [--definitions FILE] [--demo]
                [--rabbitmq-version V] [--log-level L]   (an AMQP broker in memory, on loopback)

Run "kaiten trace --help" or "kaiten broker --help" for every flag.
Exit status: 0 success, 1 the operation failed (unroutable, refused), 2 bad usage or input.
`

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// fail prints an error for people. Errors can quote names from a broker
// or a file, so they are made Printable first.
func fail(stderr io.Writer, cmd string, err error) {
	fmt.Fprintf(stderr, "%s: %s\n", cmd, model.Printable(err.Error()))
}
