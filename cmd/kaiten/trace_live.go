package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// loadLiveRouter builds the router from the live topology of a broker's
// vhost (trace --url …), printing the warnings on stderr.
func loadLiveRouter(f *traceFlags, stderr io.Writer) (*model.Router, error) {
	ctx, stop := signalContext()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	f.conn.vhost = f.vhost
	cfg, err := f.conn.resolve()
	if err != nil {
		return nil, err
	}
	cfg.ConnectionName, cfg.RequireAPI = "kaiten trace", true
	s, err := broker.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	snap, v, _, err := readTopology(ctx, s)
	if err != nil {
		return nil, err
	}
	opts := snap.RouteOptions()
	if f.version != "" {
		opts.HeadersEquality = model.HeadersEqualityFor(f.version)
	}
	r := model.NewRouter(v, opts)
	for _, w := range r.Warnings() {
		fmt.Fprintf(stderr, "warning: vhost %s: %s\n", model.Printable(v.Name), model.Printable(w.String()))
	}
	return r, nil
}
