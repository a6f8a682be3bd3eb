package broker

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/kaiten-bus/kaiten/internal/testenv"
)

// liveRabbit is the RabbitMQ the integration tests run against:
// KAITEN_TEST_AMQP_URL and KAITEN_TEST_API_URL, else the local one at
// 127.0.0.1:5672 and :15672 with guest/guest. Without one the tests skip,
// except under CI=true, where they fail.
type liveRabbit struct {
	amqpURL string // with the admin's credentials, vhost "/"
	apiURL  string // without credentials
	admin   *API
}

func live(t *testing.T) *liveRabbit {
	t.Helper()
	tr := testenv.RabbitMQ(t)
	r := &liveRabbit{amqpURL: tr.AMQPURL, apiURL: tr.APIURL}
	ep, err := Config{URL: r.amqpURL, APIURL: r.apiURL}.Endpoints()
	if err != nil {
		t.Fatal(err)
	}
	if r.admin, err = NewAPI(ep.API, TLSOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func randomHex(n int) string { return testenv.RandomHex(n) }

// adminDo sends a management API request as the admin.
func (r *liveRabbit) adminDo(t *testing.T, method, path string, body any) {
	t.Helper()
	if _, err := r.admin.do(testCtx(t), method, path, nil, body); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// vhost creates a scratch vhost whose name starts with prefix, gives the
// admin and the extra users every permission in it, and deletes it when
// the test ends.
func (r *liveRabbit) vhost(t *testing.T, prefix string, users ...string) string {
	t.Helper()
	name := prefix + randomHex(4)
	r.adminDo(t, http.MethodPut, apiPath("vhosts", name), map[string]any{})
	t.Cleanup(func() {
		_, _ = r.admin.do(context.Background(), http.MethodDelete, apiPath("vhosts", name), nil, nil)
	})
	perm := map[string]string{"configure": ".*", "write": ".*", "read": ".*"}
	for _, u := range append([]string{r.admin.ep.Username}, users...) {
		r.adminDo(t, http.MethodPut, apiPath("permissions", name, u), perm)
	}
	return name
}

// user creates a scratch user with the given tags and a random password,
// deleted when the test ends.
func (r *liveRabbit) user(t *testing.T, tags string) (name, password string) {
	t.Helper()
	name, password = "kaiten-test-"+randomHex(4), "Pw-"+randomHex(8)
	r.adminDo(t, http.MethodPut, apiPath("users", name), map[string]any{"password": password, "tags": tags})
	t.Cleanup(func() {
		_, _ = r.admin.do(context.Background(), http.MethodDelete, apiPath("users", name), nil, nil)
	})
	return name, password
}

// url returns an AMQP URL for the vhost with the given credentials.
func (r *liveRabbit) url(t *testing.T, user, password, vhost string) string {
	t.Helper()
	u, err := ParseURI(r.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	return "amqp://" + url.UserPassword(user, password).String() + "@" + u.Addr() + "/" + escapeSegment(vhost)
}

// open opens a session on the vhost as the admin.
func (r *liveRabbit) open(t *testing.T, vhost string) *Session {
	t.Helper()
	ep, _ := Config{URL: r.amqpURL}.Endpoints()
	s, err := Open(testCtx(t), Config{URL: r.url(t, ep.AMQP.Username, ep.AMQP.Password(), vhost), APIURL: r.apiURL, RequireAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// freePort returns a local TCP port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}
