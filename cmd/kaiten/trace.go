package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// headerFlags collects repeated --header NAME=VALUE flags.
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ",") }

func (h *headerFlags) Set(s string) error {
	if !strings.Contains(s, "=") {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	*h = append(*h, s)
	return nil
}

type traceFlags struct {
	definitions string
	vhost       string
	exchange    string
	routingKey  string
	headers     headerFlags
	headersJSON string
	output      string
	batch       bool
	nearMisses  int
	version     string
	noDead      bool
	set         map[string]bool
	conn        connFlags // a live broker instead of --definitions
}

func parseTraceFlags(args []string, stderr io.Writer) (*traceFlags, error) {
	f := &traceFlags{}
	fs := flag.NewFlagSet("kaiten trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.definitions, "definitions", "", "RabbitMQ definitions JSON (rabbitmqctl export_definitions, GET /api/definitions[/{vhost}])")
	fs.StringVar(&f.vhost, "vhost", "", "vhost to trace in (default: the only one, else /)")
	fs.StringVar(&f.exchange, "exchange", "", `exchange to publish to ("" is the default exchange)`)
	fs.StringVar(&f.routingKey, "routing-key", "", "routing key")
	fs.Var(&f.headers, "header", "message header NAME=VALUE, a string (repeatable)")
	fs.StringVar(&f.headersJSON, "headers-json", "", `message headers as a JSON object, keeping types: {"a": 1} is a long, {"a": 1.5} a double`)
	fs.StringVar(&f.output, "output", "text", "text or json")
	fs.BoolVar(&f.batch, "batch", false, `read probes as JSON Lines on stdin ({"exchange": "...", "routing_key": "...", "headers": {...}}), write one JSON result per line`)
	fs.IntVar(&f.nearMisses, "near-misses", 10, "how many non-matching bindings to explain per exchange, closest first (-1 all)")
	fs.StringVar(&f.version, "rabbitmq-version", "", "route as this RabbitMQ version does (headers equality changed in 3.13); default: the definitions' rabbitmq_version")
	fs.BoolVar(&f.noDead, "no-dead-letters", false, "leave out the dead-letter what-if branches")
	f.conn.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case f.definitions == "" && !f.conn.configured():
		return nil, errors.New("--definitions FILE (a RabbitMQ definitions export) or a broker (--url, --context, KAITEN_URL) is required")
	case f.output != "text" && f.output != "json":
		return nil, fmt.Errorf("--output must be text or json, not %q", f.output)
	case f.batch && (f.set["exchange"] || f.set["routing-key"] || len(f.headers) > 0 || f.headersJSON != ""):
		return nil, errors.New("--batch reads probes from stdin; it takes no --exchange, --routing-key or headers")
	case !f.batch && !f.set["exchange"]:
		return nil, errors.New(`--exchange is required (use --exchange "" for the default exchange)`)
	}
	return f, nil
}

// messageHeaders builds the headers table from --headers-json and --header.
func (f *traceFlags) messageHeaders() (model.Table, error) {
	return parseHeaders(f.headersJSON, f.headers)
}

func runTrace(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parseTraceFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fail(stderr, "kaiten trace", err)
		return exitUsage
	}
	load := loadRouter
	if f.definitions == "" {
		load = loadLiveRouter
	}
	router, err := load(f, stderr)
	if err != nil {
		fail(stderr, "kaiten trace", err)
		return exitUsage
	}
	if f.batch {
		return runBatch(router, f, stdin, stdout, stderr)
	}
	headers, err := f.messageHeaders()
	if err != nil {
		fail(stderr, "kaiten trace", err)
		return exitUsage
	}
	tr := router.Trace(model.Message{Exchange: f.exchange, RoutingKey: f.routingKey, Headers: headers},
		model.TraceOptions{NearMisses: f.nearMisses, NoDeadLetters: f.noDead})
	if f.output == "json" {
		var out bytes.Buffer
		_ = json.Indent(&out, appendTraceJSON(nil, &tr), "", "  ")
		out.WriteByte('\n')
		if _, err := out.WriteTo(stdout); err != nil {
			fail(stderr, "kaiten trace", err)
			return exitFailed
		}
	} else {
		writeTraceText(stdout, &tr, colorEnabled(stdout))
	}
	if tr.Error != nil || tr.Unroutable {
		return exitFailed
	}
	return exitOK
}

// loadRouter reads the definitions and builds the router for the vhost,
// printing the warnings on stderr.
func loadRouter(f *traceFlags, stderr io.Writer) (*model.Router, error) {
	data, err := os.ReadFile(f.definitions)
	if err != nil {
		return nil, fmt.Errorf("cannot read definitions: %v", err)
	}
	vhostDefault := f.vhost
	if vhostDefault == "" {
		vhostDefault = "/"
	}
	defs, err := model.ParseDefinitions(f.definitions, data, vhostDefault)
	if err != nil {
		return nil, err
	}
	v, err := pickVhost(defs, f.vhost)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.definitions, err)
	}
	version := f.version
	if version == "" {
		version = defs.Version()
	}
	r := model.NewRouter(*v, model.Options{HeadersEquality: model.HeadersEqualityFor(version)})
	for _, w := range defs.Warnings {
		fmt.Fprintf(stderr, "warning: %s: %s\n", f.definitions, model.Printable(w.String()))
	}
	for _, w := range r.Warnings() {
		if !defsWarned(defs.Warnings, w) {
			fmt.Fprintf(stderr, "warning: %s: vhost %s: %s\n", f.definitions, model.Printable(v.Name), model.Printable(w.String()))
		}
	}
	return r, nil
}

// defsWarned reports whether loading the definitions already warned about
// the same item, so a dangling binding is not reported twice.
func defsWarned(ws []model.Warning, w model.Warning) bool {
	for _, d := range ws {
		if d.Item == w.Item {
			return true
		}
	}
	return false
}

func pickVhost(defs *model.Definitions, name string) (*model.Vhost, error) {
	if name != "" {
		if v, ok := defs.Vhost(name); ok {
			return v, nil
		}
		return nil, fmt.Errorf("no vhost %q (it has %s)", name, vhostNames(defs))
	}
	if len(defs.Vhosts) == 1 {
		return &defs.Vhosts[0], nil
	}
	if v, ok := defs.Vhost("/"); ok {
		return v, nil
	}
	return nil, fmt.Errorf("it has several vhosts (%s); choose one with --vhost", vhostNames(defs))
}

func vhostNames(defs *model.Definitions) string {
	names := make([]string, len(defs.Vhosts))
	for i, v := range defs.Vhosts {
		names[i] = fmt.Sprintf("%q", v.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
