package common

import (
	"github.com/kaiten-bus/kaiten/broker"
)

// Setting is a routing setting of an object, read the way RabbitMQ reads
// it: the object's own argument wins over its policy.
type Setting struct {
	Value string
	// Source says where it came from: "argument x-…" or "policy NAME".
	Source string
}

// PolicyNamed finds a policy of a vhost by name.
func PolicyNamed(s *broker.Snapshot, vhost, name string, operator bool) (broker.Policy, bool) {
	if name == "" {
		return broker.Policy{}, false
	}
	for _, p := range s.Policies {
		if p.Vhost == vhost && p.Name == name && p.Operator == operator {
			return p, true
		}
	}
	return broker.Policy{}, false
}

// setting reads a string setting from the arguments or the policy named.
func setting(s *broker.Snapshot, vhost string, args map[string]string, argKey, policy, policyKey string) (Setting, bool) {
	if v, ok := args[argKey]; ok {
		return Setting{Value: v, Source: "argument " + argKey}, true
	}
	if p, ok := PolicyNamed(s, vhost, policy, false); ok {
		if v, ok := p.Definition.StringValue(policyKey); ok {
			return Setting{Value: v, Source: "policy " + p.Name}, true
		}
	}
	return Setting{}, false
}

// AlternateExchange returns an exchange's alternate exchange, if any.
func AlternateExchange(s *broker.Snapshot, x broker.Exchange) (Setting, bool) {
	args := map[string]string{}
	if v, ok := x.Arguments.StringValue("alternate-exchange"); ok {
		args["alternate-exchange"] = v
	}
	return setting(s, x.Vhost, args, "alternate-exchange", x.Policy, "alternate-exchange")
}

// DeadLetter returns a queue's dead-letter exchange and, when one is set,
// its dead-letter routing key.
func DeadLetter(s *broker.Snapshot, q broker.Queue) (exchange, key Setting, ok bool) {
	args := map[string]string{}
	for _, k := range []string{"x-dead-letter-exchange", "x-dead-letter-routing-key"} {
		if v, ok := q.Arguments.StringValue(k); ok {
			args[k] = v
		}
	}
	exchange, ok = setting(s, q.Vhost, args, "x-dead-letter-exchange", q.Policy, "dead-letter-exchange")
	if !ok {
		return Setting{}, Setting{}, false
	}
	key, _ = setting(s, q.Vhost, args, "x-dead-letter-routing-key", q.Policy, "dead-letter-routing-key")
	return exchange, key, true
}

// FindExchange finds an exchange in the snapshot.
func FindExchange(s *broker.Snapshot, k broker.ObjectKey) (broker.Exchange, bool) {
	for _, x := range s.Exchanges {
		if x.Key() == k {
			return x, true
		}
	}
	return broker.Exchange{}, false
}

// FindQueue finds a queue in the snapshot.
func FindQueue(s *broker.Snapshot, k broker.ObjectKey) (broker.Queue, bool) {
	for _, q := range s.Queues {
		if q.Key() == k {
			return q, true
		}
	}
	return broker.Queue{}, false
}
