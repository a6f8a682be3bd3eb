package broker

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoller(t *testing.T) {
	var calls atomic.Int32
	boom := errors.New("boom")
	fetch := func(ctx context.Context) (*Snapshot, error) {
		n := calls.Add(1)
		if n == 3 {
			return nil, boom
		}
		qs := []Queue{{Vhost: "v", Name: "a"}}
		if n >= 2 {
			qs = append(qs, Queue{Vhost: "v", Name: "b"})
		}
		now := time.Now()
		s := &Snapshot{Kinds: AllKinds, Queues: qs, At: now, TotalsTaken: now}
		s.Taken[KindQueues] = now
		return s, nil
	}
	p := NewPoller(context.Background(), fetch, PollOptions{Interval: time.Hour})
	next := func() Update {
		t.Helper()
		select {
		case u := <-p.Updates():
			return u
		case <-time.After(5 * time.Second):
			t.Fatal("no update")
		}
		return Update{}
	}
	u := next()
	if u.Seq != 1 || u.Err != nil || len(u.Diff.Queues.Added) != 1 || u.Rates == nil || u.Next.Before(time.Now().Add(50*time.Minute)) {
		t.Errorf("first update %+v", u)
	}
	p.Refresh()
	u = next()
	if u.Seq != 2 || len(u.Diff.Queues.Added) != 1 || u.Diff.Queues.Added[0].Name != "b" {
		t.Errorf("second update %+v", u.Diff.Queues)
	}
	good := u.Snapshot
	p.Refresh()
	u = next()
	if !errors.Is(u.Err, boom) || u.Snapshot != good || !u.Diff.Empty() || u.Rates != nil || u.Next.Before(time.Now().Add(59*time.Minute)) {
		t.Errorf("failed update %+v", u)
	}
	p.Refresh()
	u = next()
	if u.Err != nil || !u.Diff.Empty() {
		t.Errorf("after the failure the diff is against the last good snapshot: %+v", u.Diff)
	}
	p.Stop()
	if _, ok := <-p.Updates(); ok {
		t.Error("Updates stays open after Stop")
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d fetches, want 4: the poller fetched ahead of its reader", n)
	}
}

func TestPollerStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := NewPoller(ctx, func(ctx context.Context) (*Snapshot, error) { return &Snapshot{}, nil }, PollOptions{})
	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-p.Updates():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the poller did not stop")
		}
	}
}
