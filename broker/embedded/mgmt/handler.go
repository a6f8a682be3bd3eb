package mgmt

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/model"
)

// Options configure the management API. The zero value serves guest/guest.
type Options struct {
	// Users may log in with HTTP basic auth; nil means guest/guest, an
	// administrator. Every user may do everything: the embedded broker is
	// a sandbox and checks no permissions.
	Users []User
	// Logger receives what the API refuses or skips; nil discards it.
	Logger *slog.Logger
	// Clock times the samples rates are computed from; nil means the
	// broker's clock.
	Clock Clock
	// RateInterval is the least time between two samples of an object's
	// counters (RabbitMQ's collect_statistics_interval); 0 means 5s.
	RateInterval time.Duration
	// Node is the node name shown everywhere; "" means the broker's.
	Node string
	// ClusterName is /api/overview's cluster_name; "" means Node.
	ClusterName string
	// RabbitMQVersion is reported as rabbitmq_version and
	// management_version; "" means the version core behaves as
	// (core.Options.Version, made a full x.y.z), so a client that gates
	// semantics on it (headers matching) gets those the broker has.
	RabbitMQVersion string
	// ProductName and ProductVersion are reported as product_name and
	// product_version; "" means "kaiten" and "dev".
	ProductName    string
	ProductVersion string
	// Listeners are listed by /api/overview (AMQP and this API).
	Listeners []Listener
	// CloseConnection closes a client connection for DELETE
	// /api/connections/{name}: the server layer sends connection.close
	// 320 CONNECTION_FORCED with the reason and drops the socket. It
	// reports whether the connection was found. Nil makes the endpoint
	// answer 405.
	CloseConnection func(id uint64, reason string) bool
	// MaxBodyBytes caps request bodies (a definitions import can be
	// large); 0 means 256 MiB.
	MaxBodyBytes int64
}

// User is a login of the management API.
type User struct {
	Name     string
	Password string
	// Tags are RabbitMQ's user tags; nil means administrator.
	Tags []string
}

// Listener is a port the node listens on, as /api/overview lists it.
type Listener struct {
	Protocol  string // "amqp", "http"
	IPAddress string
	Port      int
}

// Clock is the time source of the rate samples; core.Clock is one.
type Clock interface{ Now() time.Time }

// defaultRateInterval is RabbitMQ's collect_statistics_interval.
const defaultRateInterval = 5 * time.Second

// handler serves the management API over one broker.
type handler struct {
	b       *core.Broker
	opts    Options
	log     *slog.Logger
	users   map[string]*account
	rates   *rateTable
	st      state
	started time.Time
}

// account is a user with the hash /api/users shows instead of the password.
type account struct {
	User
	hash string
}

// NewHandler returns the management API of b as an http.Handler. It
// serves the paths under /api, so mount it at the root of its listener.
func NewHandler(b *core.Broker, opts Options) http.Handler {
	bo := b.Options()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Clock == nil {
		opts.Clock = bo.Clock
	}
	if opts.RateInterval <= 0 {
		opts.RateInterval = defaultRateInterval
	}
	if opts.Node == "" {
		opts.Node = bo.Node
	}
	if opts.ClusterName == "" {
		opts.ClusterName = opts.Node
	}
	if opts.RabbitMQVersion == "" {
		opts.RabbitMQVersion = fullVersion(bo.Version)
	}
	if opts.ProductName == "" {
		opts.ProductName = "kaiten"
	}
	if opts.ProductVersion == "" {
		opts.ProductVersion = "dev"
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 256 << 20
	}
	if opts.Users == nil {
		opts.Users = []User{{Name: "guest", Password: "guest"}}
	}
	h := &handler{
		b: b, opts: opts, log: opts.Logger,
		users: make(map[string]*account, len(opts.Users)),
		rates: newRateTable(opts.Clock, opts.RateInterval),
		st:    newState(), started: opts.Clock.Now(),
	}
	for _, u := range opts.Users {
		if u.Tags == nil {
			u.Tags = []string{"administrator"}
		}
		h.users[u.Name] = &account{User: u, hash: passwordHash(u.Password)}
	}
	return h
}

// fullVersion makes "3.13" read "3.13.0", as RabbitMQ versions do.
func fullVersion(v string) string {
	if strings.Count(v, ".") == 1 {
		return v + ".0"
	}
	return v
}

// request is one API call being served.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	args []string // the path's variable segments, decoded
	user *account
}

// arg returns the i-th variable path segment.
func (rq *request) arg(i int) string { return rq.args[i] }

// ServeHTTP routes a request: unknown paths are 404, a method the path
// does not allow 405 (with Allow), then basic auth (401), as
// cowboy_rest decides in that order.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("management API panic", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			writeError(w, &apiError{
				status: http.StatusInternalServerError, err: "internal_error",
				reason: "the embedded broker failed to serve this request",
			})
		}
	}()
	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		writeError(w, errNotFound())
		return
	}
	rt, args := matchRoute(segs)
	if rt == nil {
		writeError(w, errNotFound())
		return
	}
	w.Header().Set("Vary", "accept, accept-encoding, origin")
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", rt.allow())
		w.WriteHeader(http.StatusOK)
		return
	}
	fn := rt.handlerFor(r.Method)
	if fn == nil {
		w.Header().Set("Allow", rt.allow())
		writeError(w, &apiError{
			status: http.StatusMethodNotAllowed, err: "method_not_allowed",
			reason: r.Method + " is not allowed here; allowed: " + rt.allow(),
		})
		return
	}
	user := h.authenticate(r)
	if user == nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="RabbitMQ Management"`)
		writeError(w, &apiError{status: http.StatusUnauthorized, err: "not_authorized", reason: "Login failed"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes)
	rq := &request{w: w, r: r, args: args, user: user}
	if err := fn(h, rq); err != nil {
		writeError(w, toAPIError(err))
	}
}

// authenticate checks the basic-auth credentials.
func (h *handler) authenticate(r *http.Request) *account {
	name, pass, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	a := h.users[name]
	if a == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(a.Password)) != 1 {
		h.log.Warn("HTTP access denied", "user", name)
		return nil
	}
	return a
}

// vhost returns the named vhost or the 404 RabbitMQ answers for a missing
// one.
func (h *handler) vhost(name string) (*core.Vhost, error) {
	v, ok := h.b.Vhost(name)
	if !ok {
		return nil, errNotFound()
	}
	return v, nil
}

// vhostFor is vhost for a write: a missing vhost is "vhost_not_found".
func (h *handler) vhostFor(name string) (*core.Vhost, error) {
	v, ok := h.b.Vhost(name)
	if !ok {
		return nil, &apiError{status: http.StatusNotFound, err: "not_found", reason: "vhost_not_found"}
	}
	return v, nil
}

// scope lists the vhosts a request covers: the one named, or all.
func (h *handler) scope(rq *request, vhostArg int) ([]*core.Vhost, error) {
	if vhostArg >= 0 && vhostArg < len(rq.args) {
		v, err := h.vhost(rq.arg(vhostArg))
		if err != nil {
			return nil, err
		}
		return []*core.Vhost{v}, nil
	}
	var out []*core.Vhost
	for _, name := range h.b.Vhosts() {
		if v, ok := h.b.Vhost(name); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// listVhosts answers a list over the vhosts a request covers (the one
// its first path segment names, or all): items gives each vhost's.
func (h *handler) listVhosts(rq *request, paginated bool, defaultSort []string,
	items func(v *core.Vhost, lq *listQuery) []obj,
) error {
	lq, err := parseList(rq.r.URL.Query(), paginated, defaultSort...)
	if err != nil {
		return err
	}
	vs, err := h.scope(rq, 0)
	if err != nil {
		return err
	}
	var all []obj
	for _, v := range vs {
		all = append(all, items(v, lq)...)
	}
	return lq.reply(rq, all)
}

// writeTo is the start of a write: the vhost of the first path segment
// and the request's JSON body.
func (h *handler) writeTo(rq *request) (*core.Vhost, map[string]any, error) {
	v, err := h.vhostFor(rq.arg(0))
	if err != nil {
		return nil, nil, err
	}
	body, err := rq.body()
	return v, body, err
}

// state is what the API records that core does not keep: permissions,
// vhost descriptions and operator policies (recorded, listed and
// exported, but not applied).
type state struct {
	mu         sync.Mutex
	perms      map[[2]string]permission // {vhost, user}
	vhostMeta  map[string]vhostMeta
	opPolicies map[string]map[string]model.Policy // vhost → name → policy
}

type permission struct {
	Configure, Write, Read string
}

type vhostMeta struct {
	Description      string
	Tags             []string
	DefaultQueueType string
}

func newState() state {
	return state{
		perms:      map[[2]string]permission{},
		vhostMeta:  map[string]vhostMeta{},
		opPolicies: map[string]map[string]model.Policy{},
	}
}
