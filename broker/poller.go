package broker

import (
	"cmp"
	"context"
	"time"
)

// PollOptions tune a Poller.
type PollOptions struct {
	// Snapshot says what each refresh fetches.
	Snapshot SnapshotOptions
	// Interval is the time between refreshes; 0 means 5 s, RabbitMQ's
	// collect_statistics_interval, and less than 1 s means 1 s.
	Interval time.Duration
	// MaxBackoff caps the growing wait after failed refreshes; 0 means 1
	// minute.
	MaxBackoff time.Duration
}

// Update is what one refresh delivers.
type Update struct {
	// Seq counts the updates, from 1.
	Seq uint64
	// Snapshot is the newest snapshot: this refresh's, or after a failed
	// refresh the last good one (nil when there was none).
	Snapshot *Snapshot
	// Diff is what changed since the last good snapshot; everything is
	// Added in the first. It is empty after a failed refresh.
	Diff Diff
	// Rates are the rates as of this snapshot (see RateTracker): an
	// object has none until its counters have stepped twice, which takes
	// two of RabbitMQ's stats intervals. Nil after a failed refresh.
	Rates *RateSheet
	// Err is why this refresh failed; the poller keeps trying, waiting
	// longer after each failure.
	Err error
	// Next is when the next refresh starts, unless Refresh is called.
	Next time.Time
}

// FetchFunc takes one snapshot.
type FetchFunc func(ctx context.Context) (*Snapshot, error)

// Poller refreshes snapshots on an interval and delivers each as an
// Update holding the diff and the rates. It fetches the next snapshot only
// after the last update was received, so a slow reader never misses a
// diff and never builds a backlog.
type Poller struct {
	updates chan Update
	refresh chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

// Poll starts a poller of the session's management API.
func (s *Session) Poll(ctx context.Context, o PollOptions) *Poller {
	so := o.Snapshot
	return NewPoller(ctx, func(ctx context.Context) (*Snapshot, error) { return s.Snapshot(ctx, so) }, o)
}

// NewPoller starts a poller that takes snapshots with fetch. It stops
// when ctx ends or Stop is called.
func NewPoller(ctx context.Context, fetch FetchFunc, o PollOptions) *Poller {
	interval := max(cmp.Or(o.Interval, 5*time.Second), time.Second)
	maxWait := max(cmp.Or(o.MaxBackoff, time.Minute), interval)
	ctx, cancel := context.WithCancel(ctx)
	p := &Poller{updates: make(chan Update), refresh: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go p.run(ctx, fetch, interval, maxWait)
	return p
}

// Updates returns the channel updates arrive on. It is closed when the
// poller stops.
func (p *Poller) Updates() <-chan Update { return p.updates }

// Refresh asks for a refresh now rather than at the next interval.
func (p *Poller) Refresh() {
	select {
	case p.refresh <- struct{}{}:
	default:
	}
}

// Stop stops the poller and waits until it has.
func (p *Poller) Stop() {
	p.cancel()
	<-p.done
}

func (p *Poller) run(ctx context.Context, fetch FetchFunc, interval, maxWait time.Duration) {
	defer close(p.done)
	defer close(p.updates)
	var (
		prev  *Snapshot
		seq   uint64
		fails int
		rates RateTracker
	)
	for {
		snap, err := fetch(ctx)
		if ctx.Err() != nil {
			return
		}
		seq++
		u := Update{Seq: seq}
		wait := interval
		if err != nil {
			fails++
			wait = min(interval<<min(fails, 16), maxWait)
			u.Snapshot, u.Err = prev, err
		} else {
			fails = 0
			u.Snapshot, u.Diff, u.Rates = snap, DiffSnapshots(prev, snap), rates.Observe(snap)
			prev = snap
		}
		u.Next = time.Now().Add(wait)
		select {
		case p.updates <- u:
		case <-ctx.Done():
			return
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-p.refresh:
			timer.Stop()
		case <-ctx.Done():
			timer.Stop()
			return
		}
	}
}
