package broker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// attacher sets a stream up on an AMQP channel: a tap declares and binds
// its queues, a consumer consumes its queue. The attach loop calls it
// again on each new connection, so taps and consumers survive reconnects.
type attacher interface {
	// attach sets up on ch and returns the feeds to pump. epoch counts
	// the attachments, from 1.
	attach(ctx context.Context, ch *amqp.Channel, epoch uint64) ([]feed, error)
	// detach cleans up, best effort, what would outlive the channel.
	detach(ch *amqp.Channel)
	// lost decides what to do when a feed ended while the connection
	// stayed up (the broker cancelled a consumer or closed the channel):
	// nil attaches again, an error ends the stream with it.
	lost(cause *amqp.Error) error
}

// feed is one consumer's deliveries and how to turn them into messages.
type feed struct {
	deliveries <-chan amqp.Delivery
	// convert returns the message and whether to keep it.
	convert func(d *amqp.Delivery) (Message, bool)
}

// pumpBatch is the most deliveries a pump converts before pushing them.
const pumpBatch = 512

// reattachLimit is how many times in reattachWindow the broker may cancel
// a stream with the connection up before the stream gives up.
const (
	reattachLimit  = 5
	reattachWindow = 30 * time.Second
)

// run attaches the stream and keeps it attached until its ctx ends, the
// session closes, or the attacher gives up; then it cleans up and
// finishes the stream. The first attachment's outcome goes to ready.
func (st *stream) run(s *Session, a attacher, ready chan<- error) {
	defer close(st.ended)
	if st.cleanup != nil {
		defer st.cleanup()
	}
	var (
		epoch    uint64
		first    = true
		reattach []time.Time
	)
	fail := func(err error) {
		if first {
			ready <- err
		}
		st.finish(err)
	}
	for {
		conn, gen, err := s.Connection()
		if err != nil {
			if first || s.awaitGeneration(st.ctx, gen) != nil {
				fail(st.endError(err))
				return
			}
			continue
		}
		ch, err := conn.Channel()
		if err != nil {
			if first || s.awaitGeneration(st.ctx, gen) != nil {
				fail(st.endError(err))
				return
			}
			continue
		}
		epoch++
		closes := ch.NotifyClose(make(chan *amqp.Error, 1))
		feeds, err := a.attach(st.ctx, ch, epoch)
		if err != nil {
			_ = ch.Close()
			if !conn.IsClosed() || first || s.awaitGeneration(st.ctx, gen) != nil {
				fail(err)
				return
			}
			continue
		}
		if first {
			ready <- nil
			first = false
		} else {
			st.event(EventRestored, "restored")
		}

		ended := st.pumpAll(feeds)
		select {
		case <-st.ctx.Done():
			a.detach(ch)
			_ = ch.Close()
			<-ended
			st.finish(nil)
			return
		case <-ended:
		}
		if st.reached() {
			// A consumer that got its count keeps the channel for the
			// settling of its messages until Close.
			<-st.ctx.Done()
			a.detach(ch)
			_ = ch.Close()
			st.finish(nil)
			return
		}
		cause := channelCause(closes, ch)
		if s.ctx.Err() != nil { // the session is closing: an end, not an interruption
			st.finish(nil)
			return
		}
		if conn.IsClosed() {
			st.event(EventInterrupted, interruption(cause))
			if err := s.awaitGeneration(st.ctx, gen); err != nil {
				st.finish(st.endError(err))
				return
			}
			continue
		}
		_ = ch.Close()
		if err := a.lost(cause); err != nil {
			st.finish(err)
			return
		}
		now := time.Now()
		reattach = append(reattach, now)
		for len(reattach) > 0 && now.Sub(reattach[0]) > reattachWindow {
			reattach = reattach[1:]
		}
		if len(reattach) > reattachLimit {
			st.finish(fmt.Errorf("the broker cancelled the stream %d times in %s; giving up", len(reattach), reattachWindow))
			return
		}
		st.event(EventInterrupted, interruption(cause))
	}
}

// endError is the error a stream ends with when the session is gone: none
// when the stream was stopped on purpose.
func (st *stream) endError(err error) error {
	if st.ctx.Err() != nil {
		return nil
	}
	return err
}

// pumpAll pumps every feed into the stream; the returned channel closes
// when the first feed ends (the others end with their channel).
func (st *stream) pumpAll(feeds []feed) <-chan struct{} {
	ended := make(chan struct{})
	var once sync.Once
	for _, f := range feeds {
		go func() {
			st.pump(f)
			once.Do(func() { close(ended) })
		}()
	}
	if len(feeds) == 0 {
		close(ended)
	}
	return ended
}

// pump converts a feed's deliveries, a run at a time, and pushes them
// (push copies them, so the buffer is reused).
func (st *stream) pump(f feed) {
	buf := make([]Message, 0, 16)
	for d := range f.deliveries {
		buf = buf[:0]
		if m, ok := f.convert(&d); ok {
			buf = append(buf, m)
		}
	more:
		for len(buf) < pumpBatch {
			select {
			case d, ok := <-f.deliveries:
				if !ok {
					break more
				}
				if m, ok := f.convert(&d); ok {
					buf = append(buf, m)
				}
			default:
				break more
			}
		}
		if len(buf) > 0 {
			st.push(buf)
			clear(buf) // let the bodies go
		}
	}
}

// channelCause waits briefly for the reason a channel closed: the
// broker's error, or nil when it was cancelled without one.
func channelCause(closes <-chan *amqp.Error, ch *amqp.Channel) *amqp.Error {
	if !ch.IsClosed() {
		return nil
	}
	select {
	case e := <-closes:
		return e
	case <-time.After(time.Second):
		return nil
	}
}

func interruption(cause *amqp.Error) string {
	if cause == nil {
		return "the broker cancelled the consumer"
	}
	return fmt.Sprintf("interrupted: %d %s", cause.Code, cause.Reason)
}

// awaitGeneration waits until the session has a connection newer than
// generation after, and fails when the session closes or ctx ends.
func (s *Session) awaitGeneration(ctx context.Context, after uint64) error {
	updates, stop := s.Watch()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case st, ok := <-updates:
			if !ok || st.State == StateClosed {
				return &Error{Kind: ErrClosed, Service: ServiceAMQP, Op: "stream ended", Reason: "the session was closed"}
			}
			if st.Generation > after && (st.State == StateConnected || st.State == StateDegraded) {
				return nil
			}
		}
	}
}

// start runs the attach loop and waits for the first attachment: an error
// there fails the start.
func (st *stream) start(ctx context.Context, s *Session, a attacher) error {
	ready := make(chan error, 1)
	go st.run(s, a, ready)
	select {
	case err := <-ready:
		if err != nil {
			<-st.ended
		}
		return err
	case <-ctx.Done():
		_ = st.Close()
		return ctx.Err()
	}
}

// amqpErr gives the AMQP error code of err, 0 when it has none.
func amqpErr(err error) (*amqp.Error, bool) {
	var e *amqp.Error
	ok := errors.As(err, &e)
	return e, ok
}
