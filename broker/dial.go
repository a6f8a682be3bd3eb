package broker

import (
	"cmp"
	"context"
	"crypto/tls"
	"net"
	"os"
	"strconv"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// defaultFrameSize is RabbitMQ's own frame_max default.
const defaultFrameSize = 128 << 10

// dialer opens AMQP connections for a session: the first, and each one
// after a connection is lost.
type dialer struct {
	uri       URI
	tls       *tls.Config // nil for amqp://
	timeout   time.Duration
	heartbeat time.Duration
	name      string
	sc        scrubber
}

func newDialer(cfg Config, ep Endpoints, sc scrubber) (*dialer, error) {
	d := &dialer{
		uri:       ep.AMQP,
		timeout:   cmp.Or(ep.AMQP.ConnectionTimeout, cfg.dialTimeout()),
		heartbeat: cmp.Or(cfg.Heartbeat, 10*time.Second),
		name:      cmp.Or(cfg.ConnectionName, "kaiten"),
		sc:        sc,
	}
	if ep.AMQP.HasHeartbeat {
		d.heartbeat = ep.AMQP.Heartbeat
	}
	if ep.AMQP.IsTLS() {
		tc, err := ep.AMQP.TLS.Config(ep.AMQP.Host)
		if err != nil {
			return nil, err
		}
		d.tls = tc
	}
	return d, nil
}

// dial connects, does TLS when asked, and opens the AMQP connection, all
// within the timeout and ctx. Errors are *Error, except ctx's own.
func (d *dialer) dial(ctx context.Context) (*amqp.Connection, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	var nd net.Dialer
	raw, err := nd.DialContext(ctx, "tcp", d.uri.Addr())
	if err != nil {
		return nil, amqpDialError(err, d.uri, d.timeout, d.sc)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(deadline) // amqp.Open clears it once the connection is open
	}
	// ctx ending mid-handshake (Close, or the caller giving up) must not
	// wait for the deadline.
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	conn, err := d.open(ctx, raw)
	if !stop() && err == nil {
		_ = conn.Close()
		err = cmp.Or(context.Cause(ctx), ctx.Err())
	}
	if err != nil {
		_ = raw.Close()
		if ctx.Err() == context.Canceled {
			err = ctx.Err()
		}
		return nil, amqpDialError(err, d.uri, d.timeout, d.sc)
	}
	return conn, nil
}

func (d *dialer) open(ctx context.Context, raw net.Conn) (*amqp.Connection, error) {
	nc := raw
	if d.tls != nil {
		tc := tls.Client(raw, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		nc = tc
	}
	return amqp.Open(nc, d.config())
}

func (d *dialer) config() amqp.Config {
	var auth amqp.Authentication
	switch d.uri.AuthMechanism {
	case "EXTERNAL":
		auth = &amqp.ExternalAuth{}
	case "AMQPLAIN":
		auth = &amqp.AMQPlainAuth{Username: d.uri.Username, Password: d.uri.Password()}
	default:
		auth = &amqp.PlainAuth{Username: d.uri.Username, Password: d.uri.Password()}
	}
	return amqp.Config{
		SASL:       []amqp.Authentication{auth},
		Vhost:      d.uri.Vhost,
		ChannelMax: d.uri.ChannelMax,
		FrameSize:  cmp.Or(d.uri.FrameMax, defaultFrameSize),
		Heartbeat:  d.heartbeat,
		Locale:     "en_US",
		Properties: amqp.Table{
			"product":         "kaiten",
			"platform":        "Go",
			"connection_name": d.name,
			"information":     "kaiten " + strconv.Itoa(os.Getpid()),
		},
	}
}
