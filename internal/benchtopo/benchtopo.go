// Package benchtopo generates large, OpenStack-shaped topologies and probes
// for the routing benchmarks and `kaiten trace --batch` measurements.
package benchtopo

import (
	"fmt"
	"math/rand/v2"

	"github.com/kaiten-bus/kaiten/model"
)

// Exchange names in generated topologies.
const (
	TopicExchange  = "bench.topic"
	DirectExchange = "bench.direct"
)

// Size says how big a generated topology is.
type Size struct {
	TopicBindings  int
	DirectBindings int
	Queues         int
}

// Full is the size the issue names: 100,000 topic and 100,000 direct
// bindings, over 20,000 queues.
var Full = Size{TopicBindings: 100_000, DirectBindings: 100_000, Queues: 20_000}

// Vhost generates a topology: a topic exchange whose binding keys look like
// `region3.compute.host1234` with a share of `*` and `#` patterns, and a
// direct exchange with one key per binding, all bound to Queues queues.
func Vhost(s Size) model.Vhost {
	v := model.Vhost{
		Name: "/",
		Exchanges: []model.Exchange{
			{Name: TopicExchange, Type: model.ExchangeTopic, Durable: true},
			{Name: DirectExchange, Type: model.ExchangeDirect, Durable: true},
		},
	}
	for i := range s.Queues {
		v.Queues = append(v.Queues, model.Queue{Name: fmt.Sprintf("q%05d", i), Durable: true})
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range s.TopicBindings {
		dest := i % s.Queues
		if i%50 == 0 {
			dest = (i / 50) % s.Queues
		}
		v.Bindings = append(v.Bindings, model.Binding{
			Source: TopicExchange, Destination: v.Queues[dest].Name,
			RoutingKey: topicPattern(i, rng),
		})
	}
	for i := range s.DirectBindings {
		v.Bindings = append(v.Bindings, model.Binding{
			Source: DirectExchange, Destination: v.Queues[(i*7)%s.Queues].Name,
			RoutingKey: fmt.Sprintf("svc%d.host%d", i%50, i),
		})
	}
	return v
}

// topicPattern makes the i-th topic binding key: mostly literal
// region.service.host keys, one in ten with a `*`, one in fifty with `#`.
func topicPattern(i int, rng *rand.Rand) string {
	region, svc, host := i%10, (i/10)%50, i
	switch {
	case i%50 == 0: // 2,000 of these over 500 (region, service) pairs
		k := i / 50
		return fmt.Sprintf("region%d.svc%d.#", k%10, (k/10)%50)
	case i%10 == 0:
		return fmt.Sprintf("region%d.*.host%d", region, host)
	case rng.IntN(1000) == 0:
		return fmt.Sprintf("#.host%d", host)
	}
	return fmt.Sprintf("region%d.svc%d.host%d", region, svc, host)
}

// Probes returns n messages: topic keys that hit a few bindings, topic keys
// that hit none, and direct keys, mixed.
func Probes(s Size, n int) []model.Message {
	rng := rand.New(rand.NewPCG(3, 5))
	out := make([]model.Message, n)
	for j := range out {
		i := rng.IntN(s.TopicBindings)
		switch j % 3 {
		case 0:
			out[j] = model.Message{Exchange: TopicExchange, RoutingKey: fmt.Sprintf("region%d.svc%d.host%d", i%10, (i/10)%50, i)}
		case 1:
			out[j] = model.Message{Exchange: TopicExchange, RoutingKey: fmt.Sprintf("region%d.nosvc.nohost%d", i%10, i)}
		default:
			k := rng.IntN(s.DirectBindings)
			out[j] = model.Message{Exchange: DirectExchange, RoutingKey: fmt.Sprintf("svc%d.host%d", k%50, k)}
		}
	}
	return out
}
