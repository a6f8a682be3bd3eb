package mgmt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// TestNoPasswordInResponses reads every GET endpoint and checks that the
// password appears nowhere, plain or base64-encoded, while /api/users
// shows a hash of it in RabbitMQ's format.
func TestNoPasswordInResponses(t *testing.T) {
	const password = "Tr0ub4dor&3-horse"
	e := newEnv(t, Options{Users: []User{{Name: "admin", Password: password}}})
	e.user, e.pass = "admin", password
	e.must(201, "PUT", "/api/queues/%2F/q", nil)
	e.must(201, "PUT", "/api/policies/%2F/p", map[string]any{"pattern": "q", "definition": map[string]any{"max-length": 5}})
	e.client("/", "127.0.0.1:1 -> 127.0.0.1:5672")
	e.publish("/", "", "q", "m")
	var paths []string
	for _, rt := range routes {
		if rt.get == nil {
			continue
		}
		args := []string{"%2F", "q", "amq.direct", "q", "q"}
		var segs []string
		n := 0
		for _, p := range rt.pattern {
			if p == "*" {
				p = args[n%len(args)]
				n++
			}
			segs = append(segs, p)
		}
		paths = append(paths, "/"+strings.Join(segs, "/"))
	}
	paths = append(paths, "/api/users/admin", "/api/permissions/%2F/admin", "/api/definitions?download=x.json")
	b64 := base64.StdEncoding.EncodeToString([]byte(password))
	for _, p := range paths {
		r := e.do("GET", p, nil)
		if bytes.Contains(r.body, []byte(password)) || bytes.Contains(r.body, []byte(b64)) ||
			strings.Contains(strings.Join(headerValues(r), "\n"), password) {
			t.Errorf("GET %s shows the password: %s", p, r.body)
		}
	}
	users := e.must(200, "GET", "/api/users", nil).list(t)
	if len(users) != 1 || users[0]["hashing_algorithm"] != "rabbit_password_hashing_sha256" {
		t.Fatalf("users = %v", users)
	}
	raw, err := base64.StdEncoding.DecodeString(users[0]["password_hash"].(string))
	if err != nil || len(raw) != 36 {
		t.Fatalf("password_hash %q: %v", users[0]["password_hash"], err)
	}
	sum := sha256.Sum256(append(raw[:4:4], password...))
	if !bytes.Equal(raw[4:], sum[:]) {
		t.Error("password_hash is not RabbitMQ's salted SHA-256 of the password")
	}
}

func headerValues(r reply) []string {
	var out []string
	for _, vs := range r.header {
		out = append(out, vs...)
	}
	return out
}
