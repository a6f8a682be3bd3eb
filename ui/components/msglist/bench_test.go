package msglist

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// perFrame is 20,000 messages a second at 60 frames a second.
const perFrame = 20_000 / 60

// benchPool is a mix of messages like a busy bus carries: JSON events,
// and one in ten an oslo.messaging call, reply or notification.
func benchPool(b *testing.B) []broker.Message {
	b.Helper()
	pool := make([]broker.Message, 0, 1000)
	for i := range cap(pool) {
		var m broker.Message
		switch i % 10 {
		case 0:
			m = osloMsg(b, "nova", "compute.host1", fmt.Sprintf(`{"method": "add", "args": {"a": %d, "b": 3}, "_msg_id": "id%d", "_reply_q": "reply_1", "_context_user": "u-1"}`, i, i), i)
		case 1:
			m = osloMsg(b, "", "reply_1", fmt.Sprintf(`{"result": %d, "failure": null, "ending": true, "_msg_id": "id%d"}`, i+3, i-1), i)
		case 2:
			m = osloMsg(b, "nova", "notifications.info", `{"event_type": "compute.instance.create.end", "publisher_id": "compute.host1", "priority": "INFO", "payload": {"id": 1}, "message_id": "6f3c", "timestamp": "2026-11-25 12:00:00"}`, i)
		default:
			m = msg("orders", fmt.Sprintf("order.eu.%d.created", i%37),
				fmt.Sprintf(`{"order": %d, "customer": "c-%d", "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}], "total": 31.5, "currency": "EUR"}`, i, i%101), i)
			m.Properties = model.Properties{ContentType: "application/json", DeliveryMode: 2, Has: model.HasContentType | model.HasDeliveryMode}
		}
		pool = append(pool, m)
	}
	return pool
}

// benchBatch is the i-th frame's batch of perFrame messages.
func benchBatch(m *Model, pool []broker.Message, i int) BatchMsg {
	msgs := make([]broker.Message, perFrame)
	now := time.Now()
	for j := range msgs {
		msgs[j] = pool[(i*perFrame+j)%len(pool)]
		msgs[j].Received = now
	}
	return BatchMsg{Owner: m.id, ID: m.feed.id, Batch: broker.Batch{Messages: msgs}}
}

// BenchmarkTapFrame is one frame of a tap receiving 20,000 messages a
// second: the Update that takes the frame's batch (333 messages) and the
// View that draws it, on a list already holding its 10,000 messages, so
// each batch pushes as many out. The heap after the run shows the
// memory stays bounded.
func BenchmarkTapFrame(b *testing.B) {
	for _, tc := range []struct {
		name   string
		w, h   int
		detail bool
		filter string
	}{
		{"80x24", 80, 21, false, ""},
		{"160x48", 160, 45, false, ""},
		{"80x24-detail", 80, 21, true, ""},
		{"160x48-detail", 160, 45, true, ""},
		{"160x48-filtered", 160, 45, false, "oec"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			pool := benchPool(b)
			m := New(newCommon(b), 0)
			m.SetSize(tc.w, tc.h)
			running(m)
			for i := range DefaultLimit/perFrame + 1 {
				m.Update(benchBatch(m, pool, i))
			}
			if tc.detail {
				m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			}
			m.SetFilter(tc.filter)
			_ = m.View()
			batches := make([]BatchMsg, 64)
			for i := range batches {
				batches[i] = benchBatch(m, pool, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				m.Update(batches[i%len(batches)])
				_ = m.View()
			}
			b.StopTimer()
			if m.Len() != DefaultLimit {
				b.Fatalf("kept %d", m.Len())
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			runtime.KeepAlive(m)
			b.ReportMetric(float64(perFrame), "msgs/frame")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap")
		})
	}
}
