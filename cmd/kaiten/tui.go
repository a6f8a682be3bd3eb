package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/demo"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui"
)

type tuiFlags struct {
	sel     broker.Selection
	refresh time.Duration
	theme   string
	// learn is where :learn runs lessons: the embedded broker, when the
	// UI runs on it (learn_tui.go).
	learn ui.LearnOptions
}

func parseTUIFlags(args []string, stderr io.Writer) (*tuiFlags, error) {
	f := &tuiFlags{}
	fs := flag.NewFlagSet("kaiten", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.sel.URL, "url", "", "AMQP URL of the broker, amqp://user:pass@host:port/vhost (default $"+broker.EnvURL+", else the config's current context, else the embedded demo broker)")
	fs.StringVar(&f.sel.Context, "context", "", "a context of the config file")
	fs.StringVar(&f.sel.APIURL, "api-url", "", "management API URL (default http://<AMQP host>:15672)")
	fs.StringVar(&f.sel.Vhost, "vhost", "", "vhost to show first (default the URL's)")
	fs.BoolVar(&f.sel.ReadOnly, "read-only", false, "never change the broker")
	fs.DurationVar(&f.refresh, "refresh", ui.DefaultRefresh, "time between refreshes (at least 1s)")
	fs.StringVar(&f.theme, "theme", "", "colour theme: "+fmt.Sprint(themes.Names())+" or NAME for the file $XDG_CONFIG_HOME/kaiten/themes/NAME.yaml (default: dark, or light on a light terminal)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if f.theme != "" {
		if _, err := (themes.Catalog{Dir: themes.UserDir(os.Getenv)}).Lookup(f.theme); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// runTUI runs the terminal explorer on the broker the flags, KAITEN_URL
// or the config name, or on the embedded demo broker when none does.
func runTUI(ctx context.Context, args []string, stderr io.Writer) int {
	f, err := parseTUIFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fail(stderr, "kaiten", err)
		return exitUsage
	}
	cfg, err := broker.Resolve(f.sel, os.Getenv)
	label := ""
	if errors.Is(err, broker.ErrNotConfigured) {
		var stop func()
		cfg, label, stop, err = startEmbeddedDemo(ctx)
		if err != nil {
			fail(stderr, "kaiten: embedded demo broker", err)
			return exitFailed
		}
		defer stop()
		// --read-only and --vhost hold on the embedded broker too.
		cfg.ReadOnly, cfg.Vhost = f.sel.ReadOnly, f.sel.Vhost
		f.learn = embeddedLessons(cfg)
	}
	if err != nil {
		fail(stderr, "kaiten", err)
		return exitUsage
	}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	sess, err := broker.Open(openCtx, cfg)
	cancel()
	if err != nil {
		fail(stderr, "kaiten", err)
		return exitUsage
	}
	defer sess.Close()
	if label == "" {
		label = sess.Endpoints().AMQP.Redacted()
	}
	return runProgram(ctx, sess, label, f, stderr)
}

// runProgram runs the Bubble Tea program until the user quits.
func runProgram(ctx context.Context, sess *broker.Session, label string, f *tuiFlags, stderr io.Writer) int {
	version := ""
	if ov := sess.Overview(); ov != nil {
		version = ov.Version()
	}
	app, err := ui.New(ui.Options{
		Backend: sess, Broker: label, Version: version, Vhost: sess.Vhost(),
		Refresh: f.refresh, Theme: f.theme, ThemeDir: themes.UserDir(os.Getenv), NoColor: noColor(os.Getenv),
		Learn: f.learn,
	})
	if err != nil {
		fail(stderr, "kaiten", err)
		return exitUsage
	}
	defer app.Close()
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fail(stderr, "kaiten", err)
		return exitFailed
	}
	return exitOK
}

// noColor reports whether NO_COLOR asks for no colour: set and not
// empty, as https://no-color.org says.
func noColor(getenv func(string) string) bool { return getenv("NO_COLOR") != "" }

// startEmbeddedDemo starts the embedded broker on loopback with the demo
// bus running on it, and returns the config that reaches it, the header's
// label and a function that stops both. Nothing is logged: the screen
// belongs to the UI. Like kaiten broker, it sets the Go soft memory limit
// unless GOMEMLIMIT does (memlimit.go).
func startEmbeddedDemo(ctx context.Context) (broker.Config, string, func(), error) {
	applyMemoryLimit()
	b, err := embedded.Start(context.WithoutCancel(ctx), embedded.Options{})
	if err != nil {
		return broker.Config{}, "", nil, err
	}
	d, err := demo.Start(ctx, demo.Options{URL: b.AMQPURL()})
	if err != nil {
		_ = b.Close()
		return broker.Config{}, "", nil, err
	}
	stop := func() {
		d.Stop()
		_ = b.Close()
	}
	cfg := broker.Config{URL: b.AMQPURL(), APIURL: b.APIURL(), ConnectionName: "kaiten"}
	label := "embedded demo broker"
	if ep, err := cfg.Endpoints(); err == nil {
		label += " " + ep.AMQP.Redacted()
	}
	return cfg, label, stop, nil
}
