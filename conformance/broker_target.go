package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Target is one broker the TestBroker* suite runs against: RabbitMQ
// today, the embedded broker once it exists. Every test runs once per
// target and asserts the same observable behaviour on each.
type Target struct {
	// Name names the subtest ("rabbitmq", "embedded").
	Name string
	// AMQP is amqp://user:pass@host:port/; the vhost is chosen per test.
	AMQP string
	// API is the management API, http://host:port.
	API string
	// Start, when set, starts an in-process broker the first time a test
	// asks for the target and returns its URLs, which replace AMQP and
	// API. Its ctx is never cancelled: the broker lives as long as the
	// test binary.
	Start func(ctx context.Context) (amqpURL, apiURL string, err error)
}

// started holds, per target name, the outcome of its Start.
var started sync.Map // name → func() (Target, error)

// Resolve returns the target with its URLs filled in, starting its broker
// on first use.
func (tg Target) Resolve() (Target, error) {
	if tg.Start == nil {
		return tg, nil
	}
	once, _ := started.LoadOrStore(tg.Name, sync.OnceValues(func() (Target, error) {
		a, h, err := tg.Start(context.Background())
		if err != nil {
			return tg, fmt.Errorf("start %s: %w", tg.Name, err)
		}
		tg.AMQP, tg.API, tg.Start = a, h, nil
		return tg, nil
	}))
	return once.(func() (Target, error))()
}

// URL is the AMQP URL of the vhost, as a client other than amqp091-go
// (pika, kombu) takes it.
func (b *Broker) URL(vhost string) string {
	u := *b.amqpURL
	u.Path = "/" + vhost
	u.RawPath = "/" + url.PathEscape(vhost)
	return u.String()
}

// DialConfig opens an AMQP connection to the vhost with the client
// settings in cfg (its Vhost is replaced).
func (b *Broker) DialConfig(vhost string, cfg amqp.Config) (*amqp.Connection, error) {
	cfg.Vhost = vhost
	return amqp.DialConfig(b.amqpURL.String(), cfg)
}

// WithCredentials returns the broker reached as another user (or with
// another password) over AMQP; the management API keeps its own.
func (b *Broker) WithCredentials(user, pass string) *Broker {
	c := *b
	u := *b.amqpURL
	u.User = url.UserPassword(user, pass)
	c.amqpURL = &u
	return &c
}

// Address is the broker's AMQP host:port.
func (b *Broker) Address() string {
	if b.amqpURL.Port() == "" {
		return b.amqpURL.Hostname() + ":5672"
	}
	return b.amqpURL.Host
}

// Credentials are the user and password the broker's AMQP URL carries.
func (b *Broker) Credentials() (user, pass string) {
	if b.amqpURL.User == nil {
		return "guest", "guest"
	}
	p, _ := b.amqpURL.User.Password()
	return b.amqpURL.User.Username(), p
}

// QueueNames lists the vhost's queues through the management API, which,
// unlike a passive queue.declare, does not count as using them (and so
// does not renew an x-expires lease).
func (b *Broker) QueueNames(ctx context.Context, vhost string) ([]string, error) {
	var qs []struct {
		Name string `json:"name"`
	}
	err := b.api(ctx, http.MethodGet, "/api/queues/"+seg(vhost)+"?columns=name&disable_stats=true", nil, &qs)
	names := make([]string, len(qs))
	for i, q := range qs {
		names[i] = q.Name
	}
	return names, err
}
