package broker

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Batch is what a stream hands over at once: every message that arrived
// since the reader last took a batch, and what happened meanwhile. A
// reader that takes one batch per frame redraws once per frame, however
// busy the broker is.
type Batch struct {
	Messages []Message
	Events   []Event
	// Dropped counts the messages a tap threw away since the previous
	// batch because its reader fell behind (see TapOptions.MaxPending).
	// Consumers never drop: they stop taking messages from the broker.
	Dropped int
}

// EventKind says what happened to a stream.
type EventKind uint8

// The things that happen to a stream besides messages.
const (
	// EventNote is worth telling the user, like a binding key a tap of a
	// direct exchange added or removed.
	EventNote EventKind = iota
	// EventInterrupted: the connection dropped. A tap misses what is
	// published until it is restored; a manual-ack consumer's unsettled
	// messages go back to the queue and come again, redelivered.
	EventInterrupted
	// EventRestored: the stream is set up again, on a new connection or a
	// new channel.
	EventRestored
)

var eventKindNames = [...]string{"note", "interrupted", "restored"}

// String names the kind in a word.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "event"
}

// Event is something that happened to a stream.
type Event struct {
	Kind EventKind
	Text string
	At   time.Time
}

// stream is the part every tap and consumer shares: it gathers messages
// pushed by the pumps into a pending batch and hands it over when the
// reader is ready, so batches grow while the reader is busy.
type stream struct {
	out  chan Batch
	wake chan struct{} // a push happened
	room chan struct{} // a batch was taken

	mu      sync.Mutex
	pending Batch
	limit   int  // most messages pending; 0 means no limit
	drop    bool // over the limit, drop the oldest rather than wait
	left    int  // messages still wanted; -1 means no count
	// hold keeps the attach loop, and so the channel, up when the count
	// is reached, until Close: consumers' messages can still be settled.
	hold bool
	// onCount, when set, runs when a holding stream reaches its count.
	onCount  func()
	err      error
	finished bool

	// ctx ends the attach loop: on Close, or when the count is reached.
	ctx    context.Context
	stop   context.CancelFunc
	closed chan struct{} // Close was called: nobody reads any more
	ended  chan struct{} // the attach loop finished and cleaned up
	quiet  chan struct{} // deliver returned: no taken hook runs any more
	input  chan struct{} // finish was called: no more pushes
	once   sync.Once
	// cleanup, when set, runs when the attach loop has stopped, before
	// Close returns.
	cleanup func()
	// taken, when set, hears each batch the reader took, before the next
	// one is handed over.
	taken func(Batch)
}

func newStream(limit int, drop bool, count int) *stream {
	st := &stream{
		out: make(chan Batch), wake: make(chan struct{}, 1), room: make(chan struct{}, 1),
		limit: limit, drop: drop, left: -1,
		closed: make(chan struct{}), ended: make(chan struct{}), input: make(chan struct{}), quiet: make(chan struct{}),
	}
	if count > 0 {
		st.left = count
	}
	st.ctx, st.stop = context.WithCancel(context.Background())
	go st.deliver()
	return st
}

// push adds messages to the pending batch. A stream without drop waits
// for room; one with drop throws away the oldest pending messages. push
// reports false once the count is reached (the rest are not taken).
func (st *stream) push(msgs []Message) bool {
	st.mu.Lock()
	for !st.drop && st.limit > 0 && len(st.pending.Messages) >= st.limit {
		st.mu.Unlock()
		select {
		case <-st.room:
		case <-st.closed:
			return false
		}
		st.mu.Lock()
	}
	if st.finished || st.left == 0 {
		st.mu.Unlock()
		return false
	}
	reached := false
	if st.left > 0 && len(msgs) >= st.left {
		msgs = msgs[:st.left]
		st.left, reached = 0, true
	} else if st.left > 0 {
		st.left -= len(msgs)
	}
	st.pending.Messages = append(st.pending.Messages, msgs...)
	if over := len(st.pending.Messages) - st.limit; st.drop && st.limit > 0 && over > 0 {
		st.pending.Messages = append(st.pending.Messages[:0], st.pending.Messages[over:]...)
		st.pending.Dropped += over
	}
	st.signal()
	st.mu.Unlock()
	if reached {
		st.countReached()
	}
	return !reached
}

// countReached ends the stream once the count is reached: a tap stops
// at once; a consumer stops delivering but keeps its channel until Close.
func (st *stream) countReached() {
	if !st.hold {
		st.stop()
		return
	}
	if st.onCount != nil {
		st.onCount()
	}
	st.finish(nil)
}

// reached reports whether the count was reached.
func (st *stream) reached() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.left == 0
}

// dropEpochs drops the pending messages that came on an attachment older
// than epoch: the broker delivers them again.
func (st *stream) dropEpochs(epoch uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pending.Messages = slices.DeleteFunc(st.pending.Messages, func(m Message) bool { return m.epoch < epoch })
}

// event adds an event to the pending batch.
func (st *stream) event(kind EventKind, text string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.finished {
		return
	}
	st.pending.Events = append(st.pending.Events, Event{Kind: kind, Text: text, At: time.Now()})
	st.signal()
}

func (st *stream) signal() {
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// finish ends the stream: what is pending is still handed over, then the
// batches channel closes and Err returns err.
func (st *stream) finish(err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.finishLocked(err)
}

func (st *stream) finishLocked(err error) {
	if st.finished {
		return
	}
	st.finished, st.err = true, err
	close(st.input)
}

// deliver hands pending batches to the reader until the stream finished
// and everything was taken, or the reader closed the stream.
func (st *stream) deliver() {
	defer close(st.quiet)
	defer close(st.out)
	final := false
	for {
		if !final {
			select {
			case <-st.wake:
			case <-st.input:
				final = true
			case <-st.closed:
				return
			}
		}
		st.mu.Lock()
		b := st.pending
		st.pending = Batch{}
		st.mu.Unlock()
		if len(b.Messages) == 0 && len(b.Events) == 0 && b.Dropped == 0 {
			if final {
				return
			}
			continue
		}
		select {
		case st.out <- b:
		case <-st.closed:
			return
		}
		select {
		case st.room <- struct{}{}:
		default:
		}
		if st.taken != nil {
			st.taken(b)
		}
	}
}

// Batches returns the channel of batches. It closes when the stream ends;
// Err then says why.
func (st *stream) Batches() <-chan Batch { return st.out }

// Err returns why the stream ended: nil when it was closed or reached its
// count, else the error that ended it.
func (st *stream) Err() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// Done is closed when the stream has stopped and cleaned up after itself.
func (st *stream) Done() <-chan struct{} { return st.ended }

// Close stops the stream and cleans up on the broker (cancels its
// consumer, deletes its queues) before it returns. Messages not yet taken
// are dropped. Close is safe to call more than once.
func (st *stream) Close() error {
	st.once.Do(func() { close(st.closed) })
	<-st.quiet // a batch taken is settled before the channel goes
	st.stop()
	<-st.ended
	return nil
}
