package wire

import "strconv"

// Reply codes of AMQP 0-9-1, as connection.close and channel.close carry
// them. The 3xx and 4xx codes are channel errors, the 5xx codes and 320 and
// 402 close the connection.
const (
	ReplySuccess       uint16 = 200
	ContentTooLarge    uint16 = 311
	NoRoute            uint16 = 312
	NoConsumers        uint16 = 313
	ConnectionForced   uint16 = 320
	InvalidPath        uint16 = 402
	AccessRefused      uint16 = 403
	NotFound           uint16 = 404
	ResourceLocked     uint16 = 405
	PreconditionFailed uint16 = 406
	FrameError         uint16 = 501
	SyntaxError        uint16 = 502
	CommandInvalid     uint16 = 503
	ChannelError       uint16 = 504
	UnexpectedFrame    uint16 = 505
	ResourceError      uint16 = 506
	NotAllowed         uint16 = 530
	NotImplemented     uint16 = 540
	InternalError      uint16 = 541
)

// ReplyName returns the spec's name of a reply code, as RabbitMQ puts it at
// the head of a reply text ("NOT_FOUND"), or "" for a code it does not know.
func ReplyName(code uint16) string {
	switch code {
	case ReplySuccess:
		return "REPLY_SUCCESS"
	case ContentTooLarge:
		return "CONTENT_TOO_LARGE"
	case NoRoute:
		return "NO_ROUTE"
	case NoConsumers:
		return "NO_CONSUMERS"
	case ConnectionForced:
		return "CONNECTION_FORCED"
	case InvalidPath:
		return "INVALID_PATH"
	case AccessRefused:
		return "ACCESS_REFUSED"
	case NotFound:
		return "NOT_FOUND"
	case ResourceLocked:
		return "RESOURCE_LOCKED"
	case PreconditionFailed:
		return "PRECONDITION_FAILED"
	case FrameError:
		return "FRAME_ERROR"
	case SyntaxError:
		return "SYNTAX_ERROR"
	case CommandInvalid:
		return "COMMAND_INVALID"
	case ChannelError:
		return "CHANNEL_ERROR"
	case UnexpectedFrame:
		return "UNEXPECTED_FRAME"
	case ResourceError:
		return "RESOURCE_ERROR"
	case NotAllowed:
		return "NOT_ALLOWED"
	case NotImplemented:
		return "NOT_IMPLEMENTED"
	case InternalError:
		return "INTERNAL_ERROR"
	}
	return ""
}

// IsConnectionError reports whether a reply code closes the whole connection
// rather than one channel, as RabbitMQ decides it: every code but the soft
// ones (311-313, 403-406).
func IsConnectionError(code uint16) bool {
	switch code {
	case ContentTooLarge, NoRoute, NoConsumers,
		AccessRefused, NotFound, ResourceLocked, PreconditionFailed:
		return false
	}
	return true
}

// Error is an AMQP exception found while reading the wire: the reply code
// and text a server sends back in connection.close (or channel.close), and
// the class and method it was decoding when it knows them.
//
// The codes follow RabbitMQ where it sends a close at all:
//   - 501 FRAME_ERROR for a frame that cannot be decoded: a bad frame-end
//     octet, a frame over frame_max, an unknown frame type, method arguments
//     or a content header that are cut short or run on past their last field,
//     and malformed UTF-8 in the shortstrs RabbitMQ checks (rabbit_misc:
//     frame_error "cannot decode", rabbit_binary_parser:assert_utf8).
//   - 502 SYNTAX_ERROR for field values that are illegal: an unknown field
//     type letter or nesting too deep in a table. RabbitMQ has no code here:
//     its table parser fails to match and the connection drops.
//   - 540 NOT_IMPLEMENTED for an unknown class or method id. RabbitMQ does not
//     reply to that either (lookup_method_name exits and the connection
//     drops); it uses 503 COMMAND_INVALID "unimplemented method" for a known
//     method sent where it makes no sense, which is the broker's to decide.
type Error struct {
	Code     uint16
	Text     string
	ClassID  uint16 // 0 when no method was being decoded
	MethodID uint16
}

// Error returns the reply text.
func (e *Error) Error() string { return e.ReplyText() }

// ReplyText is the text to send in a close method, RabbitMQ style:
// "FRAME_ERROR - frame end octet 0x00, not 0xCE".
func (e *Error) ReplyText() string {
	name := ReplyName(e.Code)
	if name == "" {
		name = strconv.Itoa(int(e.Code))
	}
	return name + " - " + e.Text
}

// IsConnectionError reports whether the error closes the connection.
func (e *Error) IsConnectionError() bool { return IsConnectionError(e.Code) }

func frameError(text string) *Error { return &Error{Code: FrameError, Text: text} }
