package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

// connFlags are the flags that choose a broker, the same on every
// subcommand that talks to one.
type connFlags struct {
	url, apiURL, vhost, context string
	tls                         broker.TLSOptions
	readOnly                    bool
	getenv                      func(string) string // os.Getenv, but for tests
}

// register adds the flags; trace has a --vhost of its own, so it asks
// for the rest only.
func (c *connFlags) register(fs *flag.FlagSet, withVhost bool) {
	fs.StringVar(&c.url, "url", "", "AMQP URI of the broker, amqp://USER:PASS@HOST:5672/VHOST or amqps://... (default: KAITEN_URL, else the current context)")
	fs.StringVar(&c.apiURL, "api-url", "", "management API URL (default: http://<AMQP host>:15672 with the same credentials)")
	if withVhost {
		fs.StringVar(&c.vhost, "vhost", "", "vhost, over the URL's")
	}
	fs.StringVar(&c.context, "context", "", "context of $XDG_CONFIG_HOME/kaiten/config.yaml to use")
	fs.StringVar(&c.tls.CAFile, "ca-file", "", "PEM file of the CAs that sign the broker's certificate")
	fs.StringVar(&c.tls.CertFile, "cert-file", "", "client certificate, PEM")
	fs.StringVar(&c.tls.KeyFile, "key-file", "", "client certificate's key, PEM")
	fs.StringVar(&c.tls.ServerName, "server-name", "", "the name the broker's certificate must carry")
	fs.BoolVar(&c.tls.InsecureSkipVerify, "insecure-skip-verify", false, "accept any certificate (unsafe)")
	fs.BoolVar(&c.readOnly, "read-only", false, "refuse every change to the broker")
}

// configured reports whether a broker was named (by flag, KAITEN_URL or
// a context) without opening anything; trace uses it to choose between
// a definitions file and a live broker.
func (c *connFlags) configured() bool {
	_, err := c.resolve()
	return !errors.Is(err, broker.ErrNotConfigured)
}

func (c *connFlags) resolve() (broker.Config, error) {
	getenv := c.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return broker.Resolve(broker.Selection{
		Context: c.context, URL: c.url, APIURL: c.apiURL, Vhost: c.vhost, TLS: c.tls, ReadOnly: c.readOnly,
	}, getenv)
}

// needBroker is what a command says when no broker is named. The
// embedded broker is the terminal UI's default; scripts name theirs.
func needBroker() error {
	return errors.New(`this command needs a broker: give --url amqp://USER:PASS@HOST:5672/VHOST, set KAITEN_URL, ` +
		`or choose a context with --context (contexts live in $XDG_CONFIG_HOME/kaiten/config.yaml). ` +
		`To try kaiten without one, run "kaiten broker --demo" and use --url amqp://guest:guest@127.0.0.1:5672/`)
}

// open resolves the broker and opens a session named for the command.
// requireAPI fails when the management API cannot be used. Any failure
// is printed and comes back as exit status 2.
func (c *connFlags) open(ctx context.Context, cmd string, requireAPI bool, stderr io.Writer) (*broker.Session, int) {
	cfg, err := c.resolve()
	if errors.Is(err, broker.ErrNotConfigured) {
		err = needBroker()
	}
	if err != nil {
		fail(stderr, cmd, err)
		return nil, exitUsage
	}
	cfg.ConnectionName = cmd
	cfg.RequireAPI = requireAPI
	s, err := broker.Open(ctx, cfg)
	if err != nil {
		fail(stderr, cmd, err)
		return nil, exitUsage
	}
	return s, exitOK
}

// durationFlag is a --timeout: a Go duration ("30s", "2m", "1.5h"), or a
// bare number of seconds.
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string {
	if f == nil || f.d == 0 {
		return ""
	}
	return f.d.String()
}

func (f *durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	f.d = d
	return nil
}

// parseDuration reads a duration, a bare number meaning seconds.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs < 0 {
			return 0, fmt.Errorf("a duration cannot be negative: %q", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("want a duration like 30s, 2m or 1.5 (seconds), not %q", s)
	}
	return d, nil
}

// outputFlag checks --output against the formats a command writes.
func checkOutput(output string, formats ...string) error {
	for _, f := range formats {
		if output == f {
			return nil
		}
	}
	return fmt.Errorf("--output must be %s, not %q", strings.Join(formats, " or "), output)
}

// parseFlags parses a command's flags and rejects stray arguments; a
// help request comes back as flag.ErrHelp. The flag package prints its
// own errors, so they come back as printedError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return printedError{err}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// printedError is an error that was printed already.
type printedError struct{ error }

// usageError prints a usage error not printed yet and returns the exit
// status: 0 for a help request, else 2.
func usageError(stderr io.Writer, cmd string, err error) int {
	var printed printedError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case !errors.As(err, &printed):
		fail(stderr, cmd, err)
	}
	return exitUsage
}

// outcome maps an operation's error to an exit status: 2 when the broker
// could not be used (lost, unreachable, refused the login), else 1: the
// operation failed (unroutable, nacked, timed out, refused).
func outcome(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, broker.ErrClosed), errors.Is(err, broker.ErrUnreachable), errors.Is(err, broker.ErrAuth),
		errors.Is(err, broker.ErrConfig), errors.Is(err, broker.ErrDegraded):
		return exitUsage
	}
	return exitFailed
}

// runSession runs a subcommand that talks to a live broker.
func runSession(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	switch cmd {
	case "topology":
		return runTopology(ctx, args, stdout, stderr)
	case "publish":
		return runPublish(ctx, args, stdin, stdout, stderr)
	case "tap":
		return runTap(ctx, args, stdout, stderr)
	case "consume":
		return runConsume(ctx, args, stdin, stdout, stderr)
	case "call":
		return runCall(ctx, args, stdin, stdout, stderr)
	}
	return runCast(ctx, args, stdin, stdout, stderr)
}
