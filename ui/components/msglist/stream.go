package msglist

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
)

// Frame is how long a batch gathers messages after the first arrives: one
// frame at 60 frames a second, so a busy stream costs one Update and one
// redraw a frame, however many messages it brings.
const Frame = 16 * time.Millisecond

// Stream is what a message list reads: a *broker.Tap or a
// *broker.QueueConsumer.
type Stream interface {
	Batches() <-chan broker.Batch
	Err() error
	Close() error
}

// ids numbers lists and streams across the program, so that a message
// for one list or stream is never taken by another.
var ids atomic.Uint64

func nextID() uint64 { return ids.Add(1) }

// StartedMsg says a list's stream started, or could not.
type StartedMsg struct {
	Owner, ID uint64
	Stream    Stream
	Err       error
}

// BatchMsg is one frame's worth of a stream: every batch that came within
// Frame of the first, merged, the oldest dropped past max.
type BatchMsg struct {
	Owner, ID uint64
	Batch     broker.Batch
	// Skipped counts the messages received but left out because the
	// batch held more than the list keeps: they scrolled out unseen.
	Skipped int
	// Closed says the stream ended; Err says why (nil: closed or count
	// reached).
	Closed bool
	Err    error
}

// handle holds a list's running stream for the commands that start and
// stop it: a start that finishes after the stop closes what it started,
// so no tap queue or consumer is left behind.
type handle struct {
	mu      sync.Mutex
	stream  Stream
	stopped bool
	cancel  context.CancelFunc
	ctx     context.Context
}

// feed is the list's current stream: its id, its handle, and whether a
// Wait is out.
type feed struct {
	id       uint64
	h        *handle
	stream   Stream // set by Update from StartedMsg
	waiting  bool
	running  bool
	starting bool
}

// Opener starts a stream; ctx ends when the list stops it.
type Opener func(ctx context.Context) (Stream, error)

// start begins a new stream, stopping the current one; the returned
// command opens it and reports StartedMsg.
func (f *feed) start(parent context.Context, owner uint64, open Opener) (stop, start tea.Cmd) {
	stop = f.stop()
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	h := &handle{ctx: ctx, cancel: cancel}
	id := nextID()
	f.id, f.h, f.stream, f.waiting, f.running, f.starting = id, h, nil, false, false, true
	return stop, func() tea.Msg {
		s, err := open(ctx)
		if err != nil {
			return StartedMsg{Owner: owner, ID: id, Err: err}
		}
		h.mu.Lock()
		if h.stopped {
			h.mu.Unlock()
			_ = s.Close()
			return nil
		}
		h.stream = s
		h.mu.Unlock()
		return StartedMsg{Owner: owner, ID: id, Stream: s}
	}
}

// stop ends the current stream: the returned command closes it (and
// deletes its queues) before it returns, so App.Close can run it at exit.
func (f *feed) stop() tea.Cmd {
	h := f.h
	f.id, f.h, f.stream, f.waiting, f.running, f.starting = 0, nil, nil, false, false, false
	if h == nil {
		return nil
	}
	h.mu.Lock()
	h.stopped = true
	s := h.stream
	h.mu.Unlock()
	h.cancel()
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		_ = s.Close()
		return nil
	}
}

// wait returns the command that reads the next frame of the stream.
func (f *feed) wait(owner uint64, limit int) tea.Cmd {
	if f.h == nil || f.stream == nil || f.waiting || !f.running {
		return nil
	}
	f.waiting = true
	return Wait(f.h.ctx, owner, f.id, f.stream, Frame, limit)
}

// Wait returns a command that waits for a batch of s, then gathers what
// else comes within frame, and returns it as one BatchMsg, keeping at
// most limit messages (the oldest are counted in Skipped). It returns nil
// when ctx ends first.
func Wait(ctx context.Context, owner, id uint64, s Stream, frame time.Duration, limit int) tea.Cmd {
	return func() tea.Msg {
		ch := s.Batches()
		var out BatchMsg
		out.Owner, out.ID = owner, id
		select {
		case <-ctx.Done():
			return nil
		case b, ok := <-ch:
			if !ok {
				out.Closed, out.Err = true, s.Err()
				return out
			}
			merge(&out, b, limit)
		}
		timer := time.NewTimer(frame)
		defer timer.Stop()
		for {
			select {
			case b, ok := <-ch:
				if !ok {
					out.Closed, out.Err = true, s.Err()
					return out
				}
				merge(&out, b, limit)
			case <-timer.C:
				return out
			case <-ctx.Done():
				return out
			}
		}
	}
}

// merge adds b to into, keeping at most limit messages (0: no limit).
func merge(into *BatchMsg, b broker.Batch, limit int) {
	into.Batch.Messages = append(into.Batch.Messages, b.Messages...)
	into.Batch.Events = append(into.Batch.Events, b.Events...)
	into.Batch.Dropped += b.Dropped
	if over := len(into.Batch.Messages) - limit; limit > 0 && over > 0 {
		into.Batch.Messages = append(into.Batch.Messages[:0], into.Batch.Messages[over:]...)
		into.Skipped += over
	}
}
