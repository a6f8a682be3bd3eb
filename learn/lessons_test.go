package learn

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/broker/embedded"
)

// embeddedTarget starts the embedded broker once per test binary.
var embeddedTarget = sync.OnceValues(func() (Target, error) {
	b, err := embedded.Start(context.Background(), embedded.Options{Listen: "127.0.0.1:0", APIListen: "127.0.0.1:0", Version: "3.10.8"})
	if err != nil {
		return Target{}, err
	}
	return Target{URL: b.AMQPURL(), APIURL: b.APIURL()}, nil
})

func testTarget(t *testing.T) Target {
	t.Helper()
	tg, err := embeddedTarget()
	if err != nil {
		t.Fatalf("start the embedded broker: %v", err)
	}
	return tg
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLessons runs every lesson on the embedded broker: for each task in
// order, the wrong attempt must leave it undone with an explanation that
// names what is wrong, then the solution must do it. A new lesson is
// tested by adding its folder.
func TestLessons(t *testing.T) {
	ls, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) == 0 {
		t.Fatal("no lessons")
	}
	target := testTarget(t)
	for _, l := range ls {
		t.Run(fmt.Sprintf("%02d-%s", l.Number, l.Slug), func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t)
			r, err := Start(ctx, target, l)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := r.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			}()
			for i, task := range l.Tasks {
				if st := r.Statuses()[i]; st.Done {
					t.Fatalf("task %s is done before anything was tried", task.ID)
				}
				if len(task.Wrong) == 0 || len(task.WrongSays) == 0 {
					t.Fatalf("task %s has no wrong attempt (wrong and wrong_says)", task.ID)
				}
				if err := r.Apply(ctx, task.Wrong); err != nil {
					t.Fatalf("task %s: wrong attempt: %v", task.ID, err)
				}
				st := waitFor(ctx, t, r, i, func(st TaskStatus) bool { return saysAll(st.Why, task.WrongSays) })
				if st.Done || !saysAll(st.Why, task.WrongSays) {
					t.Fatalf("task %s after the wrong attempt: done=%v, why=%q; want not done, and a why naming %q", task.ID, st.Done, st.Why, task.WrongSays)
				}
				time.Sleep(100 * time.Millisecond)
				if st, _ := r.Check(ctx); st[i].Done {
					t.Fatalf("task %s is done after the wrong attempt", task.ID)
				}
				t.Logf("task %s, wrong attempt: %s", task.ID, st.Why)
				if err := r.Solve(ctx, task.ID); err != nil {
					t.Fatalf("task %s: solution: %v", task.ID, err)
				}
				if st := waitFor(ctx, t, r, i, func(st TaskStatus) bool { return st.Done }); !st.Done {
					t.Fatalf("task %s is not done after its solution: %s", task.ID, st.Why)
				}
			}
		})
	}
}

// waitFor checks until the task's status satisfies ok, for up to five
// seconds (the firehose delivers events asynchronously), and returns the
// last status.
func waitFor(ctx context.Context, t *testing.T, r *Run, i int, ok func(TaskStatus) bool) TaskStatus {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		sts, err := r.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok(sts[i]) || time.Now().After(deadline) {
			return sts[i]
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func saysAll(why string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(why, w) {
			return false
		}
	}
	return why != ""
}

// TestRunWatches acts through the run's session, as the TUI's views do,
// and reads what the TUI reads: the events with their routes, and the
// statuses as they change. Close removes the vhost.
func TestRunWatches(t *testing.T) {
	ls, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	l := ls[0]
	l.Slug = "watch-test" // its own vhost, beside TestLessons' run of lesson 1
	ctx := testCtx(t)
	r, err := Start(ctx, testTarget(t), l)
	if err != nil {
		t.Fatal(err)
	}
	if r.Vhost() != "learn-watch-test" || r.Session().Vhost() != r.Vhost() {
		t.Fatalf("vhost %q, session on %q", r.Vhost(), r.Session().Vhost())
	}
	if sts := r.Statuses(); len(sts) != 2 || sts[0].Done || sts[0].Why != "" {
		t.Fatalf("fresh statuses %+v", sts)
	}
	res, err := r.Session().Publish(ctx, broker.Publishing{Exchange: "orders", RoutingKey: "sushi", Body: []byte("tuna")}, broker.DefaultPublishOptions())
	if err != nil || !res.OK() {
		t.Fatalf("publish: %+v, %v", res, err)
	}
	select {
	case e := <-r.Events():
		if e.Exchange != "orders" || e.RoutingKey != "sushi" || !slices.Equal(e.Queues, []string{"kitchen"}) || string(e.Body) != "tuna" {
			t.Fatalf("event %+v", e)
		}
		if e.Trace == nil || !slices.Equal(e.Trace.Queues, []string{"kitchen"}) || len(e.Trace.Hops) != 1 {
			t.Fatalf("trace %+v", e.Trace)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	deadline := time.After(5 * time.Second)
	for done := false; !done; {
		select {
		case sts := <-r.Updates():
			done = sts[0].Done
		case <-deadline:
			t.Fatalf("no update with the task done; now %+v", r.Statuses())
		}
	}
	if err := r.Solve(ctx, "nope"); err == nil {
		t.Fatal("solved a task that does not exist")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	tg := testTarget(t)
	ep, _ := broker.Config{URL: tg.URL, APIURL: tg.APIURL}.Endpoints()
	api, err := broker.NewAPI(ep.API, broker.TLSOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Vhost(ctx, "learn-watch-test"); err == nil {
		t.Fatal("the vhost is still there after Close")
	}
}
