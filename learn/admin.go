package learn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/kaiten-bus/kaiten/broker"
)

// admin makes and removes lesson vhosts through the management API: the
// few writes broker.API does not offer.
type admin struct {
	ep     broker.APIEndpoint
	client *http.Client
}

// newAdmin reads the target's endpoints.
func newAdmin(t Target) (*admin, broker.Endpoints, error) {
	ep, err := broker.Config{URL: t.URL, APIURL: t.APIURL}.Endpoints()
	if err != nil {
		return nil, ep, err
	}
	return &admin{ep: ep.API, client: &http.Client{Timeout: 10 * time.Second}}, ep, nil
}

// do sends one request; a 404 on DELETE is no error.
func (a *admin) do(ctx context.Context, method string, path []string, body any) error {
	u := a.ep.URL + "/api"
	for _, p := range path {
		u += "/" + url.PathEscape(p)
	}
	var rd io.Reader
	if body != nil {
		data, ok := body.([]byte)
		if !ok {
			var err error
			if data, err = json.Marshal(body); err != nil {
				return err
			}
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.SetBasicAuth(a.ep.Username, a.ep.Password())
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("management API at %s: %w", a.ep.URL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusNotFound && method == http.MethodDelete {
		return nil
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("management API %s %s: %s %s", method, u, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// freshVhost deletes the vhost if it is there, creates it with tracing
// on (the firehose the checks read), gives the user every permission on
// it, and imports the lesson's definitions.
func (a *admin) freshVhost(ctx context.Context, vhost string, defs []byte) error {
	if err := a.deleteVhost(ctx, vhost); err != nil {
		return err
	}
	if err := a.do(ctx, http.MethodPut, []string{"vhosts", vhost}, map[string]any{"tracing": true, "description": "a kaiten lesson"}); err != nil {
		return err
	}
	perm := map[string]string{"configure": ".*", "write": ".*", "read": ".*"}
	if err := a.do(ctx, http.MethodPut, []string{"permissions", vhost, a.ep.Username}, perm); err != nil {
		return err
	}
	return a.do(ctx, http.MethodPost, []string{"definitions", vhost}, defs)
}

// deleteVhost deletes a vhost, and everything in it.
func (a *admin) deleteVhost(ctx context.Context, vhost string) error {
	return a.do(ctx, http.MethodDelete, []string{"vhosts", vhost}, nil)
}
