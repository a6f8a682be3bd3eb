package model

import (
	"strings"
	"testing"
)

func TestOsloSecretKey(t *testing.T) {
	secret := []string{
		"auth_token", "AUTH_TOKEN", "keystone_token", "X-Auth-Token", "auth_token_info",
		"password", "admin_password", "adminPass", "new_pass", "db_passwd", "passphrase",
		"secret", "secret_uuid", "aws_secret_access_key", "credential", "credentials",
		"api_key", "apiKey", "access_key", "sslkey", "fernetkey", "key", "encrypted_key",
		"private_key", "privateKey", "Authorization", "cookie", "configdrive",
	}
	for _, k := range secret {
		if !OsloSecretKey(k) {
			t.Errorf("%s is not taken for a secret", k)
		}
	}
	public := []string{
		"user_id", "user", "user_name", "project_id", "roles", "is_admin", "request_id",
		"global_request_id", "service_catalog", "resource_uuid", "user_identity", "show_deleted",
		"domain", "system_scope", "read_only", "key_name", "key_id", "keypair", "public_key",
		"keystone_user", "timestamp", "remote_address", "instance_uuid",
	}
	for _, k := range public {
		if OsloSecretKey(k) {
			t.Errorf("%s is taken for a secret", k)
		}
	}
}

func TestOsloRedacted(t *testing.T) {
	inner := `{"method": "rebuild", "args": {"admin_password": "hunter2", "image": {"name": "cirros", "token": 12345}, ` +
		`"files": [{"secret": "s1"}, {"path": "/etc/motd"}], "key_name": "mykey"}, "_msg_id": "m1", "_reply_q": "q", ` +
		`"_timeout": null, "_unique_id": "u", "_context_user_id": "u-1", "_context_auth_token": "gAAAA-secret", ` +
		`"_context_password": null, "_context_api_key": ""}`
	body := osloEnvelope(inner)
	m, err := DecodeOslo([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	r := m.Redacted()
	wantInner := `{"method": "rebuild", "args": {"admin_password": "***", "image": {"name": "cirros", "token": "***"}, ` +
		`"files": [{"secret": "***"}, {"path": "/etc/motd"}], "key_name": "mykey"}, "_msg_id": "m1", "_reply_q": "q", ` +
		`"_timeout": null, "_unique_id": "u", "_context_user_id": "u-1", "_context_auth_token": "***", ` +
		`"_context_password": null, "_context_api_key": ""}`
	if got := r.Body.String(); got != wantInner {
		t.Errorf("redacted\n got %s\nwant %s", got, wantInner)
	}
	if v, _ := r.ContextValue("auth_token"); v.Text != OsloRedacted {
		t.Errorf("context auth_token %s", v)
	}
	if r.Kind != OsloCall || r.MsgID != "m1" || r.Envelope != "2.0" {
		t.Errorf("redacted view %s %q %q", r.Kind, r.MsgID, r.Envelope)
	}
	for _, shown := range []string{string(r.Encode()), r.Outer.String(), m.String(), OsloSummary(m, "nova", "compute")} {
		for _, s := range []string{"hunter2", "gAAAA", "12345", "s1"} {
			if strings.Contains(shown, s) {
				t.Errorf("%q shows %s", shown, s)
			}
		}
	}
	// The raw message keeps its secrets.
	if string(m.Encode()) != body {
		t.Error("redaction changed the original")
	}
	if v, _ := m.ContextValue("auth_token"); v.Text != "gAAAA-secret" {
		t.Errorf("original auth_token %s", v)
	}
	// Nothing to hide: the same message comes back.
	plain, _ := DecodeOslo([]byte(osloEnvelope(`{"method": "m", "args": {"a": 1}}`)))
	if got := plain.Redacted(); got.Body.String() != plain.Body.String() {
		t.Errorf("got %s", got.Body)
	}
}
