package broker

import (
	"errors"
	"strconv"
	"strings"
)

// Kinds of failure. Test for them with errors.Is; the errors this package
// returns carry one of them and say the rest in words.
var (
	// ErrConfig is a setting that cannot be used: a bad URL, a TLS file
	// that cannot be read, an unknown context.
	ErrConfig = errors.New("bad connection settings")
	// ErrNotConfigured means no broker was named: no --url, no
	// KAITEN_URL, no context. The CLI then starts the embedded broker.
	ErrNotConfigured = errors.New("no broker configured")
	// ErrUnreachable is a broker that does not answer: connection
	// refused, no route, unknown host, timeout, or no management API.
	ErrUnreachable = errors.New("unreachable")
	// ErrAuth is a wrong user name or password, or a user the
	// management API does not let in.
	ErrAuth = errors.New("not authorised")
	// ErrVhostNotFound is a vhost that does not exist.
	ErrVhostNotFound = errors.New("vhost not found")
	// ErrNoAccess is a vhost the user has no permission for.
	ErrNoAccess = errors.New("no access to vhost")
	// ErrTLS is a failed TLS handshake: an unknown CA, a certificate for
	// another name, TLS spoken to a plain port or the reverse.
	ErrTLS = errors.New("TLS handshake failed")
	// ErrProtocol is a peer that is not what was expected there: not
	// AMQP 0-9-1, not RabbitMQ's management API.
	ErrProtocol = errors.New("unexpected peer")
	// ErrDegraded is a call that needs the management API while the
	// session runs without it.
	ErrDegraded = errors.New("management API unavailable")
	// ErrReadOnly is a change asked of a read-only session.
	ErrReadOnly = errors.New("read-only")
	// ErrClosed is a call on a closed session, or on one whose AMQP
	// connection is being re-established.
	ErrClosed = errors.New("session closed")
	// ErrNotFound is an object the management API does not have.
	ErrNotFound = errors.New("not found")
)

// Service names the side of a broker an error is about.
type Service uint8

// The two services a session talks to.
const (
	ServiceAMQP Service = iota
	ServiceAPI
)

// String names the service as messages do.
func (s Service) String() string {
	if s == ServiceAPI {
		return "management API"
	}
	return "AMQP"
}

// Error is a failure to reach or use a broker, said for people:
//
//	cannot reach management API at http://127.0.0.1:15672: connection refused — is the rabbitmq_management plugin enabled? try: rabbitmq-plugins enable rabbitmq_management
//
// Its text never holds a password.
type Error struct {
	Kind    error   // one of the Err* kinds
	Service Service // which side of the broker
	Op      string  // "cannot connect to AMQP", "cannot log in to management API", ...
	Target  string  // the redacted URL, or a quoted vhost
	Reason  string  // what happened
	Fix     string  // what to do about it; may be empty
	Err     error   // the cause, scrubbed of passwords; may be nil
}

// Error says what failed, where, why, and what to do.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Target != "" {
		b.WriteString(" at ")
		b.WriteString(e.Target)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Fix != "" {
		b.WriteString(" — ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// APIError is an HTTP error status from a management API that answered.
type APIError struct {
	Method string
	Path   string // escaped, with the query
	Status int
	Text   string // the "error" of RabbitMQ's JSON reply
	Reason string // its "reason"
}

// Error gives the request and the server's answer.
func (e *APIError) Error() string {
	msg := e.Method + " " + e.Path + ": HTTP " + strconv.Itoa(e.Status)
	if e.Text != "" {
		msg += " " + e.Text
	}
	if e.Reason != "" && e.Reason != e.Text {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Is makes errors.Is(err, ErrNotFound) true for a 404 and
// errors.Is(err, ErrAuth) true for a 401 or 403.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == 404
	case ErrAuth:
		return e.Status == 401 || e.Status == 403
	}
	return false
}

// Is makes errors.Is(err, ErrConfig) true for a bad URI.
func (e *URIError) Is(target error) bool { return target == ErrConfig }
