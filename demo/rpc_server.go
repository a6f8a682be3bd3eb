package demo

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// rpcServer is an oslo.messaging RPC server of one topic on one host. It
// consumes <topic> (shared round-robin with the topic's other servers),
// <topic>.<host>, and a fanout queue of its own, and dispatches requests
// to its endpoints as oslo's RPCDispatcher does.
type rpcServer struct {
	exchange, topic, host string
	fanoutQ               string // <topic>_fanout_<hex>, the same across reconnections
	endpoints             []endpoint
	recent                recentIDs
}

func newRPCServer(g *rng, exchange, topic, host string, endpoints ...endpoint) *rpcServer {
	return &rpcServer{
		exchange: exchange, topic: topic, host: host,
		fanoutQ:   model.OsloFanoutExchange(topic) + "_" + g.id(),
		endpoints: endpoints,
	}
}

// declare declares the server's queues in oslo's order: the topic queue,
// the server queue, then the fanout exchange and queue.
func (srv *rpcServer) declare(ch *amqp.Channel) error {
	ex := controlExchange(srv.exchange)
	server := srv.topic + "." + srv.host
	if err := declareTopic(ch, ex, srv.topic, srv.topic, amqp.Table{}); err != nil {
		return err
	}
	if err := declareTopic(ch, ex, server, server, amqp.Table{}); err != nil {
		return err
	}
	return declareTopic(ch, fanoutExchange(srv.topic), srv.fanoutQ, srv.topic, transientArgs())
}

// listen declares the queues again, as oslo does on each connection, and
// consumes them on one channel with no prefetch limit
// (rabbit_qos_prefetch_count 0).
func (srv *rpcServer) listen(s *session) error {
	ch, err := s.conn.Channel()
	if err != nil {
		return err
	}
	if err := srv.declare(ch); err != nil {
		return err
	}
	for _, q := range []string{srv.topic, srv.topic + "." + srv.host, srv.fanoutQ} {
		if err := s.consume(ch, q, func(d amqp.Delivery) { srv.receive(s, d) }); err != nil {
			return err
		}
	}
	return nil
}

// receive acks a request before dispatching it, as RpcAMQPListener does
// (so a request is lost if the server dies while running it), drops
// duplicates, and runs it on its own goroutine, as oslo's executor does.
func (srv *rpcServer) receive(s *session, d amqp.Delivery) {
	_ = d.Ack(false)
	m, err := model.DecodeOsloDelivery(deliveryProperties(d), d.Body)
	switch {
	case err != nil:
		s.p.log.Warn("cannot decode a request", "queue", d.RoutingKey, "err", err)
		return
	case m.Kind != model.OsloCall && m.Kind != model.OsloCast:
		s.p.log.Warn("not an RPC request", "exchange", d.Exchange, "key", d.RoutingKey, "kind", m.Kind)
		return
	case srv.recent.seen(m.UniqueID):
		s.p.log.Debug("duplicate message", "unique_id", m.UniqueID)
		return
	}
	s.wg.Go(func() { srv.run(s, m) })
}

// run dispatches one request and, for a call, replies: the result or the
// failure, after heartbeats while the method ran if the caller asked.
func (srv *rpcServer) run(s *session, m model.OsloMessage) {
	var stop func()
	if m.Kind == model.OsloCall {
		stop = srv.watchdog(s, m)
	}
	began := time.Now()
	result, perr := srv.dispatch(&request{s: s, srv: srv, msg: m})
	if stop != nil {
		stop()
	}
	log := s.p.log.With("method", m.Method, "topic", srv.topic, "took", time.Since(began).Round(time.Millisecond))
	if perr != nil {
		log.Debug("method raised", "err", perr.class+": "+perr.message)
	}
	if m.Kind != model.OsloCall || s.ctx.Err() != nil {
		return
	}
	if m.ReplyQueue == "" {
		log.Warn("call without _reply_q, not replying", "msg_id", m.MsgID)
		return
	}
	var out model.OsloMessage
	var err error
	if perr != nil {
		out, err = model.NewOsloFailure(m.MsgID, perr.remote(), s.p.rng)
	} else {
		out, err = model.NewOsloReply(m.MsgID, result, s.p.rng)
	}
	if err == nil {
		err = srv.reply(s, m.ReplyQueue, out)
	}
	if err != nil && s.ctx.Err() == nil {
		log.Warn("reply not sent", "msg_id", m.MsgID, "reply_q", m.ReplyQueue, "err", err)
	}
}

// dispatch finds the method as RPCDispatcher.dispatch does: the first
// endpoint in the request's namespace whose version is compatible and
// that has the method; NoSuchMethod if some were compatible,
// UnsupportedVersion if none. Methods starting with _ are refused, as
// DefaultRPCAccessPolicy does.
func (srv *rpcServer) dispatch(r *request) (model.PyValue, *pyError) {
	version := r.msg.Version
	if version == "" {
		version = "1.0"
	}
	compatible := false
	for _, ep := range srv.endpoints {
		epVersion := ep.version
		if epVersion == "" {
			epVersion = "1.0"
		}
		if ep.namespace != r.msg.Namespace || !model.OsloVersionCompatible(epVersion, version) {
			continue
		}
		if fn, ok := ep.methods[r.msg.Method]; ok && !strings.HasPrefix(r.msg.Method, "_") {
			result, perr := fn(r)
			if perr != nil {
				perr.raisedIn(ep.file, r.msg.Method)
			}
			return result, perr
		}
		compatible = true
	}
	if compatible {
		return model.PyNone(), noSuchMethod(r.msg.Method)
	}
	return model.PyNone(), unsupportedVersion(version, r.msg.Method)
}

// watchdog sends call-monitor heartbeats while a call runs, when the
// caller set _timeout: every int(_timeout)/2 seconds, as the dispatcher's
// watchdog thread does (below a second it refuses, as oslo does). The
// returned function stops it and waits, so no heartbeat follows the reply.
func (srv *rpcServer) watchdog(s *session, m model.OsloMessage) func() {
	if m.Timeout.State != model.OsloTimeoutSet {
		return nil
	}
	secs, err := strconv.ParseFloat(m.Timeout.Seconds.Text, 64)
	interval := time.Duration(math.Trunc(secs)) * time.Second / 2
	if err != nil || interval < time.Second {
		s.p.log.Warn("client provided an invalid timeout value", "timeout", m.Timeout.Seconds.Text)
		return nil
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-s.ctx.Done():
				return
			case <-t.C:
			}
			hb, err := model.NewOsloHeartbeat(m.MsgID, s.p.rng)
			if err == nil {
				err = s.sendOslo(nil, m.ReplyQueue, hb, 0)
			}
			if err != nil {
				s.p.log.Debug("call-monitor heartbeat failed", "msg_id", m.MsgID, "err", err)
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// reply sends out to the caller's reply queue through the default
// exchange, mandatory; while the queue is missing it retries every 250 ms
// for up to a minute, as AMQPIncomingMessage.reply does.
func (srv *rpcServer) reply(s *session, replyQ string, out model.OsloMessage) error {
	deadline := time.Now().Add(replyRetryFor)
	for {
		err := s.sendOslo(nil, replyQ, out, 0)
		if !errors.Is(err, errUnroutable) {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("reply queue missing for a minute, abandoning")
		}
		if !s.sleep(replyRetry) {
			return nil
		}
	}
}

// recentIDs remembers the last _unique_id values a server saw, as oslo's
// _MsgIdCache does, to drop a message delivered twice.
type recentIDs struct {
	mu   sync.Mutex
	ids  [16]string // DUP_MSG_CHECK_SIZE
	next int
}

func (c *recentIDs) seen(id string) bool {
	if id == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.ids {
		if x == id {
			return true
		}
	}
	c.ids[c.next] = id
	c.next = (c.next + 1) % len(c.ids)
	return false
}
