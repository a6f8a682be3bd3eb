// Package testenv is what kaiten's integration tests need from the
// machine they run on: the RabbitMQ to test against, Debian's Python with
// its AMQP and OpenStack libraries, and scratch vhosts. A test that needs
// one of them skips when it is missing, except under CI=true, where it
// fails: CI installs them all, so missing means broken.
//
// Only tests import this package.
package testenv

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Python is Debian's python3, which has pika, kombu and oslo.messaging
// (a pyenv python3 first on PATH has not).
const Python = "/usr/bin/python3"

// Missing skips the test, or under CI=true fails it, saying what is
// missing.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, so this fails rather than skips: %s", msg)
	}
	t.Skip(msg)
}

// RequirePython checks that Python imports each module, and returns
// Python's path.
func RequirePython(t testing.TB, modules ...string) string {
	t.Helper()
	for _, m := range modules {
		if out, err := exec.Command(Python, "-c", "import "+m).CombinedOutput(); err != nil {
			pkg := "python3-" + strings.ReplaceAll(m, "_", ".")
			Missing(t, "%s cannot import %s (%v: %s); apt-get install %s", Python, m, err, bytes.TrimSpace(out), pkg)
		}
	}
	return Python
}

// Rabbit is a RabbitMQ to test against, with its management API.
type Rabbit struct {
	// AMQPURL has the admin's credentials and vhost "/".
	AMQPURL string
	// APIURL has no credentials.
	APIURL   string
	User     string
	Password string
}

// RabbitMQ is the RabbitMQ the integration tests run against:
// KAITEN_TEST_AMQP_URL and KAITEN_TEST_API_URL, else the local one at
// 127.0.0.1:5672 and :15672 with guest/guest. Without one the test
// skips (fails under CI=true); with -short it skips.
func RabbitMQ(t testing.TB) Rabbit {
	t.Helper()
	if testing.Short() {
		t.Skip("live broker tests are not short")
	}
	r := Rabbit{
		AMQPURL: cmp.Or(os.Getenv("KAITEN_TEST_AMQP_URL"), "amqp://guest:guest@127.0.0.1:5672/"),
		APIURL:  strings.TrimSuffix(cmp.Or(os.Getenv("KAITEN_TEST_API_URL"), "http://127.0.0.1:15672"), "/"),
	}
	au, err := url.Parse(r.AMQPURL)
	if err != nil {
		t.Fatalf("KAITEN_TEST_AMQP_URL: %v", err)
	}
	hu, err := url.Parse(r.APIURL)
	if err != nil {
		t.Fatalf("KAITEN_TEST_API_URL: %v", err)
	}
	r.User, r.Password = "guest", "guest"
	if au.User != nil {
		r.User = au.User.Username()
		r.Password, _ = au.User.Password()
	}
	for _, addr := range []string{hostPort(au, "5672"), hostPort(hu, "80")} {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			Missing(t, "no RabbitMQ at %s: %v", addr, err)
		}
		_ = c.Close()
	}
	return r
}

func hostPort(u *url.URL, port string) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// Do sends a management API request as the admin and returns the body;
// any status but 2xx fails the test.
func (r Rabbit) Do(t testing.TB, method, path string, body any) []byte {
	t.Helper()
	data, status, err := r.do(method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, status, bytes.TrimSpace(data))
	}
	return data
}

func (r Rabbit) do(method, path string, body any) ([]byte, int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, r.APIURL+path, rd)
	if err != nil {
		return nil, 0, err
	}
	req.SetBasicAuth(r.User, r.Password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return data, resp.StatusCode, err
}

// Vhost creates a scratch vhost named prefix plus a random suffix, gives
// the admin every permission in it, deletes it when the test ends, and
// returns its name.
func (r Rabbit) Vhost(t testing.TB, prefix string) string {
	t.Helper()
	name := prefix + RandomHex(4)
	r.Do(t, http.MethodPut, "/api/vhosts/"+url.PathEscape(name), map[string]any{})
	t.Cleanup(func() { _, _, _ = r.do(http.MethodDelete, "/api/vhosts/"+url.PathEscape(name), nil) })
	r.Do(t, http.MethodPut, "/api/permissions/"+url.PathEscape(name)+"/"+url.PathEscape(r.User),
		map[string]string{"configure": ".*", "write": ".*", "read": ".*"})
	return name
}

// VhostURL is the AMQP URL of a vhost with the admin's credentials.
func (r Rabbit) VhostURL(vhost string) string {
	u, _ := url.Parse(r.AMQPURL)
	u.Path, u.RawPath = "/"+vhost, "/"+url.PathEscape(vhost)
	return u.String()
}

// RandomHex returns n random bytes in hex, for unique names.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
