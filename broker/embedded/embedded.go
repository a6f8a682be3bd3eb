// Package embedded is kaiten's in-process AMQP 0-9-1 broker: the network
// server around core's state machine, speaking the protocol through wire's
// codec, so that any AMQP client (amqp091-go, pika, kombu) can use it as
// it would RabbitMQ.
//
// Start listens on loopback only, AMQP and the RabbitMQ-compatible
// management HTTP API (package mgmt), for user guest/guest, and returns a
// Broker with its URLs. The package has no globals, handles no signals and
// logs only to the logger it is given.
//
// Each connection has a reader goroutine, which decodes frames, assembles
// content and calls core, and a writer goroutine, which writes the replies
// and drains the channels' outboxes, one flush per wakeup. Behaviour
// follows RabbitMQ (rabbit_reader, rabbit_channel) down to reply texts and
// which errors close only a channel.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/broker/embedded/core"
	"github.com/kaiten-bus/kaiten/broker/embedded/mgmt"
	"github.com/kaiten-bus/kaiten/model"
)

// shutdownGrace is how long Close waits for clients to answer its
// connection.close before it drops their sockets.
const shutdownGrace = 2 * time.Second

// Default ports, taken when free.
const (
	DefaultAMQPPort = "5672"
	DefaultAPIPort  = "15672"
)

// Options configure Start. The zero value is usable.
type Options struct {
	// Listen is the AMQP address, host:port on a loopback interface. Empty
	// takes 127.0.0.1:5672 when it is free, else a free port; an address
	// given that is taken is an error.
	Listen string
	// APIListen is the management HTTP API's address, chosen like Listen
	// around port 15672.
	APIListen string
	// NoAPI serves no management API.
	NoAPI bool
	// Definitions is a RabbitMQ definitions export (either shape) to load
	// before the broker serves, as POST /api/definitions imports it.
	Definitions []byte
	// Logger receives the broker's logs; nil discards them. Nothing is
	// ever written to stdout.
	Logger *slog.Logger
	// Version is the RabbitMQ version to behave as ("3.10.8", "3.13");
	// empty means core.DefaultVersion. Connection.start reports it as the
	// server's version, beside the product "kaiten".
	Version string
	// MaxMessageSize is the largest message body accepted; 0 means the
	// version's default (RabbitMQ's max_message_size).
	MaxMessageSize int
	// MemoryHighWatermark is how many bytes of message bodies the broker
	// holds before it blocks publishers (connection.blocked); 0 means no
	// limit.
	MemoryHighWatermark int64
}

// Broker is a running embedded broker.
type Broker struct {
	log            *slog.Logger
	core           *core.Broker
	serverProps    model.Table
	maxMessageSize int

	ln      net.Listener
	amqpURL string
	handler http.Handler // the management API
	api     *http.Server // nil with Options.NoAPI
	apiLn   net.Listener
	apiURL  string

	mu      sync.Mutex
	raw     map[net.Conn]struct{} // accepted, handshake not done
	conns   map[*conn]struct{}    // open
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
	alarm   alarm
	closeMu sync.Mutex // serializes Close
}

// Start starts a broker: it listens, loads the definitions, and serves
// until ctx is done or Close is called.
func Start(ctx context.Context, opts Options) (*Broker, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Broker{
		log:   log,
		raw:   make(map[net.Conn]struct{}),
		conns: make(map[*conn]struct{}),
		done:  make(chan struct{}),
	}
	b.core = core.New(core.Options{
		Logger:              log,
		Version:             opts.Version,
		MaxMessageSize:      opts.MaxMessageSize,
		MemoryHighWatermark: opts.MemoryHighWatermark,
		OnMemoryAlarm:       b.alarm.set,
	})
	co := b.core.Options()
	b.maxMessageSize = co.MaxMessageSize
	b.serverProps = serverProperties(co.Version)
	if err := b.listen(opts); err != nil {
		return nil, err
	}
	if b.apiURL != "" {
		// broker.ServerPropertyAPI: a client given only the AMQP URL
		// finds the API here, on whatever port it got.
		b.serverProps["kaiten_management_api"] = model.String(b.apiURL)
	}
	if len(opts.Definitions) > 0 {
		if err := b.importDefinitions(opts.Definitions); err != nil {
			b.closeListeners()
			return nil, err
		}
	}
	b.wg.Add(2)
	go b.acceptLoop()
	go b.sweep()
	if b.api != nil {
		b.wg.Add(1)
		go b.serveAPI()
	}
	go func() {
		select {
		case <-ctx.Done():
			_ = b.Close()
		case <-b.done:
		}
	}()
	log.Info("embedded broker listening", "amqp", b.ln.Addr().String(), "api", b.apiURL)
	return b, nil
}

// listen opens the AMQP and the management API listeners, and makes the
// API's handler (also when it is not served: definitions go through it).
func (b *Broker) listen(opts Options) error {
	ln, err := listenLoopback(opts.Listen, DefaultAMQPPort)
	if err != nil {
		return fmt.Errorf("AMQP listener: %w", err)
	}
	b.ln = ln
	b.amqpURL = "amqp://guest:guest@" + ln.Addr().String() + "/"
	listeners := []mgmt.Listener{listener("amqp", ln.Addr())}
	if !opts.NoAPI {
		apiLn, err := listenLoopback(opts.APIListen, DefaultAPIPort)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("management API listener: %w", err)
		}
		b.apiLn = apiLn
		b.apiURL = "http://" + apiLn.Addr().String()
		listeners = append(listeners, listener("http", apiLn.Addr()))
	}
	b.handler = mgmt.NewHandler(b.core, mgmt.Options{
		Logger:          b.log,
		Listeners:       listeners,
		CloseConnection: b.CloseConnection,
	})
	if b.apiLn != nil {
		b.api = &http.Server{
			Handler:           b.handler,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelDebug),
		}
	}
	return nil
}

func (b *Broker) closeListeners() {
	_ = b.ln.Close()
	if b.apiLn != nil {
		_ = b.apiLn.Close()
	}
}

// AMQPURL is the URL clients connect to, with the well-known guest
// credentials: amqp://guest:guest@127.0.0.1:5672/.
func (b *Broker) AMQPURL() string { return b.amqpURL }

// APIURL is the management API's URL, http://127.0.0.1:15672 (log in as
// guest/guest), or "" with Options.NoAPI.
func (b *Broker) APIURL() string { return b.apiURL }

// Core returns the broker's state machine, for the management API and
// for tests that look inside.
func (b *Broker) Core() *core.Broker { return b.core }

// Close stops listening, closes every connection with 320
// CONNECTION_FORCED as RabbitMQ does when it shuts down, and waits for
// them to end.
func (b *Broker) Close() error {
	b.closeMu.Lock()
	defer b.closeMu.Unlock()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.done)
	conns := make([]*conn, 0, len(b.conns))
	for c := range b.conns {
		conns = append(conns, c)
	}
	for nc := range b.raw {
		_ = nc.Close()
	}
	b.mu.Unlock()
	err := b.ln.Close()
	if b.api != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = b.api.Shutdown(ctx)
		cancel()
	}
	for _, c := range conns {
		if !c.forceClose(320, "broker forced connection closure with reason 'shutdown'") {
			// Already closing: its last frames are out, no need to linger.
			_ = c.nc.SetReadDeadline(time.Now())
		}
	}
	// Clients get a moment to answer close-ok; then their sockets go.
	waited := make(chan struct{})
	go func() { b.wg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(shutdownGrace):
		b.mu.Lock()
		for c := range b.conns {
			_ = c.nc.Close()
		}
		b.mu.Unlock()
		<-waited
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
