package core

import (
	"fmt"

	"github.com/kaiten-bus/kaiten/model"
)

// AMQP 0-9-1 reply codes, with RabbitMQ's names for them.
const (
	CodeContentTooLarge    = 311
	CodeNoRoute            = 312
	CodeNoConsumers        = 313
	CodeConnectionForced   = 320
	CodeInvalidPath        = 402
	CodeAccessRefused      = 403
	CodeNotFound           = 404
	CodeResourceLocked     = 405
	CodePreconditionFailed = 406
	CodeFrameError         = 501
	CodeSyntaxError        = 502
	CodeCommandInvalid     = 503
	CodeChannelError       = 504
	CodeUnexpectedFrame    = 505
	CodeResourceError      = 506
	CodeNotAllowed         = 530
	CodeNotImplemented     = 540
	CodeInternalError      = 541
)

var codeNames = map[int]string{
	CodeContentTooLarge:    "CONTENT_TOO_LARGE",
	CodeNoRoute:            "NO_ROUTE",
	CodeNoConsumers:        "NO_CONSUMERS",
	CodeConnectionForced:   "CONNECTION_FORCED",
	CodeInvalidPath:        "INVALID_PATH",
	CodeAccessRefused:      "ACCESS_REFUSED",
	CodeNotFound:           "NOT_FOUND",
	CodeResourceLocked:     "RESOURCE_LOCKED",
	CodePreconditionFailed: "PRECONDITION_FAILED",
	CodeFrameError:         "FRAME_ERROR",
	CodeSyntaxError:        "SYNTAX_ERROR",
	CodeCommandInvalid:     "COMMAND_INVALID",
	CodeChannelError:       "CHANNEL_ERROR",
	CodeUnexpectedFrame:    "UNEXPECTED_FRAME",
	CodeResourceError:      "RESOURCE_ERROR",
	CodeNotAllowed:         "NOT_ALLOWED",
	CodeNotImplemented:     "NOT_IMPLEMENTED",
	CodeInternalError:      "INTERNAL_ERROR",
}

// CodeName returns RabbitMQ's name for a reply code ("NOT_FOUND").
func CodeName(code int) string {
	if n, ok := codeNames[code]; ok {
		return n
	}
	return fmt.Sprintf("CODE_%d", code)
}

// Error is an operation the broker refuses, as AMQP reports it: a reply
// code and RabbitMQ's reply text, which starts with the code's name
// ("NOT_FOUND - no queue 'q' in vhost '/'"). Every error core returns for
// client input is an *Error.
type Error struct {
	Code int
	Text string
}

// Error returns the reply text.
func (e *Error) Error() string { return e.Text }

// ConnectionError reports whether the error closes the whole connection
// (connection.close) rather than only the channel (channel.close). It
// follows the AMQP 0-9-1 classification RabbitMQ applies in
// rabbit_binary_generator:map_exception: 403, 404, 405, 406, 311, 312 and
// 313 are soft (channel) errors, every other code is hard.
func (e *Error) ConnectionError() bool {
	switch e.Code {
	case CodeContentTooLarge, CodeNoRoute, CodeNoConsumers, CodeAccessRefused,
		CodeNotFound, CodeResourceLocked, CodePreconditionFailed:
		return false
	}
	return true
}

// errorf returns an *Error with the code's name prefixed to the text, as
// rabbit_misc:protocol_error formats it.
func errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Text: CodeName(code) + " - " + fmt.Sprintf(format, args...)}
}

// fromRouteError converts the model's publish refusal.
func fromRouteError(e *model.RouteError) error {
	return &Error{Code: e.Code, Text: e.Text}
}

// rs names a resource the way rabbit_misc:rs does: "queue 'q' in vhost '/'".
func rs(kind, name, vhost string) string {
	return kind + " '" + name + "' in vhost '" + vhost + "'"
}

func errNoQueue(name, vhost string) error {
	return errorf(CodeNotFound, "no %s", rs("queue", name, vhost))
}

func errNoExchange(name, vhost string) error {
	return errorf(CodeNotFound, "no %s", rs("exchange", name, vhost))
}

func errDefaultExchange() error {
	return errorf(CodeAccessRefused, "operation not permitted on the default exchange")
}

func errLocked(name, vhost string) error {
	return errorf(CodeResourceLocked, "cannot obtain exclusive access to locked %s. It could be "+
		"originally declared on another connection or the exclusive property value does not "+
		"match that of the original declaration.", rs("queue", name, vhost))
}
