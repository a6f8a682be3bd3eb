package broker

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Exchange returns one exchange; errors.Is(err, ErrNotFound) when the
// vhost has none of that name.
func (a *API) Exchange(ctx context.Context, vhost, name string) (*Exchange, error) {
	var x Exchange
	if err := a.get(ctx, apiPath("exchanges", vhost, name), nil, &x); err != nil {
		return nil, err
	}
	return &x, nil
}

// SourceBindings lists the bindings whose source is the exchange, to
// queues and to exchanges.
func (a *API) SourceBindings(ctx context.Context, vhost, exchange string) ([]Binding, error) {
	var bs []Binding
	err := a.get(ctx, apiPath("exchanges", vhost, exchange, "bindings", "source"), nil, &bs)
	return bs, err
}

// SetTracing turns the firehose of a vhost on or off, on the node that
// serves the request. RabbitMQ's PUT /api/vhosts/{name} resets the
// description and tags it is not sent (seen on 3.10), so they are read
// first and sent back.
func (a *API) SetTracing(ctx context.Context, vhost string, on bool) error {
	v, err := a.Vhost(ctx, vhost)
	if err != nil {
		return err
	}
	body := map[string]any{"tracing": on, "description": v.Description, "tags": strings.Join(v.Tags, ",")}
	if t := v.DefaultQueueType; t != "" && t != "undefined" {
		body["default_queue_type"] = t
	}
	if _, err := a.do(ctx, http.MethodPut, apiPath("vhosts", vhost), nil, body); err != nil {
		return fmt.Errorf("cannot turn tracing %s for vhost %q: %w", onOff(on), vhost, err)
	}
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
