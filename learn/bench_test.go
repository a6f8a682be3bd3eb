package learn

import (
	"fmt"
	"testing"

	"github.com/kaiten-bus/kaiten/model"
)

// BenchmarkEvaluateTopicLesson evaluates lesson 6 (topic routing) over
// 1,000 observed messages none of which passes, the worst case: every
// check scans every message and explains the newest miss. A run checks
// once a second and after each batch of the firehose.
func BenchmarkEvaluateTopicLesson(b *testing.B) {
	ls, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	l := ls[5]
	msgs := make([]model.Message, 1000)
	for i := range msgs {
		msgs[i] = model.Message{Exchange: "logs", RoutingKey: fmt.Sprintf("eu.city%d.info", i)}
	}
	o := observe(l.Definitions, msgs...)
	b.ReportAllocs()
	for b.Loop() {
		if sts := Evaluate(&l, &o); sts[0].Done {
			b.Fatal("done")
		}
	}
}
