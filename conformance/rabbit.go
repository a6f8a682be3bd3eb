// Package conformance checks kaiten's routing engine against a live
// RabbitMQ: it declares topologies in fresh vhosts, publishes probes, sees
// where the broker put each one, and asks the model the same question.
//
// This file is the broker side: the management API (vhosts, permissions,
// policies) and the AMQP side (declaring, publishing with confirms and
// mandatory, draining). It knows nothing of the model.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Broker is a RabbitMQ reached over AMQP and its management API.
type Broker struct {
	amqpURL *url.URL // vhost path is replaced per connection
	apiURL  *url.URL // without user info
	user    string
	pass    string
	client  *http.Client
}

// NewBroker parses the AMQP URL (amqp://user:pass@host:port/) and the
// management URL (http://host:port). The management API uses the AMQP
// URL's credentials unless its own URL carries some.
func NewBroker(amqpURL, apiURL string) (*Broker, error) {
	a, err := url.Parse(amqpURL)
	if err != nil {
		return nil, fmt.Errorf("AMQP URL: %w", err)
	}
	h, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("management URL: %w", err)
	}
	b := &Broker{amqpURL: a, user: "guest", pass: "guest", client: &http.Client{Timeout: 10 * time.Second}}
	if a.User != nil {
		b.user = a.User.Username()
		b.pass, _ = a.User.Password()
	}
	if h.User != nil {
		b.user = h.User.Username()
		b.pass, _ = h.User.Password()
		h.User = nil
	}
	b.apiURL = h
	return b, nil
}

// Ping checks that both the AMQP port and the management API answer, and
// returns the broker's version.
func (b *Broker) Ping(ctx context.Context) (string, error) {
	host := b.amqpURL.Host
	if b.amqpURL.Port() == "" {
		host = net.JoinHostPort(b.amqpURL.Hostname(), "5672")
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", fmt.Errorf("AMQP port: %w", err)
	}
	_ = c.Close()
	var ov struct {
		Version string `json:"rabbitmq_version"`
	}
	if err := b.api(ctx, http.MethodGet, "/api/overview", nil, &ov); err != nil {
		return "", fmt.Errorf("management API: %w", err)
	}
	if ov.Version == "" {
		return "", errors.New("management API: /api/overview has no rabbitmq_version")
	}
	return ov.Version, nil
}

// api calls the management API. Path segments must already be escaped,
// and the path may carry a query.
func (b *Broker) api(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	u := strings.TrimSuffix(b.apiURL.String(), "/") + path
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.SetBasicAuth(b.user, b.pass)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func seg(s string) string { return url.PathEscape(s) }

// CreateVhost creates the vhost and gives the broker's user every
// permission in it.
func (b *Broker) CreateVhost(ctx context.Context, vhost string) error {
	if err := b.api(ctx, http.MethodPut, "/api/vhosts/"+seg(vhost), map[string]any{}, nil); err != nil {
		return err
	}
	perm := map[string]string{"configure": ".*", "write": ".*", "read": ".*"}
	return b.api(ctx, http.MethodPut, "/api/permissions/"+seg(vhost)+"/"+seg(b.user), perm, nil)
}

// DeleteVhost deletes the vhost and everything in it.
func (b *Broker) DeleteVhost(ctx context.Context, vhost string) error {
	return b.api(ctx, http.MethodDelete, "/api/vhosts/"+seg(vhost), nil, nil)
}

// PolicyDecl is a vhost policy to set through the management API.
type PolicyDecl struct {
	Name       string
	Pattern    string
	ApplyTo    string
	Priority   int
	Definition map[string]any
}

// SetPolicy sets the policy in the vhost.
func (b *Broker) SetPolicy(ctx context.Context, vhost string, p PolicyDecl) error {
	body := map[string]any{
		"pattern":    p.Pattern,
		"apply-to":   p.ApplyTo,
		"priority":   p.Priority,
		"definition": p.Definition,
	}
	return b.api(ctx, http.MethodPut, "/api/policies/"+seg(vhost)+"/"+seg(p.Name), body, nil)
}

// WaitExchangePolicies polls the vhost's exchanges until each one named in
// want shows the policy given for it ("" for none). Policies reach
// exchanges asynchronously, so publishing earlier would race them.
func (b *Broker) WaitExchangePolicies(ctx context.Context, vhost string, want map[string]string) error {
	return b.waitPolicies(ctx, "exchanges", vhost, want)
}

// WaitQueuePolicies is WaitExchangePolicies for queues.
func (b *Broker) WaitQueuePolicies(ctx context.Context, vhost string, want map[string]string) error {
	return b.waitPolicies(ctx, "queues", vhost, want)
}

// waitPolicies polls the exchanges or queues of the vhost until each one
// named in want shows the policy given for it.
func (b *Broker) waitPolicies(ctx context.Context, kind, vhost string, want map[string]string) error {
	var last []string
	for {
		var xs []struct {
			Name   string `json:"name"`
			Policy string `json:"policy"`
		}
		err := b.api(ctx, http.MethodGet, "/api/"+kind+"/"+seg(vhost)+"?columns=name,policy&disable_stats=true", nil, &xs)
		if err != nil {
			return err
		}
		have := make(map[string]string, len(xs))
		for _, x := range xs {
			have[x.Name] = x.Policy
		}
		last = last[:0]
		for name, p := range want {
			if have[name] != p {
				last = append(last, fmt.Sprintf("%q has policy %q, want %q", name, have[name], p))
			}
		}
		if len(last) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			slices.Sort(last)
			return fmt.Errorf("policies not applied: %s", strings.Join(last, "; "))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Dial opens an AMQP connection to the vhost.
func (b *Broker) Dial(vhost string) (*amqp.Connection, error) {
	return amqp.DialConfig(b.amqpURL.String(), amqp.Config{Vhost: vhost, Heartbeat: 10 * time.Second})
}

// ExchangeDecl is an exchange to declare.
type ExchangeDecl struct {
	Name     string
	Kind     string
	Internal bool
	Args     amqp.Table
}

// BindingDecl is a queue or exchange binding to declare.
type BindingDecl struct {
	Source      string
	Destination string
	ToExchange  bool
	Key         string
	Args        amqp.Table
}

// Declare declares the exchanges, then the queues, then the bindings, all
// transient, on one channel.
func Declare(conn *amqp.Connection, xs []ExchangeDecl, queues []string, bs []BindingDecl) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	for _, x := range xs {
		if err := ch.ExchangeDeclare(x.Name, x.Kind, false, false, x.Internal, false, x.Args); err != nil {
			return fmt.Errorf("exchange %q: %w", x.Name, err)
		}
	}
	for _, q := range queues {
		if _, err := ch.QueueDeclare(q, false, false, false, false, nil); err != nil {
			return fmt.Errorf("queue %q: %w", q, err)
		}
	}
	for _, bd := range bs {
		if bd.ToExchange {
			err = ch.ExchangeBind(bd.Destination, bd.Key, bd.Source, false, bd.Args)
		} else {
			err = ch.QueueBind(bd.Destination, bd.Key, bd.Source, false, bd.Args)
		}
		if err != nil {
			return fmt.Errorf("binding %q → %q key %q: %w", bd.Source, bd.Destination, bd.Key, err)
		}
	}
	return nil
}

// Probe is one message to publish. Refused marks a probe the broker is
// expected to refuse with a channel error: it is published alone on a
// channel of its own, so the error cannot take other probes with it.
type Probe struct {
	ID       string
	Exchange string
	Key      string
	Headers  amqp.Table
	Refused  bool
}

// Outcome is what the broker did with one probe.
type Outcome struct {
	// Queues received the probe, sorted; a queue appears once per copy.
	Queues []string
	// Returned is set when the broker sent basic.return (mandatory).
	Returned bool
	// Code and Text are the channel error the publish caused, if any.
	Code int
	Text string
}

// Run publishes the probes with mandatory set on a channel in confirm
// mode, waits for every confirm, then drains the queues and reports, per
// probe id, what became of it. Probes not marked Refused go in one batch;
// if the broker closes that channel anyway, the error names the probe.
func Run(ctx context.Context, conn *amqp.Connection, queues []string, probes []Probe) (map[string]*Outcome, error) {
	out := make(map[string]*Outcome, len(probes))
	var batch, alone []Probe
	for _, p := range probes {
		out[p.ID] = &Outcome{}
		if p.Refused {
			alone = append(alone, p)
		} else {
			batch = append(batch, p)
		}
	}
	if err := publish(ctx, conn, batch, out); err != nil {
		return nil, err
	}
	for _, p := range alone {
		if err := publish(ctx, conn, []Probe{p}, out); err != nil {
			return nil, err
		}
	}
	if err := drain(ctx, conn, queues, out); err != nil {
		return nil, err
	}
	for _, o := range out {
		slices.Sort(o.Queues)
	}
	return out, nil
}

// publish sends probes on a fresh confirm-mode channel and records returns
// and the channel error, if any. A channel error is expected only for a
// lone probe; in a batch it is an error naming the first unconfirmed probe.
func publish(ctx context.Context, conn *amqp.Connection, probes []Probe, out map[string]*Outcome) error {
	if len(probes) == 0 {
		return nil
	}
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	returns := ch.NotifyReturn(make(chan amqp.Return, len(probes)))
	if err := ch.Confirm(false); err != nil {
		return err
	}
	dcs := make([]*amqp.DeferredConfirmation, len(probes))
	for i, p := range probes {
		dcs[i], err = ch.PublishWithDeferredConfirmWithContext(ctx, p.Exchange, p.Key, true, false, amqp.Publishing{
			MessageId: p.ID,
			Headers:   p.Headers,
		})
		if err != nil {
			// The channel may already be closed by an earlier probe's
			// error; waiting below finds which.
			dcs = dcs[:i]
			break
		}
	}
	nacked := -1
	for i, dc := range dcs {
		ok, err := dc.WaitContext(ctx)
		if err != nil {
			return fmt.Errorf("waiting for the confirm of %s: %w", probes[i].ID, err)
		}
		if !ok && nacked < 0 {
			nacked = i
		}
	}
	if nacked < 0 && len(dcs) < len(probes) {
		nacked = len(dcs)
	}
	// Every return precedes its confirm on the wire and the client hands it
	// over before it handles the confirm, so all returns are buffered now.
	// The client closes the channel of returns when the channel closes.
	for done := false; !done; {
		select {
		case r, ok := <-returns:
			if !ok {
				done = true
			} else if o := out[r.MessageId]; o != nil {
				o.Returned = true
			}
		default:
			done = true
		}
	}
	if nacked < 0 {
		return nil
	}
	var cerr *amqp.Error
	select {
	case cerr = <-closed:
	case <-time.After(5 * time.Second):
	case <-ctx.Done():
	}
	p := probes[nacked]
	if cerr == nil {
		return fmt.Errorf("probe %s (exchange %q, key %q) was nacked without a channel error", p.ID, p.Exchange, p.Key)
	}
	if len(probes) > 1 {
		return fmt.Errorf("probe %s (exchange %q, key %q, headers %v) closed the batch channel: %d %s",
			p.ID, p.Exchange, p.Key, p.Headers, cerr.Code, cerr.Reason)
	}
	out[p.ID].Code, out[p.ID].Text = cerr.Code, cerr.Reason
	return nil
}

// drain empties every queue with auto-ack consumers and records which
// probes each queue held. Confirms have all arrived, so the message counts
// are final.
func drain(ctx context.Context, conn *amqp.Connection, queues []string, out map[string]*Outcome) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	for _, q := range queues {
		info, err := ch.QueueDeclarePassive(q, false, false, false, false, nil)
		if err != nil {
			return fmt.Errorf("queue %q: %w", q, err)
		}
		if info.Messages == 0 {
			continue
		}
		msgs, err := ch.ConsumeWithContext(ctx, q, "drain-"+q, true, true, false, false, nil)
		if err != nil {
			return fmt.Errorf("consume %q: %w", q, err)
		}
		wg.Add(1)
		go func(q string, n int) {
			defer wg.Done()
			for n > 0 {
				select {
				case d, ok := <-msgs:
					if !ok {
						mu.Lock()
						errs = append(errs, fmt.Errorf("queue %q: consumer closed with %d messages left", q, n))
						mu.Unlock()
						return
					}
					n--
					mu.Lock()
					if o := out[d.MessageId]; o != nil {
						o.Queues = append(o.Queues, q)
					} else {
						errs = append(errs, fmt.Errorf("queue %q: unexpected message id %q", q, d.MessageId))
					}
					mu.Unlock()
				case <-ctx.Done():
					mu.Lock()
					errs = append(errs, fmt.Errorf("queue %q: %w with %d messages left", q, ctx.Err(), n))
					mu.Unlock()
					return
				}
			}
		}(q, info.Messages)
	}
	wg.Wait()
	return errors.Join(errs...)
}
