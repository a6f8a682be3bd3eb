package broker

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// Publishing is a message to publish.
type Publishing struct {
	Exchange   string
	RoutingKey string
	// Properties are the basic properties, headers included. amqp091-go
	// sends a property when it is not zero, and never cluster-id.
	Properties model.Properties
	Body       []byte
}

// PublishOptions say how to publish. DefaultPublishOptions is what the
// CLI does.
type PublishOptions struct {
	// Mandatory asks the broker to return a message that no queue takes,
	// instead of dropping it.
	Mandatory bool
	// Confirm puts the channel in confirm mode and waits for the broker's
	// ack or nack of every message.
	Confirm bool
	// Count publishes the message that many times; 0 means once.
	Count int
	// Rate spaces the publishes at that many a second; 0 means as fast as
	// the confirms come back.
	Rate float64
	// Window is how many publishes may wait for their confirms at once;
	// 0 means 256.
	Window int
}

// DefaultPublishOptions are mandatory and confirms, once.
func DefaultPublishOptions() PublishOptions { return PublishOptions{Mandatory: true, Confirm: true} }

// Return is a message the broker handed back because it was mandatory
// and no queue took it.
type Return struct {
	Code       uint16 // 312 for NO_ROUTE
	Text       string // NO_ROUTE
	Exchange   string
	RoutingKey string
}

// maxReturns is how many returns a PublishResult keeps.
const maxReturns = 10

// PublishResult says what became of the publishes.
type PublishResult struct {
	Published int
	// Acked and Nacked count the broker's confirms, with Confirm.
	Acked  int
	Nacked int
	// Returned counts the messages the broker returned, with Mandatory;
	// Returns holds the first few.
	Returned int
	Returns  []Return
	// Took is from the first publish to the last confirm.
	Took time.Duration
}

// OK reports whether every message was taken: none nacked, none returned.
func (r PublishResult) OK() bool { return r.Nacked == 0 && r.Returned == 0 }

// Publish publishes a message, Count times, on a channel of its own, and
// waits for the confirms and returns. The error is for a publish the
// broker refused outright (no such exchange, an internal one, no
// permission) or a lost connection; a nack or a return is a result.
func (s *Session) Publish(ctx context.Context, p Publishing, o PublishOptions) (PublishResult, error) {
	var res PublishResult
	if err := s.CheckWritable("publish"); err != nil {
		return res, err
	}
	ch, err := s.Channel()
	if err != nil {
		return res, err
	}
	closes := ch.NotifyClose(make(chan *amqp.Error, 1))
	rc := newReturnCollector(ch)
	if o.Confirm {
		if err := ch.Confirm(false); err != nil {
			_ = ch.Close()
			return res, fmt.Errorf("cannot turn publisher confirms on: %w", err)
		}
	}
	pub := publishingOf(p.Properties, p.Body)
	n, window := max(o.Count, 1), cmp.Or(o.Window, 256)
	pending := make([]*amqp.DeferredConfirmation, 0, window)
	settle := func(dc *amqp.DeferredConfirmation) error {
		ack, err := dc.WaitContext(ctx)
		switch {
		case err != nil:
			return err
		case ack:
			res.Acked++
		case ch.IsClosed():
			return channelClosedError(closes, p.Exchange)
		default:
			res.Nacked++
		}
		return nil
	}
	start := time.Now()
	err = func() error {
		for i := range n {
			if err := pace(ctx, start, i, o.Rate); err != nil {
				return err
			}
			if len(pending) == window {
				if err := settle(pending[0]); err != nil {
					return err
				}
				pending = pending[1:]
			}
			dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, p.Exchange, p.RoutingKey, o.Mandatory, false, pub)
			if err != nil {
				if ch.IsClosed() {
					return channelClosedError(closes, p.Exchange)
				}
				return err
			}
			res.Published++
			if dc != nil {
				pending = append(pending, dc)
			}
		}
		for _, dc := range pending {
			if err := settle(dc); err != nil {
				return err
			}
		}
		return nil
	}()
	res.Took = time.Since(start)
	// Closing is a round trip: every return was sent before close-ok.
	cerr := ch.Close()
	res.Returned, res.Returns = rc.wait()
	if err == nil && cerr != nil && !o.Confirm {
		err = channelClosedError(closes, p.Exchange)
	}
	return res, err
}

// pace waits until publish i is due at rate a second from start.
func pace(ctx context.Context, start time.Time, i int, rate float64) error {
	if rate <= 0 {
		return ctx.Err()
	}
	due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
	d := time.Until(due)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// channelClosedError says why the broker closed a publishing channel.
func channelClosedError(closes <-chan *amqp.Error, exchange string) error {
	select {
	case e, ok := <-closes:
		if ok && e != nil {
			return &PublishError{Code: e.Code, Text: e.Reason, Exchange: exchange}
		}
	case <-time.After(time.Second):
	}
	return &PublishError{Text: "the channel closed", Exchange: exchange}
}

// PublishError is a publish the broker refused by closing the channel:
// 404 for a missing exchange, 403 for an internal one or no permission,
// 406 for a bad header.
type PublishError struct {
	Code     int
	Text     string
	Exchange string
}

// Error gives the broker's reply code and text.
func (e *PublishError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("publish to exchange %q failed: %s", e.Exchange, e.Text)
	}
	return fmt.Sprintf("the broker refused the publish: %d %s", e.Code, e.Text)
}

// returnCollector counts a channel's returns until the channel closes.
type returnCollector struct {
	wg      sync.WaitGroup
	n       int
	returns []Return
}

func newReturnCollector(ch *amqp.Channel) *returnCollector {
	rc := &returnCollector{}
	returns := ch.NotifyReturn(make(chan amqp.Return, 64))
	rc.wg.Go(func() {
		for r := range returns {
			rc.n++
			if len(rc.returns) < maxReturns {
				rc.returns = append(rc.returns, Return{Code: r.ReplyCode, Text: r.ReplyText, Exchange: r.Exchange, RoutingKey: r.RoutingKey})
			}
		}
	})
	return rc
}

// wait returns the count and the first returns once the channel closed.
func (rc *returnCollector) wait() (int, []Return) {
	rc.wg.Wait()
	return rc.n, rc.returns
}
