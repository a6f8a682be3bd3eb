package broker

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// assertNoSecret fails when err's text, in any of fmt's forms, holds one
// of the secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	text := fmt.Sprintf("%v\n%+v\n%#v\n%s", err, err, err, err.Error())
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		text += "\n" + e.Error()
	}
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		for _, e := range multi.Unwrap() {
			text += "\n" + fmt.Sprintf("%v %+v", e, e)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the password %q shows in: %s", s, text)
		}
	}
}

// flakyTransport refuses every connection while down.
type flakyTransport struct{ down atomic.Bool }

func (f *flakyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.down.Load() {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	return http.DefaultTransport.RoundTrip(req)
}

func flakyClient(f *flakyTransport) *http.Client {
	return &http.Client{Transport: f, Timeout: 10 * time.Second}
}

const testPW = "Sup3r-Secr3t-pw"

func TestPrintingNeverShowsPasswords(t *testing.T) {
	cfg := Config{
		Context: "prod", URL: "amqps://ops:" + testPW + "@rabbit:5671/nova",
		APIURL: "https://api:" + testPW + "x@rabbit:15671/", ReadOnly: true,
	}
	ep, err := cfg.Endpoints()
	must(t, err)
	if ep.AMQP.Password() != testPW || ep.API.Password() != testPW+"x" || ep.API.Username != "api" {
		t.Fatalf("credentials not read: %q %q %q", ep.AMQP.Password(), ep.API.Password(), ep.API.Username)
	}
	api, err := NewAPI(ep.API, TLSOptions{}, nil)
	must(t, err)
	ctxEntry := Context{URL: cfg.URL, APIURL: cfg.APIURL}
	file := &File{Contexts: map[string]Context{"prod": ctxEntry}}
	holder := struct {
		C   Config
		P   *Config
		E   Endpoints
		U   URI
		A   *API
		F   *File
		Any any
	}{cfg, &cfg, ep, ep.AMQP, api, file, ep.API}
	for _, v := range []any{cfg, &cfg, ep, ep.AMQP, &ep.AMQP, ep.API, api, ctxEntry, file, holder, newSecret(testPW)} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, testPW) {
				t.Errorf("fmt %s of %T shows the password: %s", verb, v, s)
			}
		}
	}
	if got, want := cfg.Redacted(), `context "prod": amqps://ops@rabbit:5671/nova (management API https://rabbit:15671), read-only`; got != want {
		t.Errorf("Redacted() = %s, want %s", got, want)
	}
}

// TestErrorPathsNeverShowPasswords feeds a password through every error
// the package makes without a broker: bad URLs, bad settings, bad TLS
// files, unknown contexts, and a management API that answers badly.
func TestErrorPathsNeverShowPasswords(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	must(t, os.WriteFile(garbage, []byte("not a certificate "+testPW), 0o600))
	u := "amqp://u:" + testPW + "@h"
	var errs []error
	add := func(err error) {
		if err == nil {
			t.Errorf("case %d: no error", len(errs))
		}
		errs = append(errs, err)
	}
	for _, c := range []Config{
		{URL: u + ":x/"},
		{URL: u + "/a/b"},
		{URL: "amqp://u:" + testPW + "/x@h/"},
		{URL: u, APIURL: "ftp://u:" + testPW + "@h"},
		{URL: u, APIURL: "http://u:" + testPW + "@h:99x"},
		{URL: u, APIURL: "http://u:" + testPW + "%zz@h"},
		{URL: u, APIURL: "http://u:" + testPW + "@h/?q=1"},
		{URL: u, TLS: TLSOptions{CAFile: garbage}},
	} {
		_, err := c.Endpoints()
		add(err)
	}
	for _, c := range []Config{
		{URL: "amqps://u:" + testPW + "@h", TLS: TLSOptions{CAFile: garbage}},
		{URL: "amqps://u:" + testPW + "@h", TLS: TLSOptions{CAFile: filepath.Join(dir, testPW)}},
		{URL: "amqps://u:" + testPW + "@h", TLS: TLSOptions{CertFile: garbage}},
		{URL: "amqps://u:" + testPW + "@h", TLS: TLSOptions{CertFile: garbage, KeyFile: garbage}},
	} {
		_, err := Open(context.Background(), c)
		add(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": dir, EnvURL: u + ":x/"}
	_, err := Resolve(Selection{}, mapEnv(env))
	add(err)
	_, err = Resolve(Selection{Context: "nope"}, mapEnv(env))
	add(err)
	must(t, os.MkdirAll(filepath.Join(dir, "kaiten"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "kaiten", "config.yaml"),
		[]byte("contexts:\n  a:\n    url: "+u+"\n    read-only: "+u+"\n"), 0o600))
	_, err = Resolve(Selection{Context: "a"}, mapEnv(env))
	add(err)

	// A management API that echoes the password back in every way it can.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pass, _ := r.BasicAuth()
		switch r.URL.Path {
		case "/api/overview":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":"not_authorized","reason":"Login failed for %s"}`, pass)
		case "/api/queues":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, `{"error":"boom %s","reason":"%s"}`, pass, pass)
		case "/api/exchanges":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<html>%s</html>", pass)
		default:
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_, _ = conn.Write([]byte("garbage " + pass + "\r\n\r\n"))
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	ep, err := Config{URL: u, APIURL: srv.URL}.Endpoints()
	must(t, err)
	api, err := NewAPI(ep.API, TLSOptions{}, nil)
	must(t, err)
	ctx := context.Background()
	_, err = api.Overview(ctx)
	add(err)
	_, err = api.Queues(ctx, "", ListOptions{})
	add(err)
	_, err = api.Exchanges(ctx, "", ListOptions{})
	add(err)
	_, err = api.Bindings(ctx, "")
	add(err)
	_, err = Open(ctx, Config{URL: "amqp://u:" + testPW + "@127.0.0.1:" + fmt.Sprint(freePort(t)), APIURL: srv.URL})
	add(err)

	for i, err := range errs {
		if err != nil {
			t.Logf("case %d: %v", i, err)
		}
		assertNoSecret(t, err, testPW)
	}
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestTLSMismatch dials a TLS server the ways that go wrong: plain AMQP to
// it, an unknown CA, a name the certificate lacks, and TLS that works but
// finds no AMQP behind it.
func TestTLSMismatch(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	srv.StartTLS()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	must(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	noAPI := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	tests := []struct {
		name string
		cfg  Config
		kind error
		want string
	}{
		{
			"plain AMQP to a TLS port",
			Config{URL: "amqp://u:" + testPW + "@" + addr},
			ErrProtocol,
			"cannot connect to AMQP at amqp://u@" + addr + "/: the server closed the connection during the AMQP handshake — if the port speaks TLS, use amqps://; else check that the port is RabbitMQ's AMQP 0-9-1 listener (5672)",
		},
		{
			"unknown CA",
			Config{URL: "amqps://u:" + testPW + "@" + addr},
			ErrTLS,
			"cannot connect to AMQP at amqps://u@" + addr + "/: TLS handshake failed: the broker's certificate is signed by an unknown authority — give the CA that signed it: ca-file in the context, or cacertfile= in the URL",
		},
		{
			"wrong server name",
			Config{URL: "amqps://u:" + testPW + "@" + addr, TLS: TLSOptions{CAFile: ca, ServerName: "rabbit.internal"}},
			ErrTLS,
			"cannot connect to AMQP at amqps://u@" + addr + "/: TLS handshake failed: x509: certificate is valid for example.com, *.example.com, not rabbit.internal — connect by a name the certificate holds, or set server-name (server_name_indication= in the URL)",
		},
		{
			"TLS fine, no AMQP",
			Config{URL: "amqps://u:" + testPW + "@" + addr + "?cacertfile=" + ca},
			ErrProtocol,
			"cannot connect to AMQP at amqps://u@" + addr + "/: no answer to the AMQP handshake within 1s — check that the port is RabbitMQ's AMQP 0-9-1 listener (5672)",
		},
		{
			"insecure by name, no AMQP",
			Config{URL: "amqps://u:" + testPW + "@" + addr, TLS: TLSOptions{InsecureSkipVerify: true}},
			ErrProtocol,
			"cannot connect to AMQP at amqps://u@" + addr + "/: no answer to the AMQP handshake within 1s",
		},
		{
			"TLS options on amqp://",
			Config{URL: "amqp://u:" + testPW + "@" + addr, TLS: TLSOptions{CAFile: ca}},
			ErrConfig,
			"TLS options are set but the URL is amqp://u@" + addr + "/; use amqps:// for TLS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.APIURL, tt.cfg.DialTimeout = noAPI, time.Second
			s, err := Open(context.Background(), tt.cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.kind) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error (%v)\n got %s\nwant %s", errors.Is(err, tt.kind), err, tt.want)
			}
			assertNoSecret(t, err, testPW)
		})
	}
}
