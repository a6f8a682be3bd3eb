package broker

import (
	"fmt"

	"github.com/kaiten-bus/kaiten/model"
)

// builtinExchange reports whether name is one of the exchanges every vhost
// has.
func builtinExchange(name string) bool {
	for _, x := range model.BuiltinExchanges() {
		if x.Name == name {
			return true
		}
	}
	return false
}

// ModelVhost converts one vhost of the snapshot to the routing model:
// exchanges (built-in ones marked), queues, the declared bindings (the
// default exchange's implicit ones are the model's own business) and
// policies, operator policies included. The snapshot must hold the
// topology kinds.
func (s *Snapshot) ModelVhost(vhost string) (model.Vhost, error) {
	if missing := TopologyKinds &^ s.Kinds; missing != 0 {
		return model.Vhost{}, fmt.Errorf("the snapshot lacks %s, which routing needs", kindsText(missing))
	}
	if s.Vhost != "" && s.Vhost != vhost {
		return model.Vhost{}, fmt.Errorf("the snapshot is of vhost %q, not %q", s.Vhost, vhost)
	}
	v := model.Vhost{Name: vhost}
	for _, x := range s.Exchanges {
		if x.Vhost != vhost {
			continue
		}
		v.Exchanges = append(v.Exchanges, model.Exchange{
			Name: x.Name, Type: x.Type, Durable: x.Durable, AutoDelete: x.AutoDelete,
			Internal: x.Internal, Arguments: x.Arguments, Builtin: builtinExchange(x.Name),
		})
	}
	for _, q := range s.Queues {
		if q.Vhost != vhost {
			continue
		}
		v.Queues = append(v.Queues, model.Queue{
			Name: q.Name, Type: q.Type, Durable: q.Durable, AutoDelete: q.AutoDelete,
			Exclusive: q.Exclusive, Arguments: q.Arguments,
		})
	}
	for _, b := range s.Bindings {
		if b.Vhost != vhost || b.Implicit {
			continue
		}
		kind := model.DestQueue
		if b.DestinationType == "exchange" {
			kind = model.DestExchange
		}
		v.Bindings = append(v.Bindings, model.Binding{
			Source: b.Source, Destination: b.Destination, DestinationType: kind,
			RoutingKey: b.RoutingKey, Arguments: b.Arguments,
		})
	}
	for _, p := range s.Policies {
		if p.Vhost != vhost {
			continue
		}
		v.Policies = append(v.Policies, model.Policy{
			Name: p.Name, Pattern: p.Pattern, ApplyTo: p.ApplyTo, Priority: p.Priority,
			Definition: p.Definition, Operator: p.Operator,
		})
	}
	return v, nil
}

// RouteOptions returns the routing options of the snapshot's broker: the
// headers-exchange equality of its version.
func (s *Snapshot) RouteOptions() model.Options {
	return model.Options{HeadersEquality: model.HeadersEqualityFor(s.Overview.Version())}
}

// Router builds the routing engine for one vhost of the snapshot, tuned
// to the broker's version, so that trace runs on the live topology.
func (s *Snapshot) Router(vhost string) (*model.Router, error) {
	v, err := s.ModelVhost(vhost)
	if err != nil {
		return nil, err
	}
	return model.NewRouter(v, s.RouteOptions()), nil
}

func kindsText(ks Kinds) string {
	var out string
	for k := range numKinds {
		if ks.Has(k) {
			if out != "" {
				out += ", "
			}
			out += k.String()
		}
	}
	return out
}
