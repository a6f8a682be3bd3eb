package broker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The fixes that more than one failure shares.
const (
	fixNoManagement = "is the rabbitmq_management plugin enabled? try: rabbitmq-plugins enable rabbitmq_management"
	fixAMQPPort     = "is RabbitMQ running and listening there? check the host and port of the URL (AMQP listens on 5672, or 5671 with TLS)"
	fixClientCert   = "give a client certificate the broker trusts: cert-file and key-file (certfile= and keyfile= in the URL)"
)

// netProblem says in words why a dial or a read failed, when it is one of
// the ways a network fails.
func netProblem(err error, timeout time.Duration) (string, bool) {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("host %q not found", dns.Name), true
		}
		return fmt.Sprintf("cannot resolve host %q: %s", dns.Name, dns.Err), true
	case isTimeout(err):
		if timeout > 0 {
			return "no answer within " + timeout.String(), true
		}
		return "no answer in time", true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host", true
	}
	return "", false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// closedEarly reports whether err is the peer hanging up mid-handshake.
// amqp091-go reports a read failure as a frame error carrying the read
// error's text.
func closedEarly(err error) bool {
	var ae *amqp.Error
	if errors.As(err, &ae) && !ae.Server && ae.Code == amqp.FrameError {
		r := ae.Reason
		return r == "EOF" || strings.Contains(r, "reset by peer") || strings.Contains(r, "broken pipe")
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, amqp.ErrClosed)
}

// frameTimeout reports whether err is amqp091-go's report of a read that
// timed out.
func frameTimeout(err error) bool {
	var ae *amqp.Error
	return errors.As(err, &ae) && !ae.Server && ae.Code == amqp.FrameError && strings.Contains(ae.Reason, "timeout")
}

// tlsProblem says why a TLS handshake failed and what to do, when err is
// a TLS failure. plain names the scheme to use for a port without TLS.
func tlsProblem(err error, plain string) (reason, fix string, ok bool) {
	var (
		rec      tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &rec):
		return "the server does not speak TLS on this port", "use " + plain + ":// for a plain port, or the port that speaks TLS", true
	case errors.As(err, &unknown):
		return "the broker's certificate is signed by an unknown authority",
			"give the CA that signed it: ca-file in the context, or cacertfile= in the URL", true
	case errors.As(err, &hostname):
		return hostname.Error(),
			"connect by a name the certificate holds, or set server-name (server_name_indication= in the URL)", true
	case errors.As(err, &invalid):
		return invalid.Error(), "check the broker's certificate: its dates and its key usage", true
	case errors.As(err, &alert), strings.Contains(err.Error(), "remote error: tls:"):
		return "the broker refused the handshake (" + strings.TrimPrefix(err.Error(), "remote error: ") + ")", fixClientCert, true
	case errors.As(err, &verify):
		return verify.Error(), "check the CA file and the broker's certificate", true
	}
	return "", "", false
}

// transport fills in e for a TLS or network failure and reports whether
// err was one. plain is the scheme without TLS; netFix is the fix for a
// peer that cannot be reached.
func (e *Error) transport(err error, plain, netFix string, timeout time.Duration, sc scrubber) bool {
	if reason, fix, ok := tlsProblem(err, plain); ok {
		e.Kind, e.Reason, e.Fix = ErrTLS, "TLS handshake failed: "+sc.text(reason), fix
		return true
	}
	if reason, ok := netProblem(err, timeout); ok {
		e.Kind, e.Reason, e.Fix = ErrUnreachable, reason, netFix
		return true
	}
	return false
}

// amqpDialError turns a failure to open an AMQP connection into an
// *Error naming the broker and the fix.
func amqpDialError(err error, u URI, timeout time.Duration, sc scrubber) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("connect to AMQP at %s: %w", u.Redacted(), err)
	}
	e := &Error{Service: ServiceAMQP, Op: "cannot connect to AMQP", Target: u.Redacted(), Err: sc.err(err)}
	var server *amqp.Error
	switch {
	case errors.Is(err, amqp.ErrCredentials) || (errors.As(err, &server) && server.Server && server.Code == amqp.AccessRefused):
		e.Kind, e.Op = ErrAuth, "cannot log in to AMQP"
		e.Reason = fmt.Sprintf("wrong user name or password for user %q (403 ACCESS_REFUSED)", u.Username)
		e.Fix = "check the user and password in the URL; RabbitMQ's guest user may only connect from localhost"
	case errors.Is(err, amqp.ErrSASL):
		e.Kind, e.Op = ErrAuth, "cannot log in to AMQP"
		e.Reason = "the broker offers none of the authentication mechanisms kaiten asked for"
		e.Fix = "use auth_mechanism=plain, or external with a client certificate the broker maps to a user"
	case errors.As(err, &server) && server.Server && server.Code == amqp.NotAllowed:
		return vhostError(server.Reason, u, sc)
	case errors.Is(err, amqp.ErrVhost):
		e.Kind, e.Op = ErrNoAccess, fmt.Sprintf("cannot open vhost %q", u.Vhost)
		e.Reason = fmt.Sprintf("it does not exist, or user %q has no access to it", u.Username)
		e.Fix = "check the vhost (--vhost, or the path of the URL) and the user's permissions"
	default:
		if e.transport(err, "amqp", fixAMQPPort, timeout, sc) {
			return e
		}
		e.Kind = ErrProtocol
		switch {
		case closedEarly(err):
			e.Reason = "the server closed the connection during the AMQP handshake"
		case frameTimeout(err):
			e.Reason = "no answer to the AMQP handshake within " + timeout.String()
		default:
			e.Reason = "the AMQP handshake failed: " + sc.text(err.Error())
		}
		e.Fix = "check that the port is RabbitMQ's AMQP 0-9-1 listener (5672)"
		if !u.IsTLS() {
			e.Fix = "if the port speaks TLS, use amqps://; else " + e.Fix
		}
	}
	return e
}

// vhostError reads RabbitMQ's 530 NOT_ALLOWED reply to connection.open:
// "vhost X not found", or "access to vhost 'X' refused for user 'U'".
func vhostError(reason string, u URI, sc scrubber) error {
	e := &Error{
		Service: ServiceAMQP, Op: fmt.Sprintf("cannot open vhost %q", u.Vhost), Target: u.Redacted(),
		Err: sc.err(errors.New(reason)),
	}
	switch {
	case strings.Contains(reason, "not found"):
		e.Kind, e.Reason = ErrVhostNotFound, "vhost not found"
		e.Fix = fmt.Sprintf("create it (rabbitmqctl add_vhost %s) or choose one that exists with --vhost", shellQuote(u.Vhost))
	case strings.Contains(reason, "refused for user"):
		e.Kind, e.Reason = ErrNoAccess, fmt.Sprintf("user %q has no permissions in it", u.Username)
		e.Fix = fmt.Sprintf("grant some: rabbitmqctl set_permissions -p %s %s '.*' '.*' '.*'", shellQuote(u.Vhost), shellQuote(u.Username))
	default:
		e.Kind, e.Reason = ErrNoAccess, "the broker refused it: "+sc.text(reason)
	}
	return e
}

// apiDialError turns a failure to get an answer from the management API
// into an *Error naming it and the fix.
func apiDialError(err error, base string, timeout time.Duration, sc scrubber) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("reach management API at %s: %w", base, err)
	}
	e := &Error{Service: ServiceAPI, Op: "cannot reach management API", Target: base, Err: sc.err(err)}
	if e.transport(err, "http", fixNoManagement, timeout, sc) {
		return e
	}
	e.Kind, e.Reason = ErrProtocol, "no HTTP answer: "+sc.text(err.Error())
	if closedEarly(err) {
		e.Reason = "the server closed the connection without an HTTP answer"
	}
	e.Fix = "check --api-url: RabbitMQ's management API listens on 15672 (15671 with TLS)"
	return e
}

// apiLoginError explains a 401 from the management API: a failed login,
// a user without the management tag, or a user who lacks the tag a
// request needs.
func apiLoginError(ae *APIError, base, user string) error {
	e := &Error{Kind: ErrAuth, Service: ServiceAPI, Op: "cannot log in to management API", Target: base, Err: ae}
	reason := strings.ToLower(ae.Reason)
	switch {
	case strings.Contains(reason, "not management user"):
		e.Reason = fmt.Sprintf("user %q is not a management user", user)
		e.Fix = fmt.Sprintf("give it the monitoring or management tag: rabbitmqctl set_user_tags %s monitoring", shellQuote(user))
	case reason == "" || strings.Contains(reason, "login failed"):
		e.Reason = fmt.Sprintf("wrong user name or password for user %q (HTTP %d)", user, ae.Status)
		e.Fix = "check the credentials, or give the API its own with --api-url http://USER:PASSWORD@HOST:15672"
	default:
		e.Op = "not allowed by management API"
		e.Reason = fmt.Sprintf("%s %s: user %q: %s", ae.Method, ae.Path, user, ae.Reason)
		e.Fix = "this needs a user with more rights (definitions need administrator, operator policies policymaker)"
	}
	return e
}

// notAPIError says that whatever answered at base is not RabbitMQ's
// management API.
func notAPIError(base, what string) error {
	return &Error{
		Kind: ErrProtocol, Service: ServiceAPI, Op: "cannot use management API", Target: base,
		Reason: what,
		Fix:    "check --api-url: it names RabbitMQ's management plugin, like http://HOST:15672",
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, shellSpecial) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSpecial reports whether r needs quoting in a shell word.
func shellSpecial(r rune) bool {
	plain := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=", r)
	return !plain
}
