package broker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// ListOptions tune a list request. A vhost of "" everywhere means every
// vhost.
type ListOptions struct {
	// PageSize is the page size, 1 to 500; 0 means 500.
	PageSize int
	// Stats asks for the counters rates are computed from, through an
	// explicit column list. Without it, exchanges and queues come from
	// the cheap mode that skips stats (disable_stats=true, with the queue
	// depths kept by enable_queue_totals=true), and connections and
	// channels without their counters.
	Stats bool
}

// The columns asked for, so that the broker neither computes nor sends
// what kaiten does not show.
var (
	exchangeColumns   = "name,vhost,type,durable,auto_delete,internal,arguments,policy"
	exchangeStats     = stats("publish_in", "publish_out")
	queueColumns      = "name,vhost,type,state,node,durable,auto_delete,exclusive,arguments,policy,operator_policy,consumers,consumer_capacity,consumer_utilisation,messages,messages_ready,messages_unacknowledged"
	queueStats        = stats("publish", "deliver", "deliver_no_ack", "get", "get_no_ack", "deliver_get", "get_empty", "ack", "redeliver")
	connectionColumns = "name,vhost,user,node,protocol,state,peer_host,peer_port,channels,ssl,connected_at,client_properties"
	connectionStats   = ",recv_oct,send_oct"
	channelColumns    = "name,vhost,user,node,state,number,connection_details,consumer_count,messages_unacknowledged,messages_unconfirmed,prefetch_count,global_prefetch_count,confirm,transactional"
	channelStats      = stats("publish", "confirm", "return_unroutable", "drop_unroutable", "deliver", "deliver_no_ack", "get", "get_no_ack", "deliver_get", "ack", "redeliver")
)

func stats(names ...string) string {
	return ",message_stats." + strings.Join(names, ",message_stats.")
}

// Overview returns GET /api/overview.
func (a *API) Overview(ctx context.Context) (*Overview, error) {
	var o Overview
	if err := a.get(ctx, apiPath("overview"), nil, &o); err != nil {
		return nil, err
	}
	if o.Version() == "" && o.Node == "" {
		return nil, notAPIError(a.ep.URL, "GET /api/overview answered without a version or a node")
	}
	return &o, nil
}

// Vhosts lists the vhosts the user can see.
func (a *API) Vhosts(ctx context.Context) ([]VhostInfo, error) {
	return listAll[VhostInfo](ctx, a, apiPath("vhosts"), nil, 0)
}

// Vhost returns one vhost; errors.Is(err, ErrNotFound) when there is none.
// It filters the list rather than asking for /api/vhosts/{name}, which
// RabbitMQ keeps for administrators.
func (a *API) Vhost(ctx context.Context, name string) (*VhostInfo, error) {
	q := url.Values{"use_regex": {"true"}, "name": {"^" + regexp.QuoteMeta(name) + "$"}}
	vs, err := listAll[VhostInfo](ctx, a, apiPath("vhosts"), q, 0)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i], nil
		}
	}
	return nil, fmt.Errorf("vhost %q: %w", name, ErrNotFound)
}

// Exchanges lists the exchanges of a vhost, or of all.
func (a *API) Exchanges(ctx context.Context, vhost string, o ListOptions) ([]Exchange, error) {
	q := url.Values{}
	if o.Stats {
		q.Set("columns", exchangeColumns+exchangeStats)
	} else {
		q.Set("disable_stats", "true")
	}
	return listAll[Exchange](ctx, a, scoped("exchanges", vhost), q, o.PageSize)
}

// Queues lists the queues of a vhost, or of all.
func (a *API) Queues(ctx context.Context, vhost string, o ListOptions) ([]Queue, error) {
	q := url.Values{}
	if o.Stats {
		q.Set("columns", queueColumns+queueStats)
	} else {
		q.Set("disable_stats", "true")
		q.Set("enable_queue_totals", "true")
	}
	return listAll[Queue](ctx, a, scoped("queues", vhost), q, o.PageSize)
}

// Bindings lists the bindings of a vhost, or of all, exchange-to-exchange
// ones included, and the default exchange's implicit ones marked
// Implicit. RabbitMQ does not paginate bindings.
func (a *API) Bindings(ctx context.Context, vhost string) ([]Binding, error) {
	var bs []Binding
	err := a.get(ctx, scoped("bindings", vhost), nil, &bs)
	return bs, err
}

// Connections lists the connections to a vhost, or to all.
func (a *API) Connections(ctx context.Context, vhost string, o ListOptions) ([]Connection, error) {
	return listOfVhost[Connection](ctx, a, "connections", vhost, connectionColumns, connectionStats, o)
}

// Channels lists the channels of a vhost, or of all.
func (a *API) Channels(ctx context.Context, vhost string, o ListOptions) ([]Channel, error) {
	return listOfVhost[Channel](ctx, a, "channels", vhost, channelColumns, channelStats, o)
}

// listOfVhost lists /api/<kind>, or /api/vhosts/<vhost>/<kind>, with the
// columns given and the stats columns when asked for.
func listOfVhost[T any](ctx context.Context, a *API, kind, vhost, cols, statCols string, o ListOptions) ([]T, error) {
	if o.Stats {
		cols += statCols
	}
	path := apiPath(kind)
	if vhost != "" {
		path = apiPath("vhosts", vhost, kind)
	}
	return listAll[T](ctx, a, path, url.Values{"columns": {cols}}, o.PageSize)
}

// Consumers lists the consumers of a vhost, or of all. RabbitMQ does not
// paginate consumers.
func (a *API) Consumers(ctx context.Context, vhost string) ([]Consumer, error) {
	var cs []Consumer
	err := a.get(ctx, scoped("consumers", vhost), nil, &cs)
	return cs, err
}

// Policies lists the policies of a vhost, or of all, and the operator
// policies with Operator set. Operator policies need a policymaker or
// administrator; a user who may not list them gets the others alone.
func (a *API) Policies(ctx context.Context, vhost string) ([]Policy, error) {
	var ps, ops []Policy
	if err := a.get(ctx, scoped("policies", vhost), nil, &ps); err != nil {
		return nil, err
	}
	err := a.get(ctx, scoped("operator-policies", vhost), nil, &ops)
	var ae *APIError
	switch {
	case errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusForbidden || ae.Status == http.StatusBadRequest):
	case errors.Is(err, ErrAuth):
	case err != nil:
		return nil, err
	}
	for i := range ops {
		ops[i].Operator = true
	}
	return append(ps, ops...), nil
}

// Definitions fetches a definitions export (of one vhost, or of all) and
// parses it. It needs an administrator, and it leaves out what exports
// leave out (see model.Definitions); Snapshot is the live picture.
func (a *API) Definitions(ctx context.Context, vhost string) (*model.Definitions, error) {
	data, err := a.do(ctx, http.MethodGet, scoped("definitions", vhost), nil, nil)
	if err != nil {
		return nil, err
	}
	name := "definitions from " + a.ep.URL
	if vhost != "" {
		name = fmt.Sprintf("definitions of vhost %q from %s", vhost, a.ep.URL)
	}
	return model.ParseDefinitions(name, data, vhost)
}
