package broker

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// API is a client of RabbitMQ's management HTTP API (and of the embedded
// broker's subset of it). It is safe for concurrent use and prints as its
// base URL, without credentials.
type API struct {
	ep      APIEndpoint
	client  *http.Client
	sc      scrubber
	timeout time.Duration
	// observe, when set, hears how requests went: nil for a success, or
	// an error of an API that cannot be used at all (unreachable, TLS, not
	// the API). The session uses it to enter and leave degraded mode.
	observe func(error)
	// refused, when set, fails every request: the API answers but is
	// another broker's (see matchAPI).
	refused error
}

// NewAPI returns a client of the management API at ep. For an https API
// the TLS options apply (the CA file, a client certificate); client, when
// not nil, carries the requests instead.
func NewAPI(ep APIEndpoint, opts TLSOptions, client *http.Client) (*API, error) {
	timeout := 30 * time.Second
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		if strings.HasPrefix(ep.URL, "https://") {
			u, err := url.Parse(ep.URL)
			if err != nil {
				return nil, configErr("bad management API URL %s", ep.URL)
			}
			opts.ServerName = "" // the AMQP host's name; the API is checked against its own
			tc, err := opts.Config(u.Hostname())
			if err != nil {
				return nil, err
			}
			tr.TLSClientConfig = tc
		}
		client = &http.Client{Transport: tr, Timeout: timeout}
	} else if client.Timeout > 0 {
		timeout = client.Timeout
	}
	return &API{ep: ep, client: client, sc: newScrubber(ep.Username, ep.Password()), timeout: timeout}, nil
}

// URL returns the API's base URL, which holds no credentials.
func (a *API) URL() string { return a.ep.URL }

// String is the base URL.
func (a *API) String() string { return a.ep.URL }

// GoString is the base URL for %#v.
func (a *API) GoString() string { return "broker.API(" + strconv.Quote(a.ep.URL) + ")" }

// unavailable reports whether err means the management API cannot be
// used at all (rather than that one request failed).
func unavailable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Service == ServiceAPI &&
		(e.Kind == ErrUnreachable || e.Kind == ErrTLS || e.Kind == ErrProtocol)
}

// apiPath builds /api/... from its segments, each percent-encoded, so a
// vhost "/" becomes %2F and names with spaces, "#", "?" or "%" survive.
func apiPath(segments ...string) string {
	var b strings.Builder
	b.WriteString("/api")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(escapeSegment(s))
	}
	return b.String()
}

// scoped returns /api/<kind> or /api/<kind>/<vhost>.
func scoped(kind, vhost string) string {
	if vhost == "" {
		return apiPath(kind)
	}
	return apiPath(kind, vhost)
}

// get fetches path and decodes its JSON into out.
func (a *API) get(ctx context.Context, path string, q url.Values, out any) error {
	data, err := a.do(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return err
	}
	if err := decodeTolerant(data, out); err != nil {
		return notAPIError(a.ep.URL, fmt.Sprintf("GET %s gave JSON kaiten cannot read: %v", path, err))
	}
	return nil
}

// do sends one request and returns the body of a 2xx answer. Every other
// outcome is an error: an *Error when the API cannot be reached or will
// not let kaiten in, an *APIError for an error status.
func (a *API) do(ctx context.Context, method, path string, q url.Values, body any) ([]byte, error) {
	if a.refused != nil {
		return nil, a.refused
	}
	data, err := a.roundTrip(ctx, method, path, q, body)
	if a.observe != nil && (err == nil || unavailable(err)) {
		a.observe(err)
	}
	return data, err
}

func (a *API) roundTrip(ctx context.Context, method, path string, q url.Values, body any) ([]byte, error) {
	target := a.ep.URL + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, configErr("bad management API request %s %s: %v", method, path, err)
	}
	req.SetBasicAuth(a.ep.Username, a.ep.Password())
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, apiDialError(err, a.ep.URL, a.timeout, a.sc)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, apiDialError(err, a.ep.URL, a.timeout, a.sc)
	}
	isJSON := jsonContent(resp.Header.Get("Content-Type"), data)
	if resp.StatusCode/100 == 2 {
		if len(bytes.TrimSpace(data)) > 0 && !isJSON {
			return nil, notAPIError(a.ep.URL, fmt.Sprintf("%s %s answered HTTP %d with %s, not JSON", method, path, resp.StatusCode, contentType(resp)))
		}
		return data, nil
	}
	ae := &APIError{Method: method, Path: path, Status: resp.StatusCode}
	if q != nil {
		ae.Path += "?" + q.Encode()
	}
	var reply struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}
	if !isJSON || json.Unmarshal(data, &reply) != nil {
		return nil, notAPIError(a.ep.URL, fmt.Sprintf("%s %s answered HTTP %d with %s, not RabbitMQ's JSON", method, path, resp.StatusCode, contentType(resp)))
	}
	ae.Text, ae.Reason = a.sc.text(reply.Error), a.sc.text(reply.Reason)
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, apiLoginError(ae, a.ep.URL, a.ep.Username)
	}
	return nil, ae
}

// jsonContent reports whether a reply is JSON: by its content type, or,
// for a server that does not say, by its first byte.
func jsonContent(ct string, data []byte) bool {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt == "application/json" || strings.HasSuffix(mt, "+json")
	}
	t := bytes.TrimSpace(data)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func contentType(resp *http.Response) string {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		return strconv.Quote(ct)
	}
	return "no content type"
}

// MaxPageSize is the largest page RabbitMQ serves.
const MaxPageSize = 500

// page is a paginated reply.
type page[T any] struct {
	Items     []T `json:"items"`
	Page      int `json:"page"`
	PageCount int `json:"page_count"`
}

// pageWorkers is how many pages of one list are fetched at once after
// the first. RabbitMQ filters and sorts the whole list for every page
// (0.13 s a page at 10,000 queues), so fetching the rest in parallel
// uses the node's other cores instead of waiting for each page in turn.
const pageWorkers = 4

// listAll fetches every page of a paginated list: the first, which says
// how many there are, then the rest, pageWorkers at once, kept in order.
// A server that ignores pagination (and answers a plain array) gives
// everything at once; a page that vanished because objects were deleted
// meanwhile ends the list there.
func listAll[T any](ctx context.Context, a *API, path string, q url.Values, pageSize int) ([]T, error) {
	if pageSize <= 0 || pageSize > MaxPageSize {
		pageSize = MaxPageSize
	}
	first, plain, err := fetchPage[T](ctx, a, path, q, pageSize, 1)
	if err != nil || plain || first.PageCount <= 1 || len(first.Items) == 0 {
		return first.Items, err
	}
	rest := make([]page[T], first.PageCount-1)
	errs := make([]error, len(rest))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(pageWorkers, len(rest)) {
		wg.Go(func() {
			for i := range next {
				rest[i], _, errs[i] = fetchPage[T](ctx, a, path, q, pageSize, i+2)
				if errs[i] != nil && !pageGone(errs[i]) {
					cancel()
				}
			}
		})
	}
	for i := range rest {
		next <- i
	}
	close(next)
	wg.Wait()
	all := first.Items
	for i, p := range rest {
		if pageGone(errs[i]) {
			break
		}
		if errs[i] != nil {
			return nil, firstRealError(errs)
		}
		if len(p.Items) == 0 {
			break
		}
		all = append(all, p.Items...)
	}
	return all, nil
}

// fetchPage fetches page n of a list; plain says the server answered a
// plain array (no pagination), which is then the whole list.
func fetchPage[T any](ctx context.Context, a *API, path string, base url.Values, pageSize, n int) (p page[T], plain bool, err error) {
	q := url.Values{}
	for k, v := range base {
		q[k] = v
	}
	q.Set("page_size", strconv.Itoa(pageSize))
	q.Set("page", strconv.Itoa(n))
	data, err := a.do(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return p, false, err
	}
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '[' {
		if err := decodeTolerant(t, &p.Items); err != nil {
			return p, true, notAPIError(a.ep.URL, fmt.Sprintf("GET %s gave JSON kaiten cannot read: %v", path, err))
		}
		return p, true, nil
	}
	if err := decodeTolerant(t, &p); err != nil {
		return p, false, notAPIError(a.ep.URL, fmt.Sprintf("GET %s gave JSON kaiten cannot read: %v", path, err))
	}
	return p, false, nil
}

// pageGone reports whether err says a page no longer exists: objects were
// deleted while the list was read.
func pageGone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest && ae.Text == "page_out_of_range"
}

// firstRealError is the first error that is not a vanished page and not
// the cancellation another page's failure caused.
func firstRealError(errs []error) error {
	var fallback error
	for _, err := range errs {
		if err == nil || pageGone(err) {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		fallback = cmp.Or(fallback, err)
	}
	return fallback
}
