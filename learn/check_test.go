package learn

import (
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// topicVhost is lesson 6's topology, written out.
func topicVhost() model.Vhost {
	q := func(n string) model.Queue { return model.Queue{Name: n} }
	bq := func(src, dst, key string) model.Binding {
		return model.Binding{Source: src, Destination: dst, DestinationType: model.DestQueue, RoutingKey: key}
	}
	return model.Vhost{
		Name: "learn-test",
		Exchanges: []model.Exchange{
			{Name: "logs", Type: model.ExchangeTopic},
			{Name: "events", Type: model.ExchangeTopic},
			{Name: "billing", Type: model.ExchangeFanout},
			{Name: "dlx", Type: model.ExchangeDirect},
		},
		Queues: []model.Queue{
			q("q.eu"), q("q.errors"), q("q.logs"), q("q.audit"), q("q.billing"), q("dead"),
			{Name: "work", Arguments: model.Table{"x-dead-letter-exchange": model.String("dlx"), "x-dead-letter-routing-key": model.String("rejected")}},
		},
		Bindings: []model.Binding{
			bq("logs", "q.eu", "eu.*"), bq("logs", "q.errors", "*.error"), bq("logs", "q.logs", "#"),
			{Source: "events", Destination: "billing", DestinationType: model.DestExchange, RoutingKey: "order.*"},
			bq("billing", "q.billing", ""), bq("dlx", "dead", "rejected"),
		},
	}
}

// observe builds an observation of the topology with the messages
// routed by model's router, as the firehose would report them.
func observe(v model.Vhost, msgs ...model.Message) Observation {
	r := model.NewRouter(v.WithBuiltins(), model.Options{})
	o := Observation{Topology: v, Initial: v, Queues: map[string]QueueState{}}
	for _, q := range v.Queues {
		o.Queues[q.Name] = QueueState{Arguments: q.Arguments}
	}
	for _, m := range msgs {
		t := r.Trace(m, traceOptions)
		o.Events = append(o.Events, Event{Exchange: m.Exchange, RoutingKey: m.RoutingKey, Headers: m.Headers, Trace: &t, Queues: t.Queues})
	}
	return o
}

func str(s string) *string { return &s }

func TestRoutedCheck(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		name  string
		check RoutedCheck
		msgs  []model.Message
		ok    bool
		says  []string
	}{
		{"reaches", RoutedCheck{Exchange: str("logs"), To: []string{"q.eu"}}, []model.Message{{Exchange: "logs", RoutingKey: "eu.paris"}}, true, nil},
		{
			"one word too many",
			RoutedCheck{Exchange: str("logs"), To: []string{"q.eu"}},
			[]model.Message{{Exchange: "logs", RoutingKey: "eu.paris.info"}},
			false,
			[]string{"reached `q.logs` but not `q.eu`", "the binding `eu.*` (`logs` → `q.eu`)", "`*` needs exactly one word here"},
		},
		{
			"reaches a queue it must not",
			RoutedCheck{Exchange: str("logs"), To: []string{"q.errors"}, Not: []string{"q.eu"}},
			[]model.Message{{Exchange: "logs", RoutingKey: "eu.error"}},
			false,
			[]string{"reached `q.eu` too", "`eu.*`"},
		},
		{
			"the newest try is explained",
			RoutedCheck{Exchange: str("logs"), To: []string{"q.errors"}},
			[]model.Message{{Exchange: "logs", RoutingKey: "a.b.c"}, {Exchange: "logs", RoutingKey: "error"}},
			false,
			[]string{"key `error`", "`*.error`"},
		},
		{
			"wrong exchange",
			RoutedCheck{Exchange: str("logs"), To: []string{"q.eu"}},
			[]model.Message{{Exchange: "", RoutingKey: "q.eu"}},
			false,
			[]string{"you published to the default exchange", "`logs`"},
		},
		{
			"wrong key",
			RoutedCheck{Exchange: str("logs"), Key: str("eu.x"), To: []string{"q.eu"}},
			[]model.Message{{Exchange: "logs", RoutingKey: "eu.y"}},
			false,
			[]string{"`eu.y`", "`eu.x`"},
		},
		{"nothing yet", RoutedCheck{Exchange: str("logs"), To: []string{"q.eu"}}, nil, false, []string{"nothing was published to `logs` yet"}},
		{
			"through an exchange",
			RoutedCheck{Exchange: str("events"), To: []string{"q.billing"}},
			[]model.Message{{Exchange: "events", RoutingKey: "user.login"}},
			false,
			[]string{"reached no queue, so not `q.billing`", "the binding `order.*` (`events` → `billing`)"},
		},
		{"through an exchange, matched", RoutedCheck{Exchange: str("events"), To: []string{"q.billing"}}, []model.Message{{Exchange: "events", RoutingKey: "order.paid"}}, true, nil},
		{
			"no binding at all",
			RoutedCheck{Exchange: str("logs"), To: []string{"q.audit"}},
			[]model.Message{{Exchange: "logs", RoutingKey: "eu.x"}},
			false,
			[]string{"no binding leads to `q.audit` yet"},
		},
		{
			"no such queue",
			RoutedCheck{Exchange: str(""), To: []string{"nope"}},
			[]model.Message{{Exchange: "", RoutingKey: "nope"}},
			false,
			[]string{"there is no queue `nope`: declare it first"},
		},
		{
			"default exchange, wrong name",
			RoutedCheck{Exchange: str(""), To: []string{"q.eu"}},
			[]model.Message{{Exchange: "", RoutingKey: "Q.EU"}},
			false,
			[]string{"`Q.EU` is not `q.eu`"},
		},
		{
			"unroutable wanted",
			RoutedCheck{Exchange: str("logs"), Unroutable: true},
			[]model.Message{{Exchange: "logs", RoutingKey: "x"}},
			false,
			[]string{"reached `q.logs`", "no queue takes"},
		},
		{"count", RoutedCheck{Exchange: str("logs"), To: []string{"q.logs"}, Count: 3}, []model.Message{{Exchange: "logs", RoutingKey: "a"}, {Exchange: "logs", RoutingKey: "b"}}, false, []string{"2 of the 3"}},
		{"a cast wanted, reply_to unset", RoutedCheck{Exchange: str("logs"), To: []string{"q.logs"}, ReplyTo: &no}, []model.Message{{Exchange: "logs", RoutingKey: "a"}}, true, nil},
		{"a call wanted", RoutedCheck{Exchange: str("logs"), To: []string{"q.logs"}, ReplyTo: &yes}, []model.Message{{Exchange: "logs", RoutingKey: "a"}}, false, []string{"has no reply_to"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := observe(topicVhost(), tc.msgs...)
			r := Check{Routed: &tc.check}.Evaluate(&o)
			if r.OK != tc.ok {
				t.Fatalf("ok = %v, want %v (why: %s)", r.OK, tc.ok, r.Why)
			}
			for _, s := range tc.says {
				if !strings.Contains(r.Why, s) {
					t.Errorf("why = %q, want it to say %q", r.Why, s)
				}
			}
			if tc.ok && r.Why != "" {
				t.Errorf("a passing check explains: %q", r.Why)
			}
		})
	}
}

func TestRoutedCheckReplyTo(t *testing.T) {
	no := false
	o := observe(topicVhost())
	o.Events = append(o.Events, Event{Exchange: "logs", RoutingKey: "a", Queues: []string{"q.logs"}, ReplyTo: "amq.rabbitmq.reply-to.x"})
	r := Check{Routed: &RoutedCheck{Exchange: str("logs"), To: []string{"q.logs"}, ReplyTo: &no}}.Evaluate(&o)
	if r.OK || !strings.Contains(r.Why, "carries a reply_to, so it is a call") {
		t.Fatalf("got %+v", r)
	}
}

func TestBindingCheck(t *testing.T) {
	add := func(v model.Vhost, src, dst, key string, kind model.DestinationKind) model.Vhost {
		v.Bindings = append(v.Bindings, model.Binding{Source: src, Destination: dst, DestinationType: kind, RoutingKey: key})
		return v
	}
	base := topicVhost()
	tests := []struct {
		name  string
		v     model.Vhost
		check BindingCheck
		ok    bool
		says  []string
	}{
		{"missing", base, BindingCheck{Source: "logs", Queue: "q.audit"}, false, []string{"no binding from `logs` to the queue `q.audit`"}},
		{"no such queue", base, BindingCheck{Source: "logs", Queue: "nope"}, false, []string{"there is no queue `nope`"}},
		{"no such exchange", base, BindingCheck{Source: "nope", Queue: "q.audit"}, false, []string{"there is no exchange `nope`"}},
		{"elsewhere", add(base, "events", "q.audit", "#", model.DestQueue), BindingCheck{Source: "logs", Queue: "q.audit"}, false, []string{"bound to `events`, not to `logs`"}},
		{"exact key", add(base, "logs", "q.audit", "eu.#", model.DestQueue), BindingCheck{Source: "logs", Queue: "q.audit", Key: str("eu.#")}, true, nil},
		{"other key", add(base, "logs", "q.audit", "eu.*", model.DestQueue), BindingCheck{Source: "logs", Queue: "q.audit", Key: str("eu.#")}, false, []string{"has the key `eu.*`; the task wants `eu.#`"}},
		{
			"does not match", add(base, "logs", "q.audit", "eu.*", model.DestQueue),
			BindingCheck{Source: "logs", Queue: "q.audit", Matches: []string{"eu.a", "eu.a.b"}},
			false,
			[]string{"does not match the routing key `eu.a.b`", "`*` needs exactly one word"},
		},
		{
			"matches too much", add(base, "logs", "q.audit", "#", model.DestQueue),
			BindingCheck{Source: "logs", Queue: "q.audit", Matches: []string{"eu.a"}, Rejects: []string{"us.a"}},
			false,
			[]string{"also matches `us.a`, which it should not"},
		},
		{
			"the student's own binding is explained", add(add(base, "logs", "q.eu", "eu.#", model.DestQueue), "logs", "q.eu", "eu.#.x", model.DestQueue),
			BindingCheck{Source: "logs", Queue: "q.eu", Key: str("eu.a")},
			false,
			[]string{"`eu.#.x`"},
		},
		{"to an exchange", base, BindingCheck{Source: "events", Exchange: "billing", Matches: []string{"order.x"}}, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := observe(tc.v)
			o.Initial = base
			r := Check{Binding: &tc.check}.Evaluate(&o)
			if r.OK != tc.ok {
				t.Fatalf("ok = %v, want %v (why: %s)", r.OK, tc.ok, r.Why)
			}
			for _, s := range tc.says {
				if !strings.Contains(r.Why, s) {
					t.Errorf("why = %q, want it to say %q", r.Why, s)
				}
			}
		})
	}
}

func TestCountChecks(t *testing.T) {
	o := observe(topicVhost())
	o.Queues["q.logs"] = QueueState{Consumers: 1, Delivered: 2, Acked: 0, Messages: 1}
	o.Queues["q.eu"] = QueueState{Consumers: 2, Delivered: 3, Acked: 3, Redelivered: 1}
	tests := []struct {
		name  string
		check Check
		ok    bool
		says  string
	}{
		{"consumers short", Check{Consumers: &CountCheck{Queue: "q.logs", Min: 2}}, false, "`q.logs` has 1 consumer; the task wants at least 2: start 1 more"},
		{"consumers", Check{Consumers: &CountCheck{Queue: "q.eu", Min: 2}}, true, ""},
		{"delivered", Check{Delivered: &CountCheck{Queue: "q.logs"}}, true, ""},
		{"nothing delivered", Check{Delivered: &CountCheck{Queue: "q.audit"}}, false, "nothing was taken from `q.audit` yet (it holds 0 messages)"},
		{"taken, not acked", Check{Acked: &CountCheck{Queue: "q.logs"}}, false, "a message taken but not acknowledged"},
		{"acked", Check{Acked: &CountCheck{Queue: "q.eu", Min: 3}}, true, ""},
		{"redelivered", Check{Redelivered: &CountCheck{Queue: "q.eu"}}, true, ""},
		{"not redelivered", Check{Redelivered: &CountCheck{Queue: "q.logs"}}, false, "nothing in `q.logs` was redelivered yet"},
		{"no such queue", Check{Acked: &CountCheck{Queue: "nope"}}, false, "there is no queue `nope`"},
		{"queue exists", Check{Queue: &QueueCheck{Name: "q.logs", MinMessages: 1}}, true, ""},
		{"queue too empty", Check{Queue: &QueueCheck{Name: "q.eu", MinMessages: 2}}, false, "`q.eu` holds 0 messages; the task wants at least 2"},
		{"queue missing", Check{Queue: &QueueCheck{Name: "nope"}}, false, "there is no queue `nope` yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.check.Evaluate(&o)
			if r.OK != tc.ok || !strings.Contains(r.Why, tc.says) {
				t.Fatalf("got %+v, want ok=%v saying %q", r, tc.ok, tc.says)
			}
		})
	}
}

func TestDeadLetteredCheck(t *testing.T) {
	check := Check{DeadLettered: &CountCheck{Queue: "dead"}}
	// A message published straight into `dead` is not dead-lettered.
	o := observe(topicVhost(), model.Message{Exchange: "dlx", RoutingKey: "rejected"})
	o.Queues["dead"] = QueueState{Messages: 1}
	o.Queues["work"] = QueueState{Messages: 2}
	r := check.Evaluate(&o)
	if r.OK || !strings.Contains(r.Why, "1 message published straight to it do not count") ||
		!strings.Contains(r.Why, "in `work` goes there") || !strings.Contains(r.Why, "`work` still holds 2 messages") {
		t.Fatalf("got %+v", r)
	}
	// One more arrived that nobody published there: dead-lettered.
	o.Queues["dead"] = QueueState{Messages: 1, Delivered: 1}
	if r := check.Evaluate(&o); !r.OK {
		t.Fatalf("got %+v", r)
	}
}

func TestConfirmReturnChecks(t *testing.T) {
	o := observe(topicVhost(), model.Message{Exchange: "logs", RoutingKey: "a"})
	if r := (Check{Confirmed: &CountCheck{}}).Evaluate(&o); r.OK || !strings.Contains(r.Why, "confirmed none") || !strings.Contains(r.Why, "1 message without confirms") {
		t.Fatalf("confirmed: %+v", r)
	}
	if r := (Check{Returned: &CountCheck{}}).Evaluate(&o); r.OK || !strings.Contains(r.Why, "reached `q.logs`, so nothing came back") {
		t.Fatalf("returned: %+v", r)
	}
	o.Dropped = 2
	if r := (Check{Returned: &CountCheck{}}).Evaluate(&o); r.OK || !strings.Contains(r.Why, "2 messages no queue took were dropped") {
		t.Fatalf("dropped: %+v", r)
	}
	o.Confirmed, o.Returned = 1, 1
	for _, c := range []Check{{Confirmed: &CountCheck{}}, {Returned: &CountCheck{}}} {
		if r := c.Evaluate(&o); !r.OK {
			t.Fatalf("%+v", r)
		}
	}
}

func TestRepliedCheck(t *testing.T) {
	check := Check{Replied: &RepliedCheck{Queue: "q.logs"}}
	req := Event{Exchange: "logs", RoutingKey: "calc", Queues: []string{"q.logs"}, ReplyTo: "amq.rabbitmq.reply-to.abc", CorrelationID: "c1"}
	o := observe(topicVhost())
	if r := check.Evaluate(&o); r.OK || r.Why != "no call was made yet" {
		t.Fatalf("got %+v", r)
	}
	o.Events = []Event{req}
	if r := check.Evaluate(&o); r.OK || !strings.Contains(r.Why, "no reply with correlation_id `c1`") {
		t.Fatalf("got %+v", r)
	}
	o.Events = append(o.Events, Event{Exchange: "", RoutingKey: "amq.rabbitmq.reply-to.abc", CorrelationID: "other"})
	if r := check.Evaluate(&o); r.OK {
		t.Fatalf("a reply with another correlation_id counted: %+v", r)
	}
	o.Events = append(o.Events, Event{Exchange: "", RoutingKey: "amq.rabbitmq.reply-to.abc", CorrelationID: "c1"})
	if r := check.Evaluate(&o); !r.OK {
		t.Fatalf("got %+v", r)
	}
	// A cast (no reply_to) is not a call.
	o.Events = []Event{{Exchange: "logs", RoutingKey: "calc", Queues: []string{"q.logs"}}}
	if r := check.Evaluate(&o); r.OK || !strings.Contains(r.Why, "has no reply_to") {
		t.Fatalf("got %+v", r)
	}
}

func TestEvaluateTaskWhyOnlyOnceActive(t *testing.T) {
	task := Task{ID: "t", Checks: []Check{{Routed: &RoutedCheck{Exchange: str("logs"), To: []string{"q.eu"}}}}}
	o := observe(topicVhost())
	if st := EvaluateTask(&task, &o); st.Done || st.Why != "" {
		t.Fatalf("untouched lesson: %+v", st)
	}
	o = observe(topicVhost(), model.Message{Exchange: "logs", RoutingKey: "us.x"})
	if st := EvaluateTask(&task, &o); st.Done || !strings.Contains(st.Why, "`eu.*`") {
		t.Fatalf("after a try: %+v", st)
	}
	o = observe(topicVhost(), model.Message{Exchange: "logs", RoutingKey: "eu.x"})
	if st := EvaluateTask(&task, &o); !st.Done || st.Why != "" {
		t.Fatalf("done: %+v", st)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		says string
	}{
		{"no kind", Check{}.validate(), "a check needs a kind"},
		{"two kinds", Check{Acked: &CountCheck{Queue: "q"}, Redelivered: &CountCheck{Queue: "q"}}.validate(), "one kind per check"},
		{"count without queue", Check{Acked: &CountCheck{}}.validate(), "acked: name the queue"},
		{"binding without destination", Check{Binding: &BindingCheck{Source: "x"}}.validate(), "name one destination"},
		{"step without kind", Step{}.validate(), "a step needs a kind"},
		{"bad ack mode", Step{Consume: &ConsumeStep{ID: "c", Queue: "q", Ack: "later"}}.validate(), "ack is ack, auto or hold"},
		{"bad sleep", Step{Sleep: "soon"}.validate(), "sleep:"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %q", tc.name, tc.err, tc.says)
		}
	}
	if err := (Check{Confirmed: &CountCheck{}}).validate(); err != nil {
		t.Errorf("a vhost count needs no queue: %v", err)
	}
}
