package embedded

import (
	"sync/atomic"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
	"github.com/kaiten-bus/kaiten/model"
)

// chanState is where a channel is in its life, as rabbit_channel has it.
type chanState uint8

const (
	chanStarting chanState = iota // created by a frame; only channel.open is allowed
	chanOpen                      // open
	chanClosing                   // the server sent channel.close and waits for close-ok
)

// stage is where content assembly is (rabbit_command_assembler).
type stage uint8

const (
	stageMethod stage = iota // the next frame must be a method
	stageHeader              // a content method came; its header must follow
	stageBody                // the header came; body frames must follow
)

// maxPrealloc caps the buffer taken for a body before its frames arrive, so
// a client announcing a huge body and sending nothing costs nothing. A
// body up to it is assembled in one allocation of its exact size, which
// the queues then hold; a larger one grows, up to its exact size.
const maxPrealloc = 1 << 20

// channel is the server side of one channel. The reader goroutine owns
// everything but core, which the writer reads, and queued, which the
// writer's lock guards.
type channel struct {
	c      *conn
	num    uint16
	state  chanState
	core   atomic.Pointer[core.Channel]
	queued bool // in the writer's ready list

	// Content assembly.
	stage    stage
	pending  wire.Method // the method whose content is arriving
	props    model.Properties
	size     uint64 // announced body size
	got      uint64 // body octets received
	body     []byte
	tooLarge bool // over max_message_size: the body is counted, not kept

	// Mandatory publishes held by a transaction, in order, so that
	// tx.commit can return the unroutable ones.
	txPubs []txPublish
}

// txPublish is a publish held in a transaction; content is kept only when
// it may have to be returned.
type txPublish struct {
	exchange, key string
	props         *model.Properties
	body          []byte
}

// channelFrame handles a frame on a channel other than 0. It returns only
// connection errors: a channel error closes the channel here.
func (c *conn) channelFrame(f wire.Frame) error {
	if f.Type == wire.FrameHeartbeat {
		return unexpectedFrame(f)
	}
	ch := c.channels[f.Channel]
	if ch == nil {
		// Any frame creates the channel, as rabbit_reader:create_channel
		// does; channel_max counts channels, not numbers.
		if n := len(c.channels); n >= int(c.channelMax) {
			return newError(wire.NotAllowed, wire.MethodID{},
				"number of channels opened (%d) has reached the negotiated channel_max (%d)", n, c.channelMax)
		}
		ch = &channel{c: c, num: f.Channel}
		c.channels[f.Channel] = ch
	}
	m, err := ch.assemble(f)
	if err != nil || m == nil {
		return err
	}
	if err := ch.handle(m); err != nil {
		e := asAMQP(err, m.ID())
		if e.connection() {
			return e
		}
		c.closeChannel(ch, e)
	}
	return nil
}

// closeChannel closes a channel for a channel error: core's side at once
// (unacked messages back to their queues), then channel.close; until the
// client's close-ok the channel ignores all but close and close-ok.
func (c *conn) closeChannel(ch *channel, e *amqpError) {
	c.log.Debug("closing channel", "channel", ch.num, "code", e.code, "text", e.text)
	if cc := ch.core.Load(); cc != nil {
		cc.Close()
	}
	ch.state = chanClosing
	ch.txPubs = nil
	args := wire.ChannelClose(e.closeArgs())
	c.w.send(ch.num, &args)
}

// assemble takes one frame and returns a complete method (its content, if
// any, in ch.props and ch.body), or nil while content is still arriving.
// Frames out of turn are 505 UNEXPECTED_FRAME with RabbitMQ's texts.
func (ch *channel) assemble(f wire.Frame) (wire.Method, error) {
	switch f.Type {
	case wire.FrameMethod:
		if ch.stage != stageMethod {
			return nil, ch.outOfTurn()
		}
		m, err := wire.DecodeMethod(f.Payload)
		if err != nil {
			return nil, err
		}
		if !m.ID().HasContent() {
			return m, nil
		}
		ch.pending, ch.stage = m, stageHeader
		return nil, nil
	case wire.FrameHeader:
		if ch.stage != stageHeader {
			return nil, ch.outOfTurn()
		}
		h, err := wire.DecodeContentHeader(f.Payload)
		if err != nil {
			return nil, asAMQP(err, ch.pending.ID())
		}
		return ch.header(h)
	case wire.FrameBody:
		if ch.stage != stageBody {
			return nil, ch.outOfTurn()
		}
		return ch.bodyFrame(f.Payload)
	}
	return nil, unexpectedFrame(f)
}

func (ch *channel) header(h wire.ContentHeader) (wire.Method, error) {
	id := ch.pending.ID()
	if h.Weight != 0 {
		return nil, ch.outOfTurn()
	}
	if h.ClassID != id.Class {
		return nil, newError(wire.UnexpectedFrame, id,
			"expected content header for class %d, got one for class %d instead", id.Class, h.ClassID)
	}
	ch.props, ch.size, ch.got = h.Properties, h.BodySize, 0
	ch.tooLarge = h.BodySize > uint64(ch.c.b.maxMessageSize)
	if !ch.tooLarge && h.BodySize > 0 {
		ch.body = make([]byte, 0, min(h.BodySize, maxPrealloc))
	}
	if h.BodySize == 0 {
		return ch.complete(), nil
	}
	ch.stage = stageBody
	return nil, nil
}

func (ch *channel) bodyFrame(p []byte) (wire.Method, error) {
	n := uint64(len(p))
	if left := ch.size - ch.got; n > left {
		// RabbitMQ's assembler counts below zero and waits for ever; a
		// body larger than announced is a framing error here.
		return nil, newError(wire.UnexpectedFrame, ch.pending.ID(),
			"content body frame of %d octets, but only %d of %d octets remained", n, left, ch.size)
	}
	ch.got += n
	if !ch.tooLarge {
		if need := len(ch.body) + len(p); need > cap(ch.body) {
			// Only a body over maxPrealloc grows: double, but never past
			// the announced size, so the message keeps no spare capacity.
			grown := make([]byte, len(ch.body), min(ch.size, uint64(max(need, 2*cap(ch.body)))))
			copy(grown, ch.body)
			ch.body = grown
		}
		ch.body = append(ch.body, p...)
	}
	if ch.got < ch.size {
		return nil, nil
	}
	return ch.complete(), nil
}

// complete ends assembly and returns the method; its content stays in ch
// until takeContent.
func (ch *channel) complete() wire.Method {
	m := ch.pending
	ch.pending, ch.stage = nil, stageMethod
	return m
}

// takeContent hands over the assembled content, which core then owns.
func (ch *channel) takeContent() (model.Properties, []byte) {
	props, body := ch.props, ch.body
	ch.props, ch.body = model.Properties{}, nil
	return props, body
}

// outOfTurn is the assembler's complaint about a frame of the wrong type.
func (ch *channel) outOfTurn() error {
	switch ch.stage {
	case stageHeader:
		return newError(wire.UnexpectedFrame, ch.pending.ID(),
			"expected content header for class %d, got non content header frame instead", ch.pending.ID().Class)
	case stageBody:
		return newError(wire.UnexpectedFrame, ch.pending.ID(),
			"expected content body, got non content body frame instead")
	}
	return newError(wire.UnexpectedFrame, wire.MethodID{}, "expected method frame, got non method frame instead")
}

// handle runs a complete method by the channel's state.
func (ch *channel) handle(m wire.Method) error {
	switch ch.state {
	case chanStarting:
		if _, ok := m.(*wire.ChannelOpen); !ok {
			return newError(wire.ChannelError, m.ID(), "expected 'channel.open'")
		}
		w := ch.c.w
		cc, err := ch.c.core.OpenChannel(ch.num, func() { w.notify(ch) })
		if err != nil {
			return err
		}
		ch.core.Store(cc)
		ch.state = chanOpen
		w.send(ch.num, &wire.ChannelOpenOk{})
		return nil
	case chanClosing:
		switch m.(type) {
		case *wire.ChannelCloseOk:
			delete(ch.c.channels, ch.num)
		case *wire.ChannelClose:
			ch.c.w.send(ch.num, &wire.ChannelCloseOk{})
		}
		return nil
	}
	return ch.method(m, ch.core.Load())
}
