package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/kaiten-bus/kaiten/broker/embedded/mgmt"
)

// serveAPI serves the management API until Close.
func (b *Broker) serveAPI() {
	defer b.wg.Done()
	if err := b.api.Serve(b.apiLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
		b.log.Error("management API stopped", "err", err)
	}
}

// listener describes a listening address for /api/overview.
func listener(protocol string, a net.Addr) mgmt.Listener {
	l := mgmt.Listener{Protocol: protocol}
	if ta, ok := a.(*net.TCPAddr); ok {
		l.IPAddress, l.Port = ta.IP.String(), ta.Port
	}
	return l
}

// importDefinitions loads a definitions export through the management
// API's own import, in-process, so that a file given at start and one
// posted later are imported alike (existing items kept, bindings with a
// missing end skipped, operator policies and permissions recorded where
// the API shows them).
func (b *Broker) importDefinitions(data []byte) error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "/api/definitions", bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("guest", "guest")
	var rec response
	b.handler.ServeHTTP(&rec, req)
	if rec.status/100 == 2 {
		return nil
	}
	var reply struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(rec.body.Bytes(), &reply) != nil || reply.Reason == "" {
		reply.Reason = rec.body.String()
	}
	return fmt.Errorf("definitions: %s", reply.Reason)
}

// response records the reply of an in-process API call.
type response struct {
	status int
	header http.Header
	body   bytes.Buffer
}

// Header is http.ResponseWriter's.
func (r *response) Header() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}

// Write is http.ResponseWriter's.
func (r *response) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// WriteHeader is http.ResponseWriter's.
func (r *response) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
