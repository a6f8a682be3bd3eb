package broker

import (
	"context"
	"strconv"

	amqp "github.com/rabbitmq/amqp091-go"
)

// ServerPropertyAPI is the server property in which kaiten's embedded
// broker names its management API, so that a client given only the AMQP
// URL finds the API even when it is not on port 15672.
const ServerPropertyAPI = "kaiten_management_api"

// matchAPI makes sure the management API belongs to the broker AMQP
// reached when the API URL was derived rather than given. A broker that
// names its API (kaiten's embedded one) is taken at its word; otherwise
// the API's cluster_name must be AMQP's, so a derived :15672 that is
// another broker's (an embedded broker beside a local RabbitMQ) is not
// shown as this one's. It returns the API to use, its overview and why it
// cannot be used.
func (s *Session) matchAPI(ctx context.Context, conn *amqp.Connection, api *API, ov *Overview, apiErr error) (*API, *Overview, error) {
	if s.cfg.APIURL != "" {
		return api, ov, apiErr
	}
	if named, ok := conn.Properties[ServerPropertyAPI].(string); ok && named != "" && named != s.ep.API.URL {
		ep := s.ep.API
		ep.URL = named
		other, err := NewAPI(ep, s.ep.AMQP.TLS, s.cfg.HTTPClient)
		if err != nil {
			return api, ov, err
		}
		s.ep.API = ep
		ov, err := other.Overview(ctx)
		return other, ov, err
	}
	cluster, _ := conn.Properties["cluster_name"].(string)
	if apiErr != nil || ov == nil || cluster == "" || ov.ClusterName == "" || ov.ClusterName == cluster {
		return api, ov, apiErr
	}
	api.refused = &Error{
		Kind: ErrProtocol, Service: ServiceAPI, Op: "cannot use management API", Target: s.ep.API.URL,
		Reason: "it belongs to another broker: cluster " + strconv.Quote(ov.ClusterName) + ", while AMQP at " +
			s.ep.AMQP.Addr() + " is cluster " + strconv.Quote(cluster),
		Fix: "give this broker's API with --api-url",
	}
	return api, nil, api.refused
}
