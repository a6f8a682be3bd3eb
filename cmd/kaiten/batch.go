package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/kaiten-bus/kaiten/model"
)

// maxBatchLine is the longest probe line --batch reads.
const maxBatchLine = 16 << 20

// batchProbe is one line of --batch input.
type batchProbe struct {
	Exchange   *string         `json:"exchange"`
	RoutingKey string          `json:"routing_key"`
	Headers    json.RawMessage `json:"headers"`
}

// batchError is the result written for a line that is not a probe. Its
// code is 0: no broker would ever see it.
type batchError struct {
	Line  int              `json:"line"`
	Error model.RouteError `json:"error"`
}

func parseProbe(line []byte) (model.Message, error) {
	var p batchProbe
	if err := json.Unmarshal(line, &p); err != nil {
		return model.Message{}, fmt.Errorf("not a JSON probe: %v", err)
	}
	if p.Exchange == nil {
		return model.Message{}, fmt.Errorf(`no "exchange" (use "" for the default exchange)`)
	}
	m := model.Message{Exchange: *p.Exchange, RoutingKey: p.RoutingKey}
	if len(p.Headers) > 0 && string(p.Headers) != "null" {
		h, err := model.ParseTableJSON(p.Headers)
		if err != nil {
			return model.Message{}, fmt.Errorf("headers: %v", err)
		}
		m.Headers = h
	}
	return m, nil
}

// batchChunk is a run of input lines traced together; done carries the
// JSON Lines they produce and whether any line was bad.
type batchChunk struct {
	first int // number of the first line
	lines [][]byte
	done  chan batchOutput
}

type batchOutput struct {
	data []byte
	bad  bool
	err  error
}

const batchChunkLines = 256

// chunkBuffers recycles the output buffers of chunks once they are written.
var chunkBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512<<10); return &b }}

// runBatch traces each probe line and writes one JSON result per line, in
// order. A bad line gets an error object and the rest go on; the exit
// status is then 2. Chunks of lines are traced on every core.
func runBatch(r *model.Router, f *traceFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	opts := model.TraceOptions{NearMisses: 0, NoDeadLetters: f.noDead}
	if f.set["near-misses"] {
		opts.NearMisses = f.nearMisses
	}
	jobs := make(chan *batchChunk, 2*runtime.GOMAXPROCS(0))
	ordered := make(chan *batchChunk, 4*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range jobs {
				c.done <- traceChunk(r, opts, c)
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(jobs)
		in := bufio.NewScanner(stdin)
		in.Buffer(make([]byte, 64<<10), maxBatchLine)
		c := &batchChunk{first: 1, done: make(chan batchOutput, 1)}
		n := 0
		flush := func() {
			jobs <- c
			ordered <- c
			c = &batchChunk{first: n + 1, done: make(chan batchOutput, 1)}
		}
		for in.Scan() {
			n++
			c.lines = append(c.lines, bytes.Clone(in.Bytes()))
			if len(c.lines) == batchChunkLines {
				flush()
			}
		}
		if len(c.lines) > 0 {
			flush()
		}
		if err := in.Err(); err != nil {
			readErr <- fmt.Errorf("reading probes: line %d: %v", n+1, err)
		}
		close(readErr)
	}()
	out := bufio.NewWriterSize(stdout, 256<<10)
	status := exitOK
	var writeErr error
	for c := range ordered {
		res := <-c.done
		if res.bad {
			status = exitUsage
		}
		if writeErr == nil && res.err == nil {
			_, writeErr = out.Write(res.data)
		} else if res.err != nil {
			writeErr = res.err
		}
		chunkBuffers.Put(&res.data)
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		fail(stderr, "kaiten trace", err)
		status = exitUsage
	}
	if err := out.Flush(); err != nil && writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		fail(stderr, "kaiten trace", writeErr)
		return exitFailed
	}
	return status
}

// traceChunk traces the chunk's lines; blank lines give no result.
func traceChunk(r *model.Router, opts model.TraceOptions, c *batchChunk) batchOutput {
	buf := (*chunkBuffers.Get().(*[]byte))[:0]
	var res batchOutput
	for i, raw := range c.lines {
		line := bytes.TrimSpace(raw)
		if len(line) == 0 {
			continue
		}
		n := c.first + i
		m, err := parseProbe(line)
		if err != nil {
			res.bad = true
			e, _ := json.Marshal(batchError{Line: n, Error: model.RouteError{Text: fmt.Sprintf("line %d: %v", n, err)}})
			buf = append(buf, e...)
		} else {
			tr := r.Trace(m, opts)
			buf = appendTraceJSON(buf, &tr)
		}
		buf = append(buf, '\n')
	}
	res.data = buf
	return res
}
