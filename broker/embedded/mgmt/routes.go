package mgmt

import (
	"net/http"
	"net/url"
	"strings"
)

// handlerFunc serves one method of one path; an error it returns becomes
// RabbitMQ's {"error": …, "reason": …} reply.
type handlerFunc func(h *handler, rq *request) error

// route is a path pattern, "*" standing for a variable segment, and what
// each method does there.
type route struct {
	pattern []string
	get     handlerFunc
	put     handlerFunc
	post    handlerFunc
	del     handlerFunc
}

// handlerFor returns the method's handler; HEAD is served as GET.
func (rt *route) handlerFor(method string) handlerFunc {
	switch method {
	case http.MethodGet, http.MethodHead:
		return rt.get
	case http.MethodPut:
		return rt.put
	case http.MethodPost:
		return rt.post
	case http.MethodDelete:
		return rt.del
	}
	return nil
}

// allow is the Allow header's value.
func (rt *route) allow() string {
	var ms []string
	if rt.get != nil {
		ms = append(ms, "HEAD", "GET")
	}
	if rt.put != nil {
		ms = append(ms, "PUT")
	}
	if rt.post != nil {
		ms = append(ms, "POST")
	}
	if rt.del != nil {
		ms = append(ms, "DELETE")
	}
	return strings.Join(append(ms, "OPTIONS"), ", ")
}

func r(path string, get, put, post, del handlerFunc) *route {
	return &route{pattern: strings.Split(path, "/"), get: get, put: put, post: post, del: del}
}

// routes are the endpoints served, as RabbitMQ 3.10's dispatcher lists
// them (a subset). Where a pattern's segment is a literal, it wins over a
// variable one of another pattern of the same length.
var routes = []*route{
	r("api/overview", getOverview, nil, nil, nil),
	r("api/cluster-name", getClusterName, nil, nil, nil),
	r("api/nodes", getNodes, nil, nil, nil),
	r("api/nodes/*", getNode, nil, nil, nil),
	r("api/extensions", getEmptyList, nil, nil, nil),
	r("api/whoami", getWhoami, nil, nil, nil),
	r("api/users", getUsers, nil, nil, nil),
	r("api/users/*", getUser, nil, nil, nil),
	r("api/users/*/permissions", getUserPermissions, nil, nil, nil),
	r("api/permissions", getPermissions, nil, nil, nil),
	r("api/permissions/*/*", getPermission, putPermission, nil, deletePermission),
	r("api/topic-permissions", getEmptyList, nil, nil, nil),
	r("api/vhosts", getVhosts, nil, nil, nil),
	r("api/vhosts/*", getVhost, putVhost, nil, deleteVhost),
	r("api/vhosts/*/permissions", getVhostPermissions, nil, nil, nil),
	r("api/vhosts/*/connections", getVhostConnections, nil, nil, nil),
	r("api/vhosts/*/channels", getVhostChannels, nil, nil, nil),
	r("api/exchanges", getExchanges, nil, nil, nil),
	r("api/exchanges/*", getExchanges, nil, nil, nil),
	r("api/exchanges/*/*", getExchange, putExchange, nil, deleteExchange),
	r("api/exchanges/*/*/bindings/source", getExchangeBindingsSource, nil, nil, nil),
	r("api/exchanges/*/*/bindings/destination", getExchangeBindingsDestination, nil, nil, nil),
	r("api/exchanges/*/*/publish", nil, nil, postExchangePublish, nil),
	r("api/queues", getQueues, nil, nil, nil),
	r("api/queues/*", getQueues, nil, nil, nil),
	r("api/queues/*/*", getQueue, putQueue, nil, deleteQueue),
	r("api/queues/*/*/bindings", getQueueBindings, nil, nil, nil),
	r("api/queues/*/*/contents", nil, nil, nil, deleteQueueContents),
	r("api/queues/*/*/get", nil, nil, postQueueGet, nil),
	r("api/bindings", getBindings, nil, nil, nil),
	r("api/bindings/*", getBindings, nil, nil, nil),
	r("api/bindings/*/e/*/q/*", getBindingsBetween, nil, postBinding, nil),
	r("api/bindings/*/e/*/e/*", getBindingsBetween, nil, postBinding, nil),
	r("api/bindings/*/e/*/q/*/*", getBinding, nil, nil, deleteBinding),
	r("api/bindings/*/e/*/e/*/*", getBinding, nil, nil, deleteBinding),
	r("api/connections", getConnections, nil, nil, nil),
	r("api/connections/*", getConnection, nil, nil, deleteConnection),
	r("api/connections/*/channels", getConnectionChannels, nil, nil, nil),
	r("api/channels", getChannels, nil, nil, nil),
	r("api/channels/*", getChannel, nil, nil, nil),
	r("api/consumers", getConsumers, nil, nil, nil),
	r("api/consumers/*", getConsumers, nil, nil, nil),
	r("api/policies", getPolicies, nil, nil, nil),
	r("api/policies/*", getPolicies, nil, nil, nil),
	r("api/policies/*/*", getPolicy, putPolicy, nil, deletePolicy),
	r("api/operator-policies", getOperatorPolicies, nil, nil, nil),
	r("api/operator-policies/*", getOperatorPolicies, nil, nil, nil),
	r("api/operator-policies/*/*", getOperatorPolicy, putOperatorPolicy, nil, deleteOperatorPolicy),
	r("api/parameters", getEmptyList, nil, nil, nil),
	r("api/parameters/*", getEmptyList, nil, nil, nil),
	r("api/parameters/*/*", getEmptyList, nil, nil, nil),
	r("api/global-parameters", getEmptyList, nil, nil, nil),
	r("api/vhost-limits", getEmptyList, nil, nil, nil),
	r("api/vhost-limits/*", getEmptyList, nil, nil, nil),
	r("api/definitions", getDefinitions, nil, postDefinitions, nil),
	r("api/definitions/*", getDefinitions, nil, postDefinitions, nil),
	r("api/aliveness-test/*", getAliveness, nil, nil, nil),
	r("api/healthchecks/node", getHealthy, nil, nil, nil),
}

// splitPath splits the raw (still percent-encoded) path into decoded
// segments, so that %2F stays inside its segment. A trailing slash is
// dropped, as cowboy's router does.
func splitPath(escaped string) ([]string, bool) {
	parts := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	if n := len(parts); n > 1 && parts[n-1] == "" {
		parts = parts[:n-1]
	}
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = s
	}
	return parts, true
}

// matchRoute finds the route of a path and its variable segments.
func matchRoute(segs []string) (*route, []string) {
	var best *route
	bestLiterals := -1
	for _, rt := range routes {
		if len(rt.pattern) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for i, p := range rt.pattern {
			if p == "*" {
				continue
			}
			if p != segs[i] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = rt, literals
		}
	}
	if best == nil {
		return nil, nil
	}
	var args []string
	for i, p := range best.pattern {
		if p == "*" {
			args = append(args, segs[i])
		}
	}
	return best, args
}
