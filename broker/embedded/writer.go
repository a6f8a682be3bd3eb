package embedded

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// The writer is the one goroutine that writes to a connection. The reader
// hands it replies in order (the control queue); core's channels hand it
// deliveries through their outboxes, which it drains when notified. Each
// wakeup writes everything pending and flushes once, so a busy consumer
// costs one system call per batch, not one per message.
//
// Order: within a wakeup the control frames taken go first, then the
// outboxes drained after taking them. A reply the reader queues after
// closing a channel (close-ok, or the server's channel.close) is therefore
// never followed by a delivery of that channel: core empties the outbox
// when the channel closes, before the reply is queued.

// outKind says what an outFrame asks the writer to write.
type outKind uint8

const (
	outMethod    outKind = iota // a method frame
	outContent                  // a method with content (basic.return)
	outAck                      // publisher confirms first..last, coalesced
	outHeartbeat                // a heartbeat frame
	outStop                     // write what came before, flush, and exit
)

// outFrame is one item of the control queue.
type outFrame struct {
	kind        outKind
	channel     uint16
	method      wire.Method
	props       *model.Properties
	body        []byte
	first, last uint64 // outAck: confirm tags
}

// writer owns the connection's FrameWriter.
type writer struct {
	c  *conn
	fw *wire.FrameWriter

	mu      sync.Mutex
	ctl     []outFrame
	ready   []*channel // channels whose outbox has frames, each once
	stopped bool       // outStop queued or the connection is dead: drop the rest
	wake    chan struct{}
	done    chan struct{} // closed when the writer exits

	// Owned by the writer goroutine.
	written  uint64 // frames written, for the heartbeat sender
	deliver  wire.BasicDeliver
	getOK    wire.BasicGetOk
	ack      wire.BasicAck
	drainBuf []core.Delivery
	spareCtl []outFrame
	spareRdy []*channel
}

func newWriter(c *conn, fw *wire.FrameWriter) *writer {
	return &writer{c: c, fw: fw, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (w *writer) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// send queues a method frame.
func (w *writer) send(channel uint16, m wire.Method) {
	w.push(outFrame{kind: outMethod, channel: channel, method: m})
}

// sendContent queues a method with content.
func (w *writer) sendContent(channel uint16, m wire.Method, props *model.Properties, body []byte) {
	w.push(outFrame{kind: outContent, channel: channel, method: m, props: props, body: body})
}

// confirm queues the ack of publish tag; it joins the ack queued last when
// that one ends just before it, so a burst of confirms goes out as one
// basic.ack with multiple set. The tags before a coalesced range are all
// confirmed already (core confirms in order), so multiple is exact.
func (w *writer) confirm(channel uint16, tag uint64) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	if n := len(w.ctl); n > 0 {
		if last := &w.ctl[n-1]; last.kind == outAck && last.channel == channel && last.last+1 == tag {
			last.last = tag
			w.mu.Unlock()
			return
		}
	}
	w.ctl = append(w.ctl, outFrame{kind: outAck, channel: channel, first: tag, last: tag})
	w.mu.Unlock()
	w.signal()
}

func (w *writer) push(f outFrame) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	w.ctl = append(w.ctl, f)
	if f.kind == outStop {
		w.stopped = true
	}
	w.mu.Unlock()
	w.signal()
}

// notify is the channel's outbox callback: it must not block or call into
// core.
func (w *writer) notify(ch *channel) {
	w.mu.Lock()
	if !ch.queued && !w.stopped {
		ch.queued = true
		w.ready = append(w.ready, ch)
	}
	w.mu.Unlock()
	w.signal()
}

// stop asks the writer to write what is queued, flush and exit, and waits
// at most d for it.
func (w *writer) stop(d time.Duration) bool {
	w.push(outFrame{kind: outStop})
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.done:
		return true
	case <-t.C:
		return false
	}
}

// run is the writer goroutine. hb is the negotiated heartbeat interval (0
// for none). Like RabbitMQ it looks every half interval and sends a
// heartbeat when nothing was written in the last half, so the client
// never waits more than one interval for a frame (amqp091-go gives up
// after 1.5 intervals of silence); and it closes the connection when the
// client sent nothing for two intervals.
func (w *writer) run(hb time.Duration) {
	defer close(w.done)
	defer w.c.recoverPanic("writer")
	var tick <-chan time.Time
	if hb > 0 {
		t := time.NewTicker(hb / 2)
		defer t.Stop()
		tick = t.C
	}
	var (
		lastWritten = w.written
		lastRead    = w.c.readBytes.Load()
		missed      int
	)
	for {
		ticked := false
		select {
		case <-w.wake:
		case <-tick:
			ticked = true
			if w.written == lastWritten {
				w.push(outFrame{kind: outHeartbeat})
			}
			if read := w.c.readBytes.Load(); read != lastRead || w.c.hbPaused.Load() {
				lastRead, missed = read, 0
			} else {
				missed++
			}
			if missed >= 4 { // two intervals of half-interval ticks
				w.c.log.Warn("missed heartbeats from client, closing", "timeout", hb)
				w.flushAndExit()
				return
			}
		}
		stop, err := w.writeBatch()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) {
				w.c.log.Debug("write failed", "err", err)
			} else { // a frame that would not encode: a bug
				w.c.log.Error("cannot write a frame", "err", err)
			}
			w.die()
			return
		}
		if stop {
			return
		}
		if ticked {
			lastWritten = w.written
		}
	}
}

// flushAndExit writes what is queued before a heartbeat timeout closes the
// socket, so the last heartbeat gets out.
func (w *writer) flushAndExit() {
	_, _ = w.writeBatch()
	w.die()
}

// die drops whatever is queued from now on and closes the socket, so the
// reader stops too.
func (w *writer) die() {
	w.mu.Lock()
	w.stopped = true
	w.ctl, w.ready = nil, nil
	w.mu.Unlock()
	w.c.nc.Close()
	w.c.wakeReader()
}

// writeBatch writes the control frames and outboxes pending now, then
// flushes. It reports whether an outStop was among them.
func (w *writer) writeBatch() (bool, error) {
	w.mu.Lock()
	ctl, ready := w.ctl, w.ready
	w.ctl, w.ready = w.spareCtl[:0], w.spareRdy[:0]
	for _, ch := range ready {
		ch.queued = false
	}
	w.mu.Unlock()

	stop := false
	for i := range ctl {
		f := &ctl[i]
		if f.kind == outStop {
			stop = true
			break
		}
		if err := w.writeOut(f); err != nil {
			return false, err
		}
	}
	if !stop {
		for _, ch := range ready {
			if err := w.drain(ch); err != nil {
				return false, err
			}
		}
	}
	clear(ctl)
	clear(ready)
	w.spareCtl, w.spareRdy = ctl[:0], ready[:0]
	return stop, w.fw.Flush()
}

func (w *writer) writeOut(f *outFrame) error {
	w.written++
	switch f.kind {
	case outMethod:
		return w.fw.WriteMethod(f.channel, f.method)
	case outContent:
		return w.fw.WriteContent(f.channel, f.method, f.props, f.body)
	case outAck:
		w.ack = wire.BasicAck{DeliveryTag: f.last, Multiple: f.last > f.first}
		return w.fw.WriteMethod(f.channel, &w.ack)
	case outHeartbeat:
		return w.fw.WriteHeartbeat()
	}
	return nil
}

// drain writes the frames waiting in a channel's outbox.
func (w *writer) drain(ch *channel) error {
	cc := ch.core.Load()
	if cc == nil {
		return nil
	}
	w.drainBuf = cc.Drain(w.drainBuf)
	num := ch.num
	for i := range w.drainBuf {
		d := &w.drainBuf[i]
		w.written++
		var err error
		switch d.Kind {
		case core.KindDeliver:
			m := d.Message
			w.deliver = wire.BasicDeliver{
				ConsumerTag: d.ConsumerTag, DeliveryTag: d.DeliveryTag, Redelivered: d.Redelivered,
				Exchange: m.Exchange, RoutingKey: m.RoutingKey,
			}
			err = w.fw.WriteContent(num, &w.deliver, &m.Properties, m.Body)
		case core.KindGetOK:
			m := d.Message
			w.getOK = wire.BasicGetOk{
				DeliveryTag: d.DeliveryTag, Redelivered: d.Redelivered,
				Exchange: m.Exchange, RoutingKey: m.RoutingKey, MessageCount: d.Count,
			}
			err = w.fw.WriteContent(num, &w.getOK, &m.Properties, m.Body)
		case core.KindGetEmpty:
			err = w.fw.WriteMethod(num, &wire.BasicGetEmpty{})
		case core.KindConsumeOK:
			err = w.fw.WriteMethod(num, &wire.BasicConsumeOk{ConsumerTag: d.ConsumerTag})
		case core.KindCancelOK:
			err = w.fw.WriteMethod(num, &wire.BasicCancelOk{ConsumerTag: d.ConsumerTag})
		case core.KindCancel:
			// Only a client that announced consumer_cancel_notify
			// understands a cancel from the server.
			if w.c.caps.cancelNotify {
				err = w.fw.WriteMethod(num, &wire.BasicCancel{ConsumerTag: d.ConsumerTag, NoWait: true})
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
