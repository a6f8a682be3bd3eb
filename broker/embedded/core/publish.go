package core

import (
	"slices"

	"github.com/kaiten-bus/kaiten/model"
)

// PublishResult is what became of a publish.
type PublishResult struct {
	// Queues took the message (enqueued, delivered, or refused by
	// reject-publish: such a queue counts as routed, as in RabbitMQ). It
	// may share memory with Routed; treat both as read-only.
	Queues []string
	// Routed are the queue names routing found before dropping those that
	// do not exist (the firehose's routed_queues): for the default
	// exchange a key naming no queue is listed.
	Routed []string
	// Returned: mandatory and no queue took it; send basic.return 312
	// NO_ROUTE with the message before the confirm.
	Returned bool
	// Nacked: a queue refused it (x-overflow reject-publish); with
	// confirms, send basic.nack instead of basic.ack.
	Nacked bool
	// ConfirmTag is the publish sequence number in confirm mode, else 0.
	ConfirmTag uint64
	// Deferred: the channel is transactional and the message waits for
	// tx.commit; only Routed is known yet.
	Deferred bool
}

// Publish is basic.publish on the channel. It takes ownership of body. The
// checks, in RabbitMQ's order: size (406), exchange (404), internal
// exchange (403), reply_to amq.rabbitmq.reply-to without a reply consumer
// (406), user_id other than the connection's user (406), expiration
// (406), CC/BCC headers that are not arrays (406).
func (ch *Channel) Publish(exchange, routingKey string, mandatory bool, props model.Properties, body []byte) (PublishResult, error) {
	ch.mu.Lock()
	closed := ch.closed
	ch.mu.Unlock()
	if closed {
		return PublishResult{}, errChannelClosed()
	}
	return ch.v.publish(ch, exchange, routingKey, mandatory, &props, body)
}

// envelope returns the envelope for a publish: the channel's previous one
// when it is the same, so that a stream of like messages holds one copy
// of its exchange, routing key and properties instead of one each.
func (ch *Channel) envelope(exchange, rk string, props *model.Properties) *Envelope {
	ch.envMu.Lock()
	defer ch.envMu.Unlock()
	if e := ch.lastEnv; e != nil && e.sameAs(exchange, rk, props) {
		return e
	}
	e := newEnvelope(exchange, rk, props)
	ch.lastEnv = e
	return e
}

// Publish publishes on behalf of the broker itself (the management API's
// exchange publish): the same pipeline, without a channel.
func (v *Vhost) Publish(exchange, routingKey string, mandatory bool, props model.Properties, body []byte) (PublishResult, error) {
	return v.publish(nil, exchange, routingKey, mandatory, &props, body)
}

// publish runs the pipeline; props are read-only (a change copies them)
// and become the message's.
func (v *Vhost) publish(ch *Channel, exchange, rk string, mandatory bool, props *model.Properties, body []byte) (PublishResult, error) {
	b := v.b
	if len(body) > b.opts.MaxMessageSize {
		return PublishResult{}, errorf(CodePreconditionFailed, "message size %d is larger than configured max size %d",
			len(body), b.opts.MaxMessageSize)
	}
	s := v.current()
	x := s.exchanges[exchange]
	if x == nil {
		return PublishResult{}, errNoExchange(exchange, v.name)
	}
	if x.decl.Internal {
		return PublishResult{}, errorf(CodeAccessRefused, "cannot publish to internal %s", rs("exchange", exchange, v.name))
	}
	if props.Has&model.HasReplyTo != 0 && props.ReplyTo == ReplyToQueue {
		key, ok := ch.replyKey()
		if !ok {
			return PublishResult{}, errorf(CodePreconditionFailed, "fast reply consumer does not exist")
		}
		p := *props
		p.ReplyTo = replyToPrefix + key
		props = &p
	}
	if ch != nil && props.Has&model.HasUserID != 0 && props.UserID != ch.conn.info.User && !ch.conn.info.Impersonator {
		return PublishResult{}, errorf(CodePreconditionFailed, "user_id property set to '%s' but authenticated user was '%s'",
			props.UserID, ch.conn.info.User)
	}
	exp, err := parseExpiration(props, b.beh.maxExpiry)
	if err != nil {
		return PublishResult{}, err
	}
	keys, rerr := model.RoutingKeys(rk, props.Headers)
	if rerr != nil {
		return PublishResult{}, fromRouteError(rerr)
	}
	var bcc []string
	if h, ok := props.Headers["BCC"]; ok {
		for _, k := range h.Array {
			if k.Type == model.TypeLongstr {
				bcc = append(bcc, k.Str)
			}
		}
		p := *props
		p.Headers = withoutHeader(props.Headers, "BCC")
		props = &p
	}
	var env *Envelope
	if ch != nil {
		env = ch.envelope(x.decl.Name, rk, props)
	} else {
		env = newEnvelope(x.decl.Name, rk, props)
	}
	m := newMessage(env, body, bcc, exp)
	routed := v.route(s, x, keys, m)
	x.publishIn.Add(1)
	v.stats.publish.Add(1)
	if ch != nil {
		ch.stats.publish.Add(1)
	}
	if v.tracing.Load() && exchange != TraceExchange {
		v.tracePublish(m, keys, routed, ch)
	}
	if ch != nil {
		if deferred, res := ch.deferPublish(m, routed, mandatory); deferred {
			return res, nil
		}
	}
	res := v.deliver(ch, x, m, routed, mandatory)
	if ch != nil {
		ch.confirmResult(&res)
	}
	return res, nil
}

// route returns the queue names the message routes to, before the
// existence check. The default exchange is rabbit_exchange:route's special
// case: the queues named by the sorted, de-duplicated keys, except that
// direct reply-to keys deliver straight to their consumer and route
// nowhere.
func (v *Vhost) route(s *snapshot, x *exchange, keys []string, m *Message) []string {
	if x.decl.Name != model.DefaultExchange {
		return s.router.RouteFrom(x.decl.Name, keys, m.Properties.Headers)
	}
	if len(keys) == 1 && !isReplyKey(keys[0]) {
		return keys
	}
	out := defaultRoute(keys)
	n := 0
	for _, k := range out {
		if isReplyKey(k) {
			v.b.deliverReply(k, m)
			continue
		}
		out[n] = k
		n++
	}
	return out[:n]
}

// defaultRoute is the default exchange's routing: the queues named by the
// keys, sorted and de-duplicated, whether they exist or not.
func defaultRoute(keys []string) []string {
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}

// deliver hands the message to the routed queues that exist (in the
// current topology) and works out return and confirm. ch, the publishing
// channel, may be nil.
func (v *Vhost) deliver(ch *Channel, x *exchange, m *Message, routed []string, mandatory bool) PublishResult {
	res := PublishResult{Routed: routed}
	var buf [8]*queue
	targets := buf[:0]
	for _, name := range routed {
		if q := v.queueNamed(name); q != nil {
			targets = append(targets, q)
		}
	}
	var fx effects
	taken := 0
	allTaken := len(targets) == len(routed)
	for i, q := range targets {
		switch q.publish(m, &fx) {
		case outcomeTaken:
			taken++
		case outcomeRejected:
			taken++
			res.Nacked = true
		case outcomeGone:
			targets[i] = nil
			allTaken = false
		}
	}
	if allTaken {
		res.Queues = routed
	} else {
		res.Queues = make([]string, 0, taken)
		for _, q := range targets {
			if q != nil {
				res.Queues = append(res.Queues, q.name)
			}
		}
	}
	x.publishOut.Add(int64(len(res.Queues)))
	if len(res.Queues) == 0 {
		if mandatory {
			res.Returned = true
			v.stats.returnUnroutable.Add(1)
			if ch != nil {
				ch.stats.returnUnroutable.Add(1)
			}
		} else {
			v.stats.dropUnroutable.Add(1)
			if ch != nil {
				ch.stats.dropUnroutable.Add(1)
			}
		}
	}
	fx.run(v)
	return res
}

// publishInternal routes a message the broker itself makes (a firehose
// event): no checks, no confirm, no return.
func (v *Vhost) publishInternal(exchange, rk string, props model.Properties, body []byte) {
	s := v.current()
	m := newMessage(newEnvelope(exchange, rk, &props), body, nil, -1)
	var fx effects
	for _, name := range s.router.RouteFrom(exchange, []string{rk}, props.Headers) {
		if q := v.queueNamed(name); q != nil {
			q.publish(m, &fx)
		}
	}
	fx.run(v)
}

// ConfirmSelect is confirm.select: from now on each publish gets a
// sequence number (PublishResult.ConfirmTag) to ack or nack. A
// transactional channel refuses it (406).
func (ch *Channel) ConfirmSelect() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.tx != nil {
		return errorf(CodePreconditionFailed, "cannot switch from tx to confirm mode")
	}
	ch.confirm = true
	return nil
}

func (ch *Channel) confirmResult(res *PublishResult) {
	ch.mu.Lock()
	if ch.confirm {
		ch.confirmSeq++
		res.ConfirmTag = ch.confirmSeq
	}
	confirm := ch.confirm
	ch.mu.Unlock()
	if confirm && !res.Nacked {
		ch.v.stats.confirm.Add(1)
		ch.stats.confirm.Add(1)
	}
}
