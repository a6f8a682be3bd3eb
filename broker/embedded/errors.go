package embedded

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/wire"
)

// amqpError is an exception the server answers with channel.close or
// connection.close: the reply code, RabbitMQ's reply text and the method
// that caused it (0, 0 for none).
type amqpError struct {
	code   uint16
	text   string
	method wire.MethodID
	// fatal: the framing is lost, so nothing more can be read from the
	// connection once the close is sent (rabbit_reader:fatal_frame_error).
	fatal bool
}

func (e *amqpError) Error() string { return e.text }

// connection reports whether the error closes the whole connection.
func (e *amqpError) connection() bool { return wire.IsConnectionError(e.code) }

// newError formats an exception as rabbit_misc:amqp_error does: the code's
// name, " - ", the explanation.
func newError(code uint16, method wire.MethodID, format string, args ...any) *amqpError {
	return &amqpError{code: code, method: method, text: wire.ReplyName(code) + " - " + fmt.Sprintf(format, args...)}
}

// asAMQP turns what core or wire refused into the exception to send,
// blaming the method being handled. Anything else is a bug, reported as
// 541 INTERNAL_ERROR.
func asAMQP(err error, method wire.MethodID) *amqpError {
	var (
		ae *amqpError
		ce *core.Error
		we *wire.Error
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ce):
		return &amqpError{code: uint16(ce.Code), text: ce.Text, method: method}
	case errors.As(err, &we):
		m := wire.MethodID{Class: we.ClassID, Method: we.MethodID}
		if m.Class == 0 {
			m = method
		}
		return &amqpError{code: we.Code, text: we.ReplyText(), method: m}
	}
	return newError(wire.InternalError, method, "%s", err)
}

// replyText fits a reply text in a shortstr the way
// rabbit_binary_generator does: over 255 octets it keeps 252 and adds "...".
func replyText(s string) string {
	if len(s) <= wire.MaxShortstr {
		return s
	}
	return s[:252] + "..."
}

// closeArgs returns the error as connection.close (or channel.close)
// arguments.
func (e *amqpError) closeArgs() wire.ConnectionClose {
	return wire.ConnectionClose{
		ReplyCode: e.code, ReplyText: replyText(e.text),
		ClassID: e.method.Class, MethodID: e.method.Method,
	}
}

// snippet is rabbit_reader:payload_snippet: the whole payload up to 16
// octets, else its first 16, as Erlang prints a binary.
func snippet(payload []byte) (string, string) {
	if len(payload) <= 16 {
		return "all", erlangBinary(payload)
	}
	return "first 16", erlangBinary(payload[:16])
}

// erlangBinary prints a binary as io_lib's ~p does: <<"text">> when every
// octet is printable, else <<1,2,3>>.
func erlangBinary(b []byte) string {
	if len(b) == 0 {
		return "<<>>"
	}
	printable := true
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c > 0x7e {
			printable = false
			break
		}
	}
	var sb strings.Builder
	sb.WriteString("<<")
	if printable {
		sb.WriteByte('"')
		for _, c := range b {
			switch c {
			case '"', '\\':
				sb.WriteByte('\\')
				sb.WriteByte(c)
			case '\n':
				sb.WriteString(`\n`)
			case '\r':
				sb.WriteString(`\r`)
			case '\t':
				sb.WriteString(`\t`)
			default:
				sb.WriteByte(c)
			}
		}
		sb.WriteByte('"')
	} else {
		for i, c := range b {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa(int(c)))
		}
	}
	sb.WriteString(">>")
	return sb.String()
}

// unexpectedFrame is rabbit_reader:unexpected_frame, for a frame the
// connection's state does not allow (a heartbeat on a channel, content on
// channel 0).
func unexpectedFrame(f wire.Frame) *amqpError {
	how, bin := snippet(f.Payload)
	return newError(wire.UnexpectedFrame, wire.MethodID{}, "type %d, %s octets = %s", f.Type, how, bin)
}

// frameTooLarge is rabbit_reader's frame_too_large error: a frame over the
// negotiated frame_max, reported against frame_max less the frame's 8
// octets of overhead.
func frameTooLarge(typ uint8, size, frameMax uint32) *amqpError {
	e := newError(wire.FrameError, wire.MethodID{}, "type %d, all octets = <<>>: {frame_too_large,%d,%d}",
		typ, size, frameMax-wire.FrameOverhead)
	e.fatal = true
	return e
}
