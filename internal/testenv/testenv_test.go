package testenv

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func TestVhostLifecycle(t *testing.T) {
	r := RabbitMQ(t)
	var name string
	t.Run("scratch", func(t *testing.T) {
		name = r.Vhost(t, "kaiten-testenv-")
		var v struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(r.Do(t, http.MethodGet, "/api/vhosts/"+url.PathEscape(name), nil), &v); err != nil || v.Name != name {
			t.Fatalf("vhost %q: %+v %v", name, v, err)
		}
	})
	if _, status, err := r.do(http.MethodGet, "/api/vhosts/"+url.PathEscape(name), nil); err != nil || status != http.StatusNotFound {
		t.Fatalf("vhost %q after its test: status %d, %v; want 404", name, status, err)
	}
	if u := r.VhostURL("a/b"); u != "amqp://"+url.UserPassword(r.User, r.Password).String()+"@127.0.0.1:5672/a%2Fb" && r.AMQPURL == "amqp://guest:guest@127.0.0.1:5672/" {
		t.Errorf("VhostURL = %s", u)
	}
}

func TestRequirePython(t *testing.T) {
	if p := RequirePython(t, "json"); p != Python {
		t.Fatalf("RequirePython = %s", p)
	}
}
