package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/demo"
)

type brokerFlags struct {
	listen      string
	api         string
	definitions string
	demo        bool
	version     string
	logLevel    slog.Level
}

func parseBrokerFlags(args []string, stderr io.Writer) (*brokerFlags, error) {
	f := &brokerFlags{}
	fs := flag.NewFlagSet("kaiten broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "", "AMQP address, on loopback (default 127.0.0.1:5672 when free, else a free port)")
	fs.StringVar(&f.api, "api", "", "management API address, on loopback (default 127.0.0.1:15672 when free, else a free port)")
	fs.StringVar(&f.definitions, "definitions", "", "RabbitMQ definitions JSON to load at start (rabbitmqctl export_definitions, GET /api/definitions[/{vhost}])")
	fs.BoolVar(&f.demo, "demo", false, "run the demo bus: an OpenStack-like topology with simulated services making traffic")
	fs.StringVar(&f.version, "rabbitmq-version", core.DefaultVersion, "behave as this RabbitMQ version (dead-letter headers, headers matching, limits)")
	level := fs.String("log-level", "info", "debug, info, warn or error (logs go to stderr)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := f.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", *level)
	}
	return f, nil
}

// runBroker runs the embedded broker headless until ctx ends (SIGINT or
// SIGTERM from the command line). The URLs go to stdout, the logs to
// stderr.
func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseBrokerFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fail(stderr, "kaiten broker", err)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: f.logLevel}))
	if limit, of := applyMemoryLimit(); limit > 0 {
		log.Info("Go soft memory limit set; GOMEMLIMIT overrides it", "limit_mib", limit>>20,
			"share", strconv.Itoa(int(memoryLimitShare*100))+"% of "+of)
	}
	opts := embedded.Options{Listen: f.listen, APIListen: f.api, Logger: log, Version: f.version}
	if f.definitions != "" {
		data, err := os.ReadFile(f.definitions)
		if err != nil {
			fail(stderr, "kaiten broker", err)
			return exitUsage
		}
		opts.Definitions = data
	}
	// The broker outlives ctx a little: the demo stops first, then the
	// broker closes its connections.
	b, err := embedded.Start(context.WithoutCancel(ctx), opts)
	if err != nil {
		fail(stderr, "kaiten broker", err)
		return exitUsage
	}
	defer b.Close()
	// The URLs carry guest/guest, the well-known defaults of a broker
	// that only listens on loopback.
	fmt.Fprintf(stdout, "AMQP: %s\n", b.AMQPURL())
	explore := "kaiten --url " + b.AMQPURL()
	if b.APIURL() != "" {
		fmt.Fprintf(stdout, "API:  %s (guest/guest)\n", b.APIURL())
		// kaiten finds the API from the AMQP URL: the broker names it in
		// its server properties (other clients need the API line above).
	} else {
		fmt.Fprintln(stdout, "API:  none")
	}
	fmt.Fprintf(stdout, "Explore it: %s   (the same flags work for tap, publish, consume, call, …)\n", explore)
	if f.demo {
		d, err := demo.Start(ctx, demo.Options{URL: b.AMQPURL(), Logger: log})
		if err != nil {
			fail(stderr, "kaiten broker --demo", err)
			return exitFailed
		}
		defer d.Stop()
		fmt.Fprintf(stdout, "Demo: the demo bus is running on vhost / (seed %d)\n", d.Seed())
	}
	fmt.Fprintln(stdout, "Stop with Ctrl+C.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopping.")
	return exitOK
}

// signalContext is ended by SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
