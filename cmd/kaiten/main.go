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
	case "topology", "publish", "tap", "consume", "call", "cast":
		ctx, stop := signalContext()
		defer stop()
		return runSession(ctx, args[0], args[1:], stdin, stdout, stderr)
	case "notify", "notifications", "targets":
		ctx, stop := signalContext()
		defer stop()
		if args[0] == "notify" {
			return runOsloNotify(ctx, args[1:], stdout, stderr)
		}
		if args[0] == "targets" {
			return runOsloTargets(ctx, args[1:], stdout, stderr)
		}
		return runOsloNotifications(ctx, args[1:], stdout, stderr)
	case "learn":
		ctx, stop := signalContext()
		defer stop()
		return runLearn(ctx, args[1:], stdout, stderr)
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

On a live broker (each takes --url, --api-url, --vhost, --context, --output):
  kaiten trace    --url URL --exchange X --routing-key K [--header NAME=VALUE]...
  kaiten topology [--output tree|json|dot|mermaid]
  kaiten publish  --exchange X --routing-key K [--body TEXT | --body-file F]
                  [--header K=V]... [--headers-json J] [--property K=V]... [--count N] [--rate R]
                  (confirms and mandatory on; body from stdin when neither given)
  kaiten tap      --exchange X [--exchange Y]... [--exact | --firehose] [--count N] [--timeout D]
  kaiten consume  --queue Q --mode peek|ack|auto [--count N] [--prefetch P] [--timeout D] [--yes]
  kaiten call     --exchange X --routing-key K [--body TEXT] [--timeout D] [--reply-queue[=NAME]]
  kaiten cast     --exchange X --routing-key K [--body TEXT]

  --timeout takes 30s, 2m, or a bare number of seconds. --output json writes JSON
  (JSON Lines for tap and consume).

OpenStack oslo.messaging (--exchange is the control exchange, default openstack;
--oslo-context is the request context as JSON, not --context, a saved connection):
  kaiten call   --oslo --exchange nova --topic compute [--server H] --method M
                [--args '{"a": 2}'] [--oslo-context '{...}'] [--namespace NS] [--version V] [--timeout 60]
                [--call-monitor-timeout 30]   (heartbeats from the server while a slow method runs)
  kaiten cast   --oslo --exchange nova --topic compute [--server H | --fanout] --method M [--args J]
  kaiten notify --oslo --exchange nova [--topic notifications] --event-type E [--priority info]
                [--payload J] [--publisher-id ID]
  kaiten notifications --exchange nova [--topic notifications] [--priority P] [--count N] [--timeout D]
                (on a queue of its own; never takes a real listener's messages)
  kaiten targets [--exchange nova]   (the RPC topics, servers, fanouts and notification topics)

Lessons (on the embedded broker):
  kaiten learn [N]  |  kaiten learn --list  |  kaiten learn N --check [--solve]

Run "kaiten COMMAND --help" for every flag.
Exit status: 0 success, 1 the operation failed (unroutable, refused, nacked, timed out),
2 bad usage or input, or the broker cannot be used.
`

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// fail prints an error for people. Errors can quote names from a broker
// or a file, so they are made Printable first.
func fail(stderr io.Writer, cmd string, err error) {
	fmt.Fprintf(stderr, "%s: %s\n", cmd, model.Printable(err.Error()))
}
