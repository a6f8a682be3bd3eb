package broker

import (
	"cmp"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIPort is where RabbitMQ's management plugin listens.
const DefaultAPIPort = 15672

// Config says how to reach one broker. Only URL is needed; the rest have
// defaults. A Config prints redacted.
type Config struct {
	// Context names the context the config came from, for messages; ""
	// when it came from flags or KAITEN_URL alone.
	Context string
	// URL is the AMQP URI (see ParseURI); "" means amqp://localhost.
	URL string
	// APIURL is the management API, http:// or https://, with its own
	// credentials in it or not; "" means http://<AMQP host>:15672. Either
	// way the API uses the AMQP URI's credentials unless it has its own.
	APIURL string
	// Vhost, when set, replaces the URI's vhost.
	Vhost string
	// TLS options set here win over those in the URI's query.
	TLS TLSOptions
	// ReadOnly asks callers to hide and refuse every change to the broker.
	ReadOnly bool
	// RequireAPI makes Open fail when the management API is out of reach,
	// instead of returning a degraded session.
	RequireAPI bool
	// DialTimeout bounds each attempt to connect; 0 means 10s.
	DialTimeout time.Duration
	// Heartbeat is the AMQP heartbeat asked for; 0 means 10s, or the URI's
	// heartbeat parameter.
	Heartbeat time.Duration
	// ConnectionName is shown in the management UI's connection list; ""
	// means "kaiten".
	ConnectionName string
	// HTTPClient, when set, carries the management API's requests. Its
	// transport must do TLS itself for an https API.
	HTTPClient *http.Client
}

// Endpoints are a Config's two addresses, parsed and defaulted.
type Endpoints struct {
	AMQP URI
	API  APIEndpoint
}

// APIEndpoint is the management API: its base URL without credentials,
// and the credentials to send.
type APIEndpoint struct {
	URL      string // http(s)://host:port[/prefix], no user info, no trailing slash
	Username string
	password secret
}

// Password returns the API's password.
func (a APIEndpoint) Password() string { return a.password.reveal() }

// String returns the base URL, which holds no credentials.
func (a APIEndpoint) String() string { return a.URL }

// Redacted describes both endpoints, without passwords.
func (e Endpoints) Redacted() string {
	return e.AMQP.Redacted() + " (management API " + e.API.URL + ")"
}

// String is the redacted form.
func (e Endpoints) String() string { return e.Redacted() }

// Redacted describes the config without passwords.
func (c Config) Redacted() string {
	ep, err := c.Endpoints()
	if err != nil {
		return "(bad config: " + err.Error() + ")"
	}
	s := ep.Redacted()
	if c.Context != "" {
		s = "context " + strconv.Quote(c.Context) + ": " + s
	}
	if c.ReadOnly {
		s += ", read-only"
	}
	return s
}

// String is the redacted form, so that printing a Config (with any verb
// but %#v, which GoString covers) never shows a password.
func (c Config) String() string { return c.Redacted() }

// GoString is the redacted form for %#v.
func (c Config) GoString() string { return "broker.Config(" + strconv.Quote(c.Redacted()) + ")" }

func (c Config) dialTimeout() time.Duration { return cmp.Or(c.DialTimeout, 10*time.Second) }

// Endpoints parses the URL and the API URL, applies Vhost and TLS, and
// derives the API URL when none is given.
func (c Config) Endpoints() (Endpoints, error) {
	u, err := ParseURI(cmp.Or(c.URL, "amqp://"))
	if err != nil {
		return Endpoints{}, err
	}
	if c.Vhost != "" {
		u.Vhost = c.Vhost
	}
	u.TLS = u.TLS.over(c.TLS)
	if !u.IsTLS() && !c.TLS.IsZero() {
		return Endpoints{}, configErr("TLS options are set but the URL is %s; use amqps:// for TLS", u.Redacted())
	}
	api, err := parseAPIURL(c.APIURL, u)
	if err != nil {
		return Endpoints{}, err
	}
	return Endpoints{AMQP: u, API: api}, nil
}

// parseAPIURL reads the management API URL. The user information is cut
// off before net/url sees the rest, because net/url quotes the whole URL
// in its errors.
func parseAPIURL(s string, amqpURI URI) (APIEndpoint, error) {
	ep := APIEndpoint{Username: amqpURI.Username, password: amqpURI.password}
	if s == "" {
		ep.URL = "http://" + net.JoinHostPort(amqpURI.Host, strconv.Itoa(DefaultAPIPort))
		return ep, nil
	}
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return APIEndpoint{}, configErr("bad management API URL: it must start with http:// or https://")
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, path := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		user, pass, _ := strings.Cut(authority[:at], ":")
		var err error
		if ep.Username, err = url.PathUnescape(user); err != nil {
			return APIEndpoint{}, configErr("bad management API URL: the user name has a bad percent-encoding")
		}
		p, err := url.PathUnescape(pass)
		if err != nil {
			return APIEndpoint{}, configErr("bad management API URL: the password has a bad percent-encoding")
		}
		ep.password = newSecret(p)
		authority = authority[at+1:]
	}
	if strings.Contains(path, "@") {
		return APIEndpoint{}, configErr(`bad management API URL: an "@" follows the host; percent-encode "/", "?", "#" and "@" in user names and passwords`)
	}
	pu, err := url.Parse(scheme + "://" + authority + path)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return APIEndpoint{}, configErr("bad management API URL %s: %v", scheme+"://"+authority, err)
	}
	if pu.Host == "" {
		return APIEndpoint{}, configErr("bad management API URL: it has no host")
	}
	if pu.RawQuery != "" || pu.Fragment != "" {
		return APIEndpoint{}, configErr("bad management API URL %s: it must not have a query or a fragment", pu.Redacted())
	}
	p := strings.TrimSuffix(pu.EscapedPath(), "/")
	p = strings.TrimSuffix(p, "/api") // a common slip: the API's own path
	ep.URL = pu.Scheme + "://" + pu.Host + p
	return ep, nil
}
