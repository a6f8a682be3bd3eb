package broker

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of RabbitMQ's AMQP URI spec (https://www.rabbitmq.com/docs/uri-spec).
const (
	DefaultUser     = "guest"
	DefaultPassword = "guest"
	DefaultHost     = "localhost"
	DefaultPort     = 5672
	DefaultTLSPort  = 5671
	DefaultVhost    = "/"
)

// URI is a parsed AMQP URI: amqp://user:pass@host:port/vhost?params.
// It prints redacted; Password returns the password.
type URI struct {
	Scheme   string // "amqp" or "amqps"
	Username string
	Host     string // without the brackets of an IPv6 address
	Port     int
	Vhost    string

	// Parameters of RabbitMQ's URI query spec
	// (https://www.rabbitmq.com/docs/uri-query-parameters); zero when absent.
	Heartbeat         time.Duration // heartbeat, in seconds in the URI
	HasHeartbeat      bool          // heartbeat=0 turns heartbeats off
	ConnectionTimeout time.Duration // connection_timeout, in milliseconds in the URI
	ChannelMax        uint16        // channel_max
	FrameMax          int           // frame_max
	AuthMechanism     string        // auth_mechanism, upper case: PLAIN, AMQPLAIN, EXTERNAL
	TLS               TLSOptions    // cacertfile, certfile, keyfile, server_name_indication, verify

	password secret
}

// Password returns the password, the default one when the URI has none.
func (u URI) Password() string { return u.password.reveal() }

// IsTLS reports whether the URI is amqps://.
func (u URI) IsTLS() bool { return u.Scheme == "amqps" }

// Addr returns host:port for dialling.
func (u URI) Addr() string { return net.JoinHostPort(u.Host, strconv.Itoa(u.Port)) }

// Redacted returns the URI without its password or query, as it may be
// shown: amqp://guest@127.0.0.1:5672/ for vhost "/", and the vhost
// percent-encoded otherwise (amqp://guest@host:5672/a%2Fb).
func (u URI) Redacted() string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(url.User(u.Username).String()) // "" stays, as "@", so it reads back
	b.WriteByte('@')
	b.WriteString(u.Addr())
	b.WriteByte('/')
	if u.Vhost != DefaultVhost {
		b.WriteString(escapeSegment(u.Vhost))
	}
	return b.String()
}

// String returns the redacted form, so that printing a URI never shows
// its password.
func (u URI) String() string { return u.Redacted() }

// GoString is the redacted form for %#v.
func (u URI) GoString() string { return "broker.URI(" + strconv.Quote(u.Redacted()) + ")" }

// URIError is an AMQP URI that cannot be read. It never quotes the user
// information, where the password is.
type URIError struct{ Problem string }

// Error says what is wrong with the URI.
func (e *URIError) Error() string { return "bad AMQP URL: " + e.Problem }

func uriErr(format string, args ...any) error {
	return &URIError{Problem: fmt.Sprintf(format, args...)}
}

// ParseURI reads an AMQP URI as RabbitMQ's URI spec defines it, with
// percent-decoding of every part and the spec's defaults (guest/guest,
// localhost, 5672 or 5671 for amqps, vhost "/").
//
// One reading departs from the letter of the spec, as the common clients
// (amqp091-go, pika) do: an empty path after the slash ("amqp://host/")
// means vhost "/", not a vhost named "". Write "/%2f" or nothing at all
// for "/" to be explicit.
func ParseURI(s string) (URI, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "amqp" && scheme != "amqps") {
		return URI{}, uriErr("it must start with amqp:// or amqps://")
	}
	u := URI{Scheme: scheme, Username: DefaultUser, password: newSecret(DefaultPassword), Vhost: DefaultVhost}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if strings.Contains(tail, "@") {
		return URI{}, uriErr(`an "@" follows the host; percent-encode "/", "?", "#" and "@" in user names and passwords (%%2F, %%3F, %%23, %%40)`)
	}
	if err := u.parseAuthority(authority); err != nil {
		return URI{}, err
	}
	if strings.Contains(tail, "#") {
		return URI{}, uriErr(`it has a #fragment; percent-encode "#" in names and passwords as %%23`)
	}
	path, query, _ := strings.Cut(tail, "?")
	if err := u.parsePath(path); err != nil {
		return URI{}, err
	}
	if err := u.parseQuery(query); err != nil {
		return URI{}, err
	}
	return u, nil
}

func (u *URI) parseAuthority(a string) error {
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		userinfo := a[:at]
		a = a[at+1:]
		user, pass, hasPass := strings.Cut(userinfo, ":")
		var err error
		if u.Username, err = url.PathUnescape(user); err != nil {
			return uriErr("the user name has a bad percent-encoding")
		}
		if hasPass {
			p, err := url.PathUnescape(pass)
			if err != nil {
				return uriErr("the password has a bad percent-encoding")
			}
			u.password = newSecret(p)
		}
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return uriErr("an IPv6 host lacks its closing ]")
		}
		host, port = a[1:end], a[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return uriErr("an IPv6 host must be followed by :port or nothing")
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i+1:]
	}
	h, err := url.PathUnescape(host)
	if err != nil {
		return uriErr("the host has a bad percent-encoding")
	}
	u.Host = h
	if u.Host == "" {
		u.Host = DefaultHost
	}
	u.Port = DefaultPort
	if u.IsTLS() {
		u.Port = DefaultTLSPort
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return uriErr("the port must be a number from 1 to 65535")
		}
		u.Port = n
	}
	return nil
}

func (u *URI) parsePath(p string) error {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	if strings.Contains(p, "/") {
		return uriErr("vhost %q has an unescaped \"/\"; write it as %s", p, strings.ReplaceAll(p, "/", "%2F"))
	}
	v, err := url.PathUnescape(p)
	if err != nil {
		return uriErr("vhost %q has a bad percent-encoding", p)
	}
	u.Vhost = v
	return nil
}

// uriParams are the query parameters kaiten reads; RabbitMQ's spec has a
// few more that only make sense to its Erlang client.
var uriParams = []string{
	"auth_mechanism", "cacertfile", "certfile", "channel_max", "connection_timeout",
	"frame_max", "heartbeat", "keyfile", "server_name_indication", "verify",
}

func (u *URI) parseQuery(q string) error {
	if q == "" {
		return nil
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return uriErr("the query has a bad percent-encoding")
	}
	for key := range vals {
		if !slices.Contains(uriParams, key) {
			return uriErr("unknown parameter %q; kaiten knows %s", key, strings.Join(uriParams, ", "))
		}
	}
	num := func(key string, bits int) (uint64, bool, error) {
		s := vals.Get(key)
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return 0, false, uriErr("%s=%q is not a whole number", key, s)
		}
		return n, true, nil
	}
	n, ok, err := num("heartbeat", 16)
	if err != nil {
		return err
	}
	u.Heartbeat, u.HasHeartbeat = time.Duration(n)*time.Second, ok
	if n, _, err = num("connection_timeout", 32); err != nil {
		return err
	}
	u.ConnectionTimeout = time.Duration(n) * time.Millisecond
	if n, _, err = num("channel_max", 16); err != nil {
		return err
	}
	u.ChannelMax = uint16(n)
	if n, _, err = num("frame_max", 31); err != nil {
		return err
	}
	u.FrameMax = int(n)
	return u.parseTLSQuery(vals)
}

func (u *URI) parseTLSQuery(vals url.Values) error {
	if m := strings.ToUpper(vals.Get("auth_mechanism")); m != "" {
		if m != "PLAIN" && m != "AMQPLAIN" && m != "EXTERNAL" {
			return uriErr("auth_mechanism=%q is not one kaiten speaks (plain, amqplain, external)", vals.Get("auth_mechanism"))
		}
		u.AuthMechanism = m
	}
	u.TLS.CAFile = vals.Get("cacertfile")
	u.TLS.CertFile = vals.Get("certfile")
	u.TLS.KeyFile = vals.Get("keyfile")
	if sni := vals.Get("server_name_indication"); sni != "" && sni != "disable" {
		u.TLS.ServerName = sni
	}
	switch v := vals.Get("verify"); v {
	case "", "verify_peer":
	case "verify_none":
		u.TLS.InsecureSkipVerify = true
	default:
		return uriErr("verify=%q must be verify_peer or verify_none", v)
	}
	if !u.IsTLS() && !u.TLS.IsZero() {
		return uriErr("TLS parameters need an amqps:// URL")
	}
	return nil
}

// escapeSegment percent-encodes one path segment: "/" becomes %2F, and
// so do space, "#", "?" and "%"; a segment of only dots is escaped too, so
// that no server reads it as a relative path.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}
