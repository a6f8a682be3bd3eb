package msglist

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

// chanStream is a stream over a channel the test feeds: Wait's batching
// is tested on real channel timing.
type chanStream struct {
	ch  chan broker.Batch
	err error
}

func (s *chanStream) Batches() <-chan broker.Batch { return s.ch }
func (s *chanStream) Err() error                   { return s.err }
func (s *chanStream) Close() error                 { return nil }

func batchOf(n int) broker.Batch {
	b := broker.Batch{Messages: make([]broker.Message, n)}
	for i := range b.Messages {
		b.Messages[i].RoutingKey = string(rune('a' + i%26))
	}
	return b
}

func TestWaitGathersOneFrame(t *testing.T) {
	s := &chanStream{ch: make(chan broker.Batch)}
	cmd := Wait(context.Background(), 1, 2, s, 100*time.Millisecond, 10)
	go func() {
		s.ch <- batchOf(4)
		s.ch <- broker.Batch{Messages: batchOf(4).Messages, Dropped: 2, Events: []broker.Event{{Kind: broker.EventNote, Text: "n"}}}
		s.ch <- batchOf(4)
	}()
	got := cmd().(BatchMsg)
	if got.Owner != 1 || got.ID != 2 || got.Closed {
		t.Fatalf("batch %+v", got)
	}
	if len(got.Batch.Messages) != 10 || got.Skipped != 2 || got.Batch.Dropped != 2 || len(got.Batch.Events) != 1 {
		t.Errorf("merged %d messages, skipped %d, dropped %d, %d events; want 10, 2, 2, 1",
			len(got.Batch.Messages), got.Skipped, got.Batch.Dropped, len(got.Batch.Events))
	}
}

func TestWaitReportsTheEndAndStops(t *testing.T) {
	s := &chanStream{ch: make(chan broker.Batch), err: errors.New("queue deleted")}
	close(s.ch)
	got := Wait(context.Background(), 1, 2, s, Frame, 0)().(BatchMsg)
	if !got.Closed || got.Err == nil || got.Err.Error() != "queue deleted" {
		t.Errorf("end of stream: %+v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	quiet := &chanStream{ch: make(chan broker.Batch)}
	done := make(chan any)
	go func() { done <- Wait(ctx, 1, 3, quiet, Frame, 0)() }()
	cancel()
	select {
	case msg := <-done:
		if msg != nil {
			t.Errorf("a stopped wait returned %#v", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait does not end with its context")
	}
}

func TestStartStopLifecycle(t *testing.T) {
	c := newCommon(t)
	m := New(c, 0)
	m.SetSize(80, 20)
	s := &chanStream{ch: make(chan broker.Batch, 1)}
	start := m.Start(func(context.Context) (Stream, error) { return s, nil })
	started := start().(StartedMsg)
	wait := m.Update(started)
	if !m.Running() || wait == nil {
		t.Fatalf("running %v after StartedMsg", m.Running())
	}
	s.ch <- batchOf(3)
	if cmd := m.Update(wait()); cmd == nil || m.Len() != 3 {
		t.Errorf("kept %d, next wait %v", m.Len(), cmd != nil)
	}
	// Stopped, the list's stream is closed by the returned command, and
	// its messages are stale.
	closed := make(chan struct{}, 1)
	s2 := &closingStream{chanStream: chanStream{ch: make(chan broker.Batch, 1)}, closed: closed}
	m.feed.h.stream = s2
	old := m.feed.id
	stop := m.Stop()
	if stop == nil || m.Running() {
		t.Fatalf("stop: cmd %v, running %v", stop != nil, m.Running())
	}
	stop()
	select {
	case <-closed:
	default:
		t.Error("Stop's command does not close the stream")
	}
	if cmd := m.Update(BatchMsg{Owner: m.id, ID: old, Batch: batchOf(2)}); cmd != nil || m.Len() != 3 {
		t.Errorf("a stale batch was taken: %d kept", m.Len())
	}
}

// A start that finishes after the stop closes what it started.
func TestStartAfterStopClosesTheStream(t *testing.T) {
	var f feed
	closed := make(chan struct{}, 1)
	late := &closingStream{chanStream: chanStream{ch: make(chan broker.Batch)}, closed: closed}
	_, start := f.start(context.Background(), 1, func(context.Context) (Stream, error) { return late, nil })
	if stop := f.stop(); stop != nil {
		t.Errorf("nothing to close yet, yet stop has a command")
	}
	if msg := start(); msg != nil {
		t.Errorf("a start after the stop reported %#v", msg)
	}
	select {
	case <-closed:
	default:
		t.Error("the stream started after the stop was not closed")
	}
}

type closingStream struct {
	chanStream
	closed chan struct{}
}

func (s *closingStream) Close() error {
	s.closed <- struct{}{}
	return nil
}
