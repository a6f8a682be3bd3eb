package broker

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestLiveOpenErrors opens sessions that fail in every way a user can
// get wrong, and checks that each error names the thing and the fix and
// never shows a password.
func TestLiveOpenErrors(t *testing.T) {
	r := live(t)
	user, pw := r.user(t, "management")
	plain, plainPW := r.user(t, "")
	vhost := r.vhost(t, oddPrefix, user, plain)
	forbidden := r.vhost(t, "kaiten-no-access-")
	wrongPW := "Wrong-" + randomHex(8)
	amqpURI, _ := ParseURI(r.amqpURL)
	deadAMQP, deadAPI := freePort(t), freePort(t)
	good := r.url(t, user, pw, vhost)
	missing := "no such vhost " + randomHex(4)
	apiHost := strings.TrimPrefix(r.apiURL, "http://")
	secrets := []string{pw, plainPW, wrongPW}

	tests := []struct {
		name string
		cfg  Config
		kind error
		want string // the error's text, with TESTUSER, PORT, VHOST and the like filled in below
	}{
		{
			"AMQP port refused, API up",
			Config{URL: fmt.Sprintf("amqp://%s:%s@127.0.0.1:%d/", user, pw, deadAMQP), APIURL: r.apiURL},
			ErrUnreachable,
			"cannot connect to AMQP at amqp://TESTUSER@127.0.0.1:DEADAMQP/: connection refused — the broker's management API answers, so RabbitMQ runs: check the port of the URL (AMQP listens on 5672, or 5671 with TLS)",
		},
		{
			"AMQP port refused, API up, administrator",
			Config{URL: fmt.Sprintf("%s:%d/", strings.TrimSuffix(strings.Replace(r.amqpURL, amqpURI.Addr(), "127.0.0.1", 1), "/"), deadAMQP), APIURL: r.apiURL},
			ErrUnreachable,
			"cannot connect to AMQP at amqp://ADMIN@127.0.0.1:DEADAMQP/: connection refused — the broker's management API answers, and it listens for amqp on port AMQPPORT: check the port of the URL",
		},
		{
			"AMQP and API refused",
			Config{URL: fmt.Sprintf("amqp://%s:%s@127.0.0.1:%d/", user, pw, deadAMQP), APIURL: fmt.Sprintf("http://127.0.0.1:%d", deadAPI)},
			ErrUnreachable,
			"cannot connect to AMQP at amqp://TESTUSER@127.0.0.1:DEADAMQP/: connection refused — is RabbitMQ running and listening there? check the host and port of the URL (AMQP listens on 5672, or 5671 with TLS)",
		},
		{
			"wrong password",
			Config{URL: r.url(t, user, wrongPW, vhost), APIURL: r.apiURL},
			ErrAuth,
			`cannot log in to AMQP at amqp://TESTUSER@AMQPADDR/VHOSTPATH: wrong user name or password for user "TESTUSER" (403 ACCESS_REFUSED) — check the user and password in the URL; RabbitMQ's guest user may only connect from localhost`,
		},
		{
			"vhost not found",
			Config{URL: good, Vhost: missing, APIURL: r.apiURL},
			ErrVhostNotFound,
			`cannot open vhost "MISSING" at amqp://TESTUSER@AMQPADDR/MISSINGPATH: vhost not found — create it (rabbitmqctl add_vhost 'MISSING') or choose one that exists with --vhost; the vhosts are "VHOST"`,
		},
		{
			"no access to vhost",
			Config{URL: good, Vhost: forbidden, APIURL: r.apiURL},
			ErrNoAccess,
			`cannot open vhost "FORBIDDEN" at amqp://TESTUSER@AMQPADDR/FORBIDDEN: user "TESTUSER" has no permissions in it — grant some: rabbitmqctl set_permissions -p FORBIDDEN TESTUSER '.*' '.*' '.*'`,
		},
		{
			"management API refused",
			Config{URL: good, APIURL: fmt.Sprintf("http://127.0.0.1:%d", deadAPI), RequireAPI: true},
			ErrUnreachable,
			"cannot reach management API at http://127.0.0.1:DEADAPI: connection refused — is the rabbitmq_management plugin enabled? try: rabbitmq-plugins enable rabbitmq_management",
		},
		{
			"management API wrong password",
			Config{URL: good, APIURL: "http://" + url.UserPassword(user, wrongPW).String() + "@" + apiHost, RequireAPI: true},
			ErrAuth,
			`cannot log in to management API at APIURL: wrong user name or password for user "TESTUSER" (HTTP 401) — check the credentials, or give the API its own with --api-url http://USER:PASSWORD@HOST:15672`,
		},
		{
			"not a management user",
			Config{URL: r.url(t, plain, plainPW, vhost), APIURL: r.apiURL, RequireAPI: true},
			ErrAuth,
			`cannot log in to management API at APIURL: user "PLAIN" is not a management user — give it the monitoring or management tag: rabbitmqctl set_user_tags PLAIN monitoring`,
		},
		{
			"TLS to a plain port",
			Config{URL: fmt.Sprintf("amqps://%s:%s@%s/", user, pw, amqpURI.Addr()), APIURL: r.apiURL},
			ErrTLS,
			"cannot connect to AMQP at amqps://TESTUSER@AMQPADDR/: TLS handshake failed: the server does not speak TLS on this port — use amqp:// for a plain port, or the port that speaks TLS",
		},
		{
			"management API URL names the AMQP port",
			Config{URL: good, APIURL: "http://" + amqpURI.Addr(), RequireAPI: true},
			ErrProtocol,
			"cannot reach management API at http://AMQPADDR: no HTTP answer",
		},
	}
	fill := strings.NewReplacer(
		"DEADAMQP", strconv.Itoa(deadAMQP), "DEADAPI", strconv.Itoa(deadAPI), "AMQPPORT", strconv.Itoa(amqpURI.Port),
		"AMQPADDR", amqpURI.Addr(), "ADMIN", amqpURI.Username, "APIURL", r.apiURL, "MISSINGPATH", escapeSegment(missing), "MISSING", missing,
		"VHOSTPATH", escapeSegment(vhost), "VHOST", vhost, "FORBIDDEN", forbidden, "PLAIN", plain, "TESTUSER", user,
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(testCtx(t), tt.cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error is not %v: %v", tt.kind, err)
			}
			want := fill.Replace(tt.want)
			if got := err.Error(); got != want && !strings.HasPrefix(got, want) {
				t.Errorf("error\n got %s\nwant %s", got, want)
			}
			assertNoSecret(t, err, secrets...)
		})
	}
}

// TestLiveDegraded opens a session whose management API is out of reach:
// it works over AMQP, says why it is degraded, and recovers when the API
// answers again.
func TestLiveDegraded(t *testing.T) {
	r := live(t)
	user, pw := r.user(t, "management")
	vhost := r.vhost(t, oddPrefix, user)
	flaky := &flakyTransport{}
	flaky.down.Store(true)
	cfg := Config{URL: r.url(t, user, pw, vhost), APIURL: r.apiURL, ReadOnly: true, Context: "lab", HTTPClient: flakyClient(flaky)}
	s, err := Open(testCtx(t), cfg)
	must(t, err)
	defer s.Close()
	st := s.Status()
	if st.State != StateDegraded || !errors.Is(st.APIErr, ErrUnreachable) || st.Label() != "degraded" {
		t.Fatalf("status %v", st)
	}
	want := "degraded: no live lists: cannot reach management API at " + r.apiURL +
		": connection refused — is the rabbitmq_management plugin enabled? try: rabbitmq-plugins enable rabbitmq_management (read-only)"
	if st.String() != want {
		t.Errorf("status\n got %s\nwant %s", st, want)
	}
	ch, err := s.Channel()
	must(t, err)
	_, err = ch.QueueDeclarePassive("amq.none", false, false, false, false, nil)
	if err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("passive check over AMQP: %v", err)
	}
	if err := s.CheckWritable("purge queue \"q\""); !errors.Is(err, ErrReadOnly) ||
		err.Error() != `cannot purge queue "q": context "lab" is read-only — use a context without read-only: true, and no --read-only` {
		t.Errorf("CheckWritable: %v", err)
	}

	updates, stop := s.Watch()
	defer stop()
	<-updates // the current status
	flaky.down.Store(false)
	if _, err := s.Snapshot(testCtx(t), SnapshotOptions{Vhost: vhost, Kinds: TopologyKinds}); err != nil {
		t.Fatal(err)
	}
	if st := <-updates; st.State != StateConnected || st.APIErr != nil || st.Label() != "read-only" {
		t.Errorf("after the API came back: %v", st)
	}
	assertNoSecret(t, errors.New(s.String()+fmt.Sprintf(" %v %+v %#v", s, s, s)), pw)
}
