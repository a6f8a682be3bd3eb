package learn

import (
	engine "github.com/kaiten-bus/kaiten/learn"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// deadOrigin is, for a task that wants a message dead-lettered into a
// queue, the lesson's queue whose dead-letter exchange routes there:
// the message must go through it first ("" when the task has no such
// check or no queue does).
func (m *Model) deadOrigin(t *engine.Task) string {
	defs := m.open.lesson.Definitions
	for _, c := range t.Checks {
		if c.DeadLettered == nil || c.DeadLettered.Queue == "" {
			continue
		}
		for _, q := range defs.Queues {
			dlx, ok := q.Arguments.StringValue("x-dead-letter-exchange")
			if !ok {
				continue
			}
			dlk, hasKey := q.Arguments.StringValue("x-dead-letter-routing-key")
			for _, b := range defs.Bindings {
				if b.Source == dlx && b.Destination == c.DeadLettered.Queue && (!hasKey || b.RoutingKey == dlk || b.RoutingKey == "") {
					return q.Name
				}
			}
		}
	}
	return ""
}

// readyIn is how many messages the last snapshot counts ready in the
// lesson's queue.
func (m *Model) readyIn(name string) int64 {
	if !m.c.Data.Ready() {
		return 0
	}
	vhost := m.open.lesson.Vhost()
	for _, q := range m.c.Data.Snap.Queues {
		if q.Vhost == vhost && q.Name == name {
			return q.Ready
		}
	}
	return 0
}

// deadLetterKinds are the views for a dead-letter task: the publish form
// while the queue that dead-letters is empty (a message must get there
// first), then the consumer on it, to reject the message.
func (m *Model) deadLetterKinds(origin string) []common.Kind {
	if m.readyIn(origin) > 0 {
		return []common.Kind{common.KindConsume, common.KindPublish}
	}
	return []common.Kind{common.KindPublish, common.KindConsume}
}
