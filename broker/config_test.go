package broker

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEndpoints(t *testing.T) {
	tests := []struct {
		cfg                  Config
		amqp, api, apiUser   string
		apiPass, vhost, errs string
	}{
		{Config{}, "amqp://guest@localhost:5672/", "http://localhost:15672", "guest", "guest", "/", ""},
		{Config{URL: "amqp://u:p@rabbit:5673/nova"}, "amqp://u@rabbit:5673/nova", "http://rabbit:15672", "u", "p", "nova", ""},
		{Config{URL: "amqp://u:p@[::1]/", Vhost: "a/b"}, "amqp://u@[::1]:5672/a%2Fb", "http://[::1]:15672", "u", "p", "a/b", ""},
		{Config{URL: "amqp://u:p@h", APIURL: "https://admin:s%40cret@api.example:15671/rabbit/api/"}, "amqp://u@h:5672/", "https://api.example:15671/rabbit", "admin", "s@cret", "/", ""},
		{Config{URL: "amqp://u:p@h", APIURL: "http://other:8080"}, "amqp://u@h:5672/", "http://other:8080", "u", "p", "/", ""},
		{Config{URL: "amqps://u:p@h", TLS: TLSOptions{CAFile: "/ca"}}, "amqps://u@h:5671/", "http://h:15672", "u", "p", "/", ""},
		{Config{URL: "amqp://u:p@h", APIURL: "h:15672"}, "", "", "", "", "", "must start with http:// or https://"},
		{Config{URL: "amqp://u:p@h", APIURL: "http://"}, "", "", "", "", "", "it has no host"},
	}
	for _, tt := range tests {
		ep, err := tt.cfg.Endpoints()
		if tt.errs != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errs) || !errors.Is(err, ErrConfig) {
				t.Errorf("%v: error %v, want %q", tt.cfg, err, tt.errs)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tt.cfg, err)
			continue
		}
		if ep.AMQP.Redacted() != tt.amqp || ep.API.URL != tt.api || ep.API.Username != tt.apiUser || ep.API.Password() != tt.apiPass || ep.AMQP.Vhost != tt.vhost {
			t.Errorf("%v: got %s, %s as %s:%s, vhost %q", tt.cfg, ep.AMQP.Redacted(), ep.API.URL, ep.API.Username, ep.API.Password(), ep.AMQP.Vhost)
		}
	}
}

// writeConfig writes a config file under a fresh XDG_CONFIG_HOME and
// returns the environment that finds it.
func writeConfig(t *testing.T, yaml string) map[string]string {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "kaiten"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "kaiten", "config.yaml"), []byte(yaml), 0o600))
	return map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/nonexistent"}
}

const sampleConfig = `
current-context: lab
contexts:
  lab:
    url: amqp://guest:guest@127.0.0.1:5672/
  prod:
    url: amqps://ops:secret@rabbit.example.com/
    api-url: https://rabbit.example.com:15671
    vhost: nova
    ca-file: certs/ca.pem
    cert-file: /abs/me.pem
    key-file: /abs/me.key
    server-name: rabbit.internal
    read-only: true
`

func TestResolve(t *testing.T) {
	env := writeConfig(t, sampleConfig)
	dir := env["XDG_CONFIG_HOME"]
	withURL := func(m map[string]string, u string) map[string]string {
		c := map[string]string{EnvURL: u}
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	tests := []struct {
		name string
		sel  Selection
		env  map[string]string
		want string // Redacted()
	}{
		{"current-context", Selection{}, env, `context "lab": amqp://guest@127.0.0.1:5672/ (management API http://127.0.0.1:15672)`},
		{"named context", Selection{Context: "prod"}, env, `context "prod": amqps://ops@rabbit.example.com:5671/nova (management API https://rabbit.example.com:15671), read-only`},
		{"flags over a context", Selection{Context: "prod", Vhost: "cinder", APIURL: "https://x:15671"}, env, `context "prod": amqps://ops@rabbit.example.com:5671/cinder (management API https://x:15671), read-only`},
		{"--url wins over KAITEN_URL and the file", Selection{URL: "amqp://a:b@flag/"}, withURL(env, "amqp://c:d@env/"), "amqp://a@flag:5672/ (management API http://flag:15672)"},
		{"KAITEN_URL wins over current-context", Selection{}, withURL(env, "amqp://c:d@env/v"), "amqp://c@env:5672/v (management API http://env:15672)"},
		{"--context wins over KAITEN_URL", Selection{Context: "lab"}, withURL(env, "amqp://c:d@env/"), `context "lab": amqp://guest@127.0.0.1:5672/ (management API http://127.0.0.1:15672)`},
		{"--read-only", Selection{URL: "amqp://h", ReadOnly: true}, env, "amqp://guest@h:5672/ (management API http://h:15672), read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Resolve(tt.sel, mapEnv(tt.env))
			must(t, err)
			if got := cfg.Redacted(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	cfg, err := Resolve(Selection{Context: "prod"}, mapEnv(env))
	must(t, err)
	want := TLSOptions{CAFile: filepath.Join(dir, "kaiten", "certs", "ca.pem"), CertFile: "/abs/me.pem", KeyFile: "/abs/me.key", ServerName: "rabbit.internal"}
	if cfg.TLS != want || !cfg.ReadOnly {
		t.Errorf("TLS %+v, want %+v", cfg.TLS, want)
	}
	// A context's read-only cannot be undone from the command line, and
	// the TLS flags add to the context's.
	cfg, err = Resolve(Selection{Context: "prod", TLS: TLSOptions{InsecureSkipVerify: true, CAFile: "/other"}}, mapEnv(env))
	must(t, err)
	if !cfg.ReadOnly || !cfg.TLS.InsecureSkipVerify || cfg.TLS.CAFile != "/other" || cfg.TLS.KeyFile != "/abs/me.key" {
		t.Errorf("overrides: %+v", cfg)
	}
}

func TestResolveErrors(t *testing.T) {
	env := writeConfig(t, sampleConfig)
	empty := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	noCurrent := writeConfig(t, "contexts:\n  a:\n    url: amqp://h\n")
	tests := []struct {
		name string
		sel  Selection
		env  map[string]string
		want string
		kind error
	}{
		{"nothing configured", Selection{}, empty, "no broker configured", ErrNotConfigured},
		{"no current context", Selection{}, noCurrent, "no broker configured", ErrNotConfigured},
		{"unknown context", Selection{Context: "staging"}, env, `no context "staging" in ` + filepath.Join(env["XDG_CONFIG_HOME"], "kaiten", "config.yaml") + `; it has "lab", "prod"`, ErrConfig},
		{"no file, named context", Selection{Context: "x"}, empty, `no context "x": `, ErrConfig},
		{"misspelt key", Selection{Context: "a"}, writeConfig(t, "contexts:\n  a:\n    url: amqp://h\n    readonly: true\n"), "field readonly not found", ErrConfig},
		{"context without url", Selection{Context: "a"}, writeConfig(t, "contexts:\n  a:\n    vhost: v\n"), `context "a" in`, ErrConfig},
		{"bad url in a context", Selection{Context: "a"}, writeConfig(t, "contexts:\n  a:\n    url: http://h\n"), `context "a": bad AMQP URL`, ErrConfig},
		{"bad current-context", Selection{}, writeConfig(t, "current-context: b\ncontexts:\n  a:\n    url: amqp://h\n"), `current-context: no context "b"`, ErrConfig},
		{"bad KAITEN_URL", Selection{}, map[string]string{EnvURL: "amqp://h:0"}, "bad AMQP URL: the port", ErrConfig},
		{"no home", Selection{}, map[string]string{}, "neither XDG_CONFIG_HOME nor HOME is set", ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.sel, mapEnv(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, tt.kind) {
				t.Errorf("error %v, want %q (%v)", err, tt.want, tt.kind)
			}
		})
	}
}

func TestConfigPath(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/kaiten/config.yaml"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/kaiten/config.yaml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/kaiten/config.yaml"},
	} {
		got, err := ConfigPath(mapEnv(tt.env))
		if err != nil || got != tt.want {
			t.Errorf("%v: %s, %v; want %s", tt.env, got, err, tt.want)
		}
	}
	if f, err := LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err != nil || len(f.Contexts) != 0 {
		t.Errorf("a missing file: %v %v", f, err)
	}
	if got := (TLSOptions{CAFile: "~/ca.pem", CertFile: "rel.pem", KeyFile: "/abs.key"}).resolvePaths("/cfg", "/home/me"); got.CAFile != "/home/me/ca.pem" || got.CertFile != "/cfg/rel.pem" || got.KeyFile != "/abs.key" {
		t.Errorf("resolvePaths: %+v", got)
	}
}
