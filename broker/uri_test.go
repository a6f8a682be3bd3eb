package broker

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The examples of RabbitMQ's URI spec (https://www.rabbitmq.com/docs/uri-spec),
// with the one reading kaiten shares with amqp091-go and pika: an empty
// vhost after the slash is "/".
func TestParseURISpecExamples(t *testing.T) {
	tests := []struct {
		in                   string
		user, pass, host     string
		port                 int
		vhost                string
		scheme               string
		redacted             string
		departsFromSpecVhost bool
	}{
		{"amqp://user:pass@host:10000/vhost", "user", "pass", "host", 10000, "vhost", "amqp", "amqp://user@host:10000/vhost", false},
		{"amqp://user%61:%61pass@ho%61st:10000/v%2fhost", "usera", "apass", "hoast", 10000, "v/host", "amqp", "amqp://usera@hoast:10000/v%2Fhost", false},
		{"amqp://", "guest", "guest", "localhost", 5672, "/", "amqp", "amqp://guest@localhost:5672/", false},
		{"amqp://:@/", "", "", "localhost", 5672, "/", "amqp", "amqp://@localhost:5672/", true},
		{"amqp://user@", "user", "guest", "localhost", 5672, "/", "amqp", "amqp://user@localhost:5672/", false},
		{"amqp://user:pass@", "user", "pass", "localhost", 5672, "/", "amqp", "amqp://user@localhost:5672/", false},
		{"amqp://host", "guest", "guest", "host", 5672, "/", "amqp", "amqp://guest@host:5672/", false},
		{"amqp://:10000", "guest", "guest", "localhost", 10000, "/", "amqp", "amqp://guest@localhost:10000/", false},
		{"amqp:///vhost", "guest", "guest", "localhost", 5672, "vhost", "amqp", "amqp://guest@localhost:5672/vhost", false},
		{"amqp://host/", "guest", "guest", "host", 5672, "/", "amqp", "amqp://guest@host:5672/", true},
		{"amqp://host/%2f", "guest", "guest", "host", 5672, "/", "amqp", "amqp://guest@host:5672/", false},
		{"amqp://[::1]", "guest", "guest", "::1", 5672, "/", "amqp", "amqp://guest@[::1]:5672/", false},
		// and a few of kaiten's own
		{"amqps://host", "guest", "guest", "host", 5671, "/", "amqps", "amqps://guest@host:5671/", false},
		{"AMQPS://u:p@[::1]:5999/%2F", "u", "p", "::1", 5999, "/", "amqps", "amqps://u@[::1]:5999/", false},
		{"amqp://u:p%40ss%2Fw%23rd@h/a%20b%23c%3Fd%25e", "u", "p@ss/w#rd", "h", 5672, "a b#c?d%e", "amqp", "amqp://u@h:5672/a%20b%23c%3Fd%25e", false},
		{"amqp://u:p@h:5672?heartbeat=5", "u", "p", "h", 5672, "/", "amqp", "amqp://u@h:5672/", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURI(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if u.Username != tt.user || u.Password() != tt.pass || u.Host != tt.host || u.Port != tt.port || u.Vhost != tt.vhost || u.Scheme != tt.scheme {
				t.Errorf("got user %q pass %q host %q port %d vhost %q scheme %q", u.Username, u.Password(), u.Host, u.Port, u.Vhost, u.Scheme)
			}
			if got := u.Redacted(); got != tt.redacted {
				t.Errorf("Redacted() = %q, want %q", got, tt.redacted)
			}
			back, err := ParseURI(u.Redacted())
			if err != nil || back.Vhost != u.Vhost || back.Host != u.Host || back.Port != u.Port || back.Username != u.Username {
				t.Errorf("Redacted form does not read back: %v %+v", err, back)
			}
		})
	}
}

func TestParseURIQuery(t *testing.T) {
	u, err := ParseURI("amqps://h/v?heartbeat=7&connection_timeout=2500&channel_max=9&frame_max=8192&auth_mechanism=external" +
		"&cacertfile=/ca.pem&certfile=/c.pem&keyfile=/k.pem&server_name_indication=rabbit.internal&verify=verify_peer")
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasHeartbeat || u.Heartbeat != 7*time.Second || u.ConnectionTimeout != 2500*time.Millisecond ||
		u.ChannelMax != 9 || u.FrameMax != 8192 || u.AuthMechanism != "EXTERNAL" {
		t.Errorf("params: %+v", u)
	}
	want := TLSOptions{CAFile: "/ca.pem", CertFile: "/c.pem", KeyFile: "/k.pem", ServerName: "rabbit.internal"}
	if u.TLS != want {
		t.Errorf("TLS = %+v, want %+v", u.TLS, want)
	}
	u, err = ParseURI("amqps://h?verify=verify_none")
	if err != nil || !u.TLS.InsecureSkipVerify {
		t.Errorf("verify_none: %v %+v", err, u.TLS)
	}
	u, err = ParseURI("amqp://h?heartbeat=0")
	if err != nil || !u.HasHeartbeat || u.Heartbeat != 0 {
		t.Errorf("heartbeat=0: %v %+v", err, u)
	}
}

func TestParseURIErrors(t *testing.T) {
	const pw = "Hunter2-s3cret"
	tests := []struct{ in, want string }{
		{"http://u:" + pw + "@h/", "must start with amqp:// or amqps://"},
		{"u:" + pw + "@h", "must start with amqp://"},
		{"amqp://u:" + pw + "@h:99999/", "port must be a number"},
		{"amqp://u:" + pw + "@h:x/", "port must be a number"},
		{"amqp://u:" + pw + "@h:0/", "port must be a number"},
		{"amqp://u:" + pw + "@h/a/b", `vhost "a/b" has an unescaped "/"; write it as a%2Fb`},
		{"amqp://u:" + pw + "@h/%zz", "bad percent-encoding"},
		{"amqp://u:" + pw + "%zz@h/", "password has a bad percent-encoding"},
		{"amqp://u%zz:" + pw + "@h/", "user name has a bad percent-encoding"},
		{"amqp://u:Hun/ter2-s3cret@h/", `an "@" follows the host`},
		{"amqp://u:Hun?ter2-s3cret@h/", `an "@" follows the host`},
		{"amqp://u:Hun#ter2-s3cret@h/", `an "@" follows the host`},
		{"amqp://u:" + pw + "@h/#frag", "#fragment"},
		{"amqp://u:" + pw + "@[::1/", "lacks its closing ]"},
		{"amqp://u:" + pw + "@[::1]x/", "must be followed by :port"},
		{"amqp://u:" + pw + "@h/?nope=1", `unknown parameter "nope"`},
		{"amqp://u:" + pw + "@h/?heartbeat=x", `heartbeat="x" is not a whole number`},
		{"amqp://u:" + pw + "@h/?verify=maybe", "verify_peer or verify_none"},
		{"amqp://u:" + pw + "@h/?auth_mechanism=cram", "not one kaiten speaks"},
		{"amqp://u:" + pw + "@h/?cacertfile=/x", "TLS parameters need an amqps:// URL"},
	}
	for _, tt := range tests {
		_, err := ParseURI(tt.in)
		if err == nil {
			t.Errorf("%s: no error", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q lacks %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "ter2-s3cret") {
			t.Errorf("%s: error shows the password: %q", tt.in, err)
		}
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s: not ErrConfig", tt.in)
		}
	}
}
