package learn

import (
	"errors"
	"fmt"
	"time"
)

// Step is one thing a solution, a wrong attempt or a lesson's setup does
// on the broker, written as a one-key map naming its kind:
// `publish: {exchange: logs, key: eu.paris}`. Exactly one field is set.
// Steps run through the lesson's broker.Session, as the student's views
// do. docs/lessons.md explains each.
type Step struct {
	// Declare declares a queue or an exchange.
	Declare *DeclareStep `yaml:"declare,omitempty"`
	// Bind and Unbind add or remove a binding.
	Bind   *BindStep `yaml:"bind,omitempty"`
	Unbind *BindStep `yaml:"unbind,omitempty"`
	// Publish publishes messages.
	Publish *PublishStep `yaml:"publish,omitempty"`
	// Consume starts a consumer that stays until Stop names it (or the
	// lesson ends).
	Consume *ConsumeStep `yaml:"consume,omitempty"`
	// Await waits until a consumer has received some messages.
	Await *AwaitStep `yaml:"await,omitempty"`
	// Reject rejects (or requeues) the messages a consumer holds.
	Reject *RejectStep `yaml:"reject,omitempty"`
	// Stop closes a consumer's channel, as if its process died: the
	// messages it holds unacknowledged go back to the queue.
	Stop string `yaml:"stop,omitempty"`
	// Peek gets messages from a queue and puts them back.
	Peek *PeekStep `yaml:"peek,omitempty"`
	// Call makes an RPC call and waits for the reply.
	Call *CallStep `yaml:"call,omitempty"`
	// Serve starts an RPC server: it answers each request on a queue with
	// a reply to its reply_to, carrying its correlation_id.
	Serve *ServeStep `yaml:"serve,omitempty"`
	// Sleep waits, like `sleep: 300ms` (for TTLs to run out).
	Sleep string `yaml:"sleep,omitempty"`
}

// DeclareStep declares a queue (Queue) or an exchange (Exchange, Type).
type DeclareStep struct {
	Queue     string         `yaml:"queue,omitempty"`
	Exchange  string         `yaml:"exchange,omitempty"`
	Type      string         `yaml:"type,omitempty"` // exchange type, default direct
	Arguments map[string]any `yaml:"arguments,omitempty"`
}

// BindStep is a binding from Source to a Queue or an Exchange.
type BindStep struct {
	Source    string         `yaml:"source"`
	Queue     string         `yaml:"queue,omitempty"`
	Exchange  string         `yaml:"exchange,omitempty"`
	Key       string         `yaml:"key,omitempty"`
	Arguments map[string]any `yaml:"arguments,omitempty"`
}

// PublishStep publishes Count messages (default 1). Confirm and Mandatory
// default to on, as kaiten's publish view does; write `confirm: false`
// or `mandatory: false` to turn them off.
type PublishStep struct {
	Exchange   string         `yaml:"exchange"`
	Key        string         `yaml:"key,omitempty"`
	Body       string         `yaml:"body,omitempty"`
	Headers    map[string]any `yaml:"headers,omitempty"`
	Expiration string         `yaml:"expiration,omitempty"`
	Count      int            `yaml:"count,omitempty"`
	Confirm    *bool          `yaml:"confirm,omitempty"`
	Mandatory  *bool          `yaml:"mandatory,omitempty"`
}

// ConsumeStep starts a consumer named ID on Queue. Ack is how it settles
// messages: "ack" (acknowledge each, the default), "auto" (the broker
// forgets each as it sends it) or "hold" (keep them unacknowledged, to
// Reject or Stop later). Prefetch limits the unacknowledged messages it
// is sent at once (0 means no limit).
type ConsumeStep struct {
	ID       string `yaml:"id"`
	Queue    string `yaml:"queue"`
	Ack      string `yaml:"ack,omitempty"`
	Prefetch int    `yaml:"prefetch,omitempty"`
}

// AwaitStep waits (up to five seconds) until the consumer ID has
// received Messages messages in all.
type AwaitStep struct {
	ID       string `yaml:"id"`
	Messages int    `yaml:"messages"`
}

// RejectStep rejects every message consumer ID holds; with Requeue they
// go back to the queue, else they are dead-lettered or dropped.
type RejectStep struct {
	ID      string `yaml:"id"`
	Requeue bool   `yaml:"requeue,omitempty"`
}

// PeekStep gets up to Count messages (default 1) from Queue and requeues
// them.
type PeekStep struct {
	Queue string `yaml:"queue"`
	Count int    `yaml:"count,omitempty"`
}

// CallStep publishes a request and waits for the reply (Timeout, default
// 3s). A call that fails (unroutable, no reply) does not fail the steps:
// wrong attempts fail that way.
type CallStep struct {
	Exchange string `yaml:"exchange"`
	Key      string `yaml:"key"`
	Body     string `yaml:"body,omitempty"`
	Timeout  string `yaml:"timeout,omitempty"`
}

// ServeStep answers requests on Queue with Reply (default: "ok: " and
// the request's body); with Calc it is a calculator, answering "2+3"
// with "2+3 = 5".
type ServeStep struct {
	Queue string `yaml:"queue"`
	Reply string `yaml:"reply,omitempty"`
	Calc  bool   `yaml:"calc,omitempty"`
}

// kind names the step's kind, and counts the kinds set.
func (s Step) kind() (string, int) {
	return kindOf(
		kindFlag{"declare", s.Declare != nil}, kindFlag{"bind", s.Bind != nil}, kindFlag{"unbind", s.Unbind != nil},
		kindFlag{"publish", s.Publish != nil}, kindFlag{"consume", s.Consume != nil}, kindFlag{"await", s.Await != nil},
		kindFlag{"reject", s.Reject != nil}, kindFlag{"stop", s.Stop != ""}, kindFlag{"peek", s.Peek != nil},
		kindFlag{"call", s.Call != nil}, kindFlag{"serve", s.Serve != nil}, kindFlag{"sleep", s.Sleep != ""},
	)
}

// validate says what is wrong with a step as written.
func (s Step) validate() error {
	k, n := s.kind()
	switch {
	case n == 0:
		return errors.New("a step needs a kind: declare, bind, unbind, publish, consume, await, reject, stop, peek, call, serve or sleep")
	case n > 1:
		return errors.New("one kind per step; list several steps instead")
	}
	switch k {
	case "declare":
		if (s.Declare.Queue == "") == (s.Declare.Exchange == "") {
			return errors.New("declare: name a queue or an exchange")
		}
	case "bind", "unbind":
		b := s.Bind
		if b == nil {
			b = s.Unbind
		}
		if (b.Queue == "") == (b.Exchange == "") {
			return fmt.Errorf("%s: name one destination, queue or exchange", k)
		}
	case "consume":
		switch s.Consume.Ack {
		case "", "ack", "auto", "hold":
		default:
			return fmt.Errorf("consume: ack is ack, auto or hold, not %q", s.Consume.Ack)
		}
		if s.Consume.ID == "" || s.Consume.Queue == "" {
			return errors.New("consume: give an id and a queue")
		}
	case "sleep":
		if _, err := time.ParseDuration(s.Sleep); err != nil {
			return fmt.Errorf("sleep: %w", err)
		}
	case "call":
		if s.Call.Timeout != "" {
			if _, err := time.ParseDuration(s.Call.Timeout); err != nil {
				return fmt.Errorf("call: timeout: %w", err)
			}
		}
	}
	return nil
}
