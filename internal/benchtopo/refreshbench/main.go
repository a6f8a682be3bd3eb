// Command refreshbench measures kaiten's refresh of a large broker: it opens
// a session and takes snapshots the way the TUI's poller does (a snapshot,
// then its diff against the last one and the rates), printing how long each
// took, and at the end the process's peak resident memory (VmHWM):
//
//	go run ./internal/benchtopo/refreshbench -url amqp://guest:guest@127.0.0.1:5672/ -vhost big -n 10
//
// With -urls it prints the management API URLs one refresh requests, one a
// line, for fetching the same pages with curl.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

func main() {
	url := flag.String("url", "amqp://guest:guest@127.0.0.1:5672/", "AMQP URI")
	apiURL := flag.String("api", "", "management API URL; \"\" means http://<host>:15672")
	vhost := flag.String("vhost", "", "the vhost to snapshot; \"\" means every vhost, as the TUI does")
	stats := flag.Bool("stats", true, "fetch the stats columns, as the TUI does")
	n := flag.Int("n", 5, "refreshes to take")
	urls := flag.Bool("urls", false, "print the URLs of one refresh and stop")
	flag.Parse()
	if err := run(*url, *apiURL, *vhost, *stats, *n, *urls); err != nil {
		fmt.Fprintln(os.Stderr, "refreshbench:", err)
		os.Exit(1)
	}
}

// logger records the URLs requested.
type logger struct {
	next http.RoundTripper
	mu   sync.Mutex
	urls []string
}

func (l *logger) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.urls = append(l.urls, r.URL.String())
	l.mu.Unlock()
	return l.next.RoundTrip(r)
}

func run(url, apiURL, vhost string, stats bool, n int, urls bool) error {
	ctx := context.Background()
	cfg := broker.Config{URL: url, APIURL: apiURL, RequireAPI: true}
	var log *logger
	if urls {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 8
		log = &logger{next: tr}
		cfg.HTTPClient = &http.Client{Transport: log, Timeout: 30 * time.Second}
	}
	s, err := broker.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	o := broker.SnapshotOptions{Vhost: vhost, Stats: stats}
	if urls {
		if _, err := s.Snapshot(ctx, o); err != nil {
			return err
		}
		for _, u := range log.urls {
			fmt.Println(u)
		}
		return nil
	}
	var (
		prev  *broker.Snapshot
		rates broker.RateTracker
		took  []time.Duration
	)
	for i := range n {
		start := time.Now()
		snap, err := s.Snapshot(ctx, o)
		if err != nil {
			return err
		}
		fetched := time.Since(start)
		d := broker.DiffSnapshots(prev, snap)
		rates.Observe(snap)
		prev = snap
		all := time.Since(start)
		took = append(took, all)
		fmt.Printf("refresh %d: %v (fetch %v, diff+rates %v): %d exchanges, %d queues, %d bindings, %d exchange+queue+binding changes\n",
			i+1, all.Round(time.Millisecond), fetched.Round(time.Millisecond), (all - fetched).Round(time.Millisecond),
			len(snap.Exchanges), len(snap.Queues), len(snap.Bindings), d.Queues.Len()+d.Bindings.Len()+d.Exchanges.Len())
	}
	if len(took) > 0 {
		slices.Sort(took)
		fmt.Printf("median %v, min %v, max %v over %d refreshes\n",
			took[len(took)/2].Round(time.Millisecond), took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), len(took))
	}
	fmt.Println("peak RSS (VmHWM):", vmHWM())
	return nil
}

// vmHWM returns the process's peak resident set size from /proc, or "?".
func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
