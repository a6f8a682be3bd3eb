package broker

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kaiten-bus/kaiten/model"
)

// osloResponder is a tiny oslo RPC server on queue "compute" of control
// exchange "nova": add(a, b) returns a+b after a heartbeat, boom raises
// ValueError, and every request (calls and casts) goes to got. It
// re-declares each reply queue with oslo's flags first, which fails (and
// so sends nothing) when kaiten declared it otherwise.
func (sc *scratch) osloResponder(t *testing.T) <-chan model.OsloMessage {
	t.Helper()
	admin, err := ParseURI(sc.r.amqpURL)
	must(t, err)
	conn, err := amqp.Dial(sc.r.url(t, admin.Username, admin.Password(), sc.vhost))
	must(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	must(t, err)
	must(t, ch.ExchangeDeclare("nova", "topic", false, false, false, false, nil))
	_, err = ch.QueueDeclare("compute", false, false, false, false, nil)
	must(t, err)
	must(t, ch.QueueBind("compute", "compute", "nova", false, nil))
	ds, err := ch.Consume("compute", "", true, false, false, false, nil)
	must(t, err)
	got := make(chan model.OsloMessage, 16)
	go func() {
		for d := range ds {
			m, err := model.DecodeOslo(d.Body)
			if err != nil {
				continue
			}
			got <- m
			if m.Kind != model.OsloCall {
				continue
			}
			if _, err := ch.QueueDeclare(m.ReplyQueue, false, false, false, false, amqp.Table{"x-expires": int32(OsloReplyExpires)}); err != nil {
				return
			}
			send := func(r model.OsloMessage) {
				p := model.OsloProperties(r.Kind, 0)
				_ = ch.Publish("", m.ReplyQueue, true, false, publishingOf(p, r.Encode()))
			}
			switch m.Method {
			case "add":
				hb, _ := model.NewOsloHeartbeat(m.MsgID, rand.Reader)
				send(hb)
				a, _ := m.Args.Get("a")
				b, _ := m.Args.Get("b")
				r, _ := model.NewOsloReply(m.MsgID, model.PyStr(a.Text+"+"+b.Text), rand.Reader)
				send(r)
			case "boom":
				r, _ := model.NewOsloFailure(m.MsgID, &model.RemoteError{
					Class: "ValueError", Module: "builtins", Message: "boom requested",
					Traceback: []string{"Traceback (most recent call last):\n", "ValueError: boom requested\n"},
				}, rand.Reader)
				send(r)
			}
		}
	}()
	return got
}

// TestLiveOsloRPC: an oslo call gets its result (heartbeats skipped) on a
// reply queue declared as oslo's, a failure comes back as the remote
// exception, an unanswered call times out naming its reply queue, a cast
// and a fanout cast arrive, and a notification reaches a listener of its
// own queue.
func TestLiveOsloRPC(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		sc := newScratch(t, r, "kaiten-oslo-"+randomHex(4))
		ctx := testCtx(t)
		got := sc.osloResponder(t)
		req := model.OsloRequest{
			Method: "add", Args: []model.PyField{{Key: "a", Value: model.PyInt(2)}, {Key: "b", Value: model.PyInt(3)}},
			Version: "1.0", Context: []model.PyField{{Key: "user_id", Value: model.PyStr("u1")}},
		}
		target := model.OsloTarget{Exchange: "nova", Topic: "compute"}
		reply, err := sc.s.OsloCall(ctx, OsloCallOptions{Target: target, Request: req, Timeout: 10 * time.Second})
		must(t, err)
		if reply.Failure != nil || reply.Result.Text != "2+3" || reply.Heartbeats != 1 || reply.RTT <= 0 ||
			!strings.HasPrefix(reply.ReplyQueue, "reply_") || len(reply.ReplyQueue) != 38 {
			t.Errorf("add: %+v", reply)
		}
		m := <-got
		if ctxUser, _ := m.ContextValue("user_id"); m.ReplyQueue != reply.ReplyQueue || m.MsgID != reply.MsgID || ctxUser.Text != "u1" || m.Version != "1.0" {
			t.Errorf("request: %+v", m)
		}

		req.Method = "boom"
		reply, err = sc.s.OsloCall(ctx, OsloCallOptions{Target: target, Request: req, Timeout: 10 * time.Second})
		must(t, err)
		if reply.Failure == nil || reply.Failure.Class != "ValueError" || reply.Failure.Message != "boom requested" || len(reply.Failure.Traceback) != 2 {
			t.Errorf("boom: %+v", reply)
		}
		<-got

		req.Method = "silent"
		_, err = sc.s.OsloCall(ctx, OsloCallOptions{Target: target, Request: req, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), `reply queue "reply_`) ||
			!strings.Contains(err.Error(), `queue "compute" has 1 consumer(s), none of which answered`) {
			t.Errorf("silent: %v", err)
		}
		<-got
		_, err = sc.s.OsloCall(ctx, OsloCallOptions{Target: target, Request: req, Timeout: 10 * time.Second, CallMonitor: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "neither a heartbeat nor the reply") {
			t.Errorf("silent with a call monitor: %v", err)
		}
		if m := <-got; m.Timeout.State != model.OsloTimeoutSet {
			t.Errorf("a call with a call monitor carries _timeout %+v", m.Timeout)
		}
		_, err = sc.s.OsloCall(ctx, OsloCallOptions{Target: model.OsloTarget{Exchange: "other", Topic: "nobody"}, Request: req, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), `queue "nobody" does not exist`) ||
			!strings.Contains(err.Error(), `an RPC server of topic "nobody" running`) {
			t.Errorf("call to a new control exchange: %v", err)
		}

		req.Method = "fire"
		if _, _, err := sc.s.OsloCast(ctx, target, req); err != nil {
			t.Fatal(err)
		}
		if m := <-got; m.Kind != model.OsloCast || m.Method != "fire" {
			t.Errorf("cast: %+v", m)
		}
		_, err = sc.ch.QueueDeclare("compute_fanout_host1", false, true, false, false, nil)
		must(t, err)
		must(t, sc.ch.ExchangeDeclare("compute_fanout", "fanout", false, true, false, false, nil))
		must(t, sc.ch.QueueBind("compute_fanout_host1", "", "compute_fanout", false, nil))
		fanout := target
		fanout.Fanout = true
		p, _, err := sc.s.OsloCast(ctx, fanout, req)
		must(t, err)
		if p.Exchange != "compute_fanout" {
			t.Errorf("fanout went to %q", p.Exchange)
		}
		if _, err := sc.s.OsloCall(ctx, OsloCallOptions{Target: fanout, Request: req}); err == nil {
			t.Error("a fanout call was made")
		}

		l, err := sc.s.OsloNotifications(ctx, "nova", "notifications", "")
		must(t, err)
		defer l.Close()
		if !strings.HasPrefix(l.Queue, "amq.gen-") || l.BindingKey != "notifications.*" {
			t.Errorf("listener on %q with %q", l.Queue, l.BindingKey)
		}
		np, _, err := sc.s.OsloNotify(ctx, "nova", "notifications", model.OsloNotificationSpec{
			PublisherID: "compute.host1", EventType: "compute.instance.create.end", Priority: "info",
			Payload: model.PyDict(model.PyField{Key: "x", Value: model.PyInt(1)}),
		})
		must(t, err)
		if np.RoutingKey != "notifications.info" {
			t.Errorf("notification went with %q", np.RoutingKey)
		}
		select {
		case m := <-l.Messages():
			om, ok := m.Oslo()
			if !ok || om.Kind != model.OsloNotification || om.EventType != "compute.instance.create.end" || om.Priority != "INFO" {
				t.Errorf("notification: %+v", om)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no notification")
		}
	})
}
