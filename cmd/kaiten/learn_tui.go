package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
	"github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// openLearnTUI runs the TUI on the lesson list, or on lesson o.Open, on
// an embedded broker of its own (no demo traffic: the lesson's vhost
// holds only what the student does). Each lesson the student opens runs
// in a vhost of its own there, and the normal views act in it.
func openLearnTUI(ctx context.Context, o learnTUIOptions, stderr io.Writer) int {
	applyMemoryLimit()
	b, err := embedded.Start(context.WithoutCancel(ctx), embedded.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fail(stderr, "kaiten learn: embedded broker", err)
		return exitFailed
	}
	defer b.Close()
	cfg := broker.Config{URL: b.AMQPURL(), APIURL: b.APIURL(), ConnectionName: "kaiten learn"}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	sess, err := broker.Open(openCtx, cfg)
	cancel()
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitFailed
	}
	defer sess.Close()
	version := ""
	if ov := sess.Overview(); ov != nil {
		version = ov.Version()
	}
	app, err := ui.New(ui.Options{
		Backend: sess, Broker: "embedded broker for lessons " + sess.Endpoints().AMQP.Redacted(), Version: version,
		Vhost: sess.Vhost(), NoColor: noColor(os.Getenv),
		Start: common.KindLearn, Lesson: o.Open,
		Learn: ui.LearnOptions{
			Target:    learn.Target{URL: b.AMQPURL(), APIURL: b.APIURL()},
			ConfigDir: o.ProgressDir, Lessons: o.Lessons,
		},
	})
	if err != nil {
		fail(stderr, "kaiten learn", err)
		return exitUsage
	}
	defer app.Close()
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fail(stderr, "kaiten learn", err)
		return exitFailed
	}
	return exitOK
}

// embeddedLessons lets :learn run lessons on the embedded broker cfg
// reaches, with the progress in kaiten's config directory (kept in
// memory when there is none).
func embeddedLessons(cfg broker.Config) ui.LearnOptions {
	dir, _ := learn.ConfigDir(os.Getenv)
	return ui.LearnOptions{Target: learn.Target{URL: cfg.URL, APIURL: cfg.APIURL}, ConfigDir: dir}
}
