package trace

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// "Verify live" publishes the probe for real and reads it back from the
// broker's firehose (amq.rabbitmq.trace), whose routed_queues header says
// where RabbitMQ itself routed it, to compare with the trace.

// verifyTimeout bounds a verification: tap, publish, read back.
const verifyTimeout = 10 * time.Second

// verifyState is where "verify live" is.
type verifyState uint8

const (
	verifyIdle    verifyState = iota
	verifyAsking              // the confirmation is shown
	verifyRunning             // the probe is out
)

// probe is what was traced: a verification holds for this probe only.
type probe struct {
	vhost, exchange, key, headers string
}

// Verification is the outcome of verifying one probe live.
type Verification struct {
	probe probe
	// Predicted are the trace's queues when the probe was published.
	Predicted []string
	// Known are the queues of the snapshot the trace used.
	Known map[string]bool
	// Published is the publish's result: confirmed, returned or nacked.
	Published broker.PublishResult
	// Firehose is what the firehose said; nil when Err is set.
	Firehose *broker.FirehoseInfo
	Err      error
}

// VerifiedMsg carries a verification back to the view that asked, by
// request id; a stale one is dropped.
type VerifiedMsg struct {
	id int
	v  Verification
}

// Diff compares RabbitMQ's routed_queues with the trace: Missing are
// queues RabbitMQ routed to that the trace does not reach, Extra the
// trace's queues RabbitMQ did not route to, Ghosts names the default
// exchange routed to that are no queue of the snapshot (RabbitMQ names
// the queue before it checks that it exists).
func (v *Verification) Diff() (missing, extra, ghosts []string) {
	if v.Firehose == nil {
		return nil, nil, nil
	}
	routed := slices.Clone(v.Firehose.RoutedQueues)
	slices.Sort(routed)
	routed = slices.Compact(routed)
	var real []string
	for _, r := range routed {
		if v.probe.exchange == model.DefaultExchange && !v.Known[r] {
			ghosts = append(ghosts, r)
		} else {
			real = append(real, r)
		}
	}
	for _, r := range real {
		if !slices.Contains(v.Predicted, r) {
			missing = append(missing, r)
		}
	}
	for _, p := range v.Predicted {
		if !slices.Contains(real, p) {
			extra = append(extra, p)
		}
	}
	return missing, extra, ghosts
}

// Differs reports whether RabbitMQ routed the probe elsewhere than the
// trace says.
func (v *Verification) Differs() bool {
	missing, extra, _ := v.Diff()
	return len(missing) > 0 || len(extra) > 0
}

// currentProbe is the probe as the fields hold it now.
func (m *Model) currentProbe() probe {
	exchange, _ := m.chosen()
	return probe{vhost: m.traceVhost(), exchange: exchange, key: m.inputs[FieldKey].Value(), headers: m.inputs[FieldHeaders].Value()}
}

// verifyBlocked says why verifying is not possible now, or "".
func (m *Model) verifyBlocked() string {
	switch {
	case m.c.ReadOnly:
		return "verify live is off: the session is read-only, and verifying publishes a probe message"
	case m.c.Actions == nil:
		return "verify live is not available: this broker connection cannot publish or tap"
	}
	if s, ok := m.c.Actions.(interface{ Vhost() string }); ok && s.Vhost() != m.traceVhost() {
		return fmt.Sprintf("verify live publishes in the session's vhost %s, and this trace is in vhost %s", q(s.Vhost()), q(m.traceVhost()))
	}
	switch {
	case m.trace == nil:
		return "nothing to verify yet: wait for the first snapshot"
	case m.trace.Error != nil:
		return "verify live would be refused too: " + common.Clean(m.trace.Error.Text)
	case m.headersErr != "":
		return "fix the headers first: " + common.Clean(m.headersErr)
	}
	return ""
}

// askVerify shows the confirmation, or why verifying cannot be done.
func (m *Model) askVerify() {
	if m.verify == verifyRunning {
		return
	}
	m.verifyNote = m.verifyBlocked()
	if m.verifyNote == "" {
		m.verify = verifyAsking
	}
	m.render()
	m.showVerifyRows()
}

// showVerifyRows scrolls the route so that the whole question (or note)
// is on screen: under a long route it would fall below the last line, and
// the user would be asked to publish without reading what it costs.
func (m *Model) showVerifyRows() {
	height := max(m.h-m.formHeight(), 1)
	m.scroll.ScrollTo(max(m.verifyTo-height, 0))
	if m.verifyFrom < m.scroll.Offset() {
		m.scroll.ScrollTo(m.verifyFrom)
	}
}

// confirmText asks before publishing and says what it costs.
func (m *Model) confirmText() string {
	p := m.currentProbe()
	return fmt.Sprintf("Verify live? This publishes a real probe message to %s with key %s (mandatory; every queue it reaches gets a copy) "+
		"and turns on the vhost's firehose tracing while it runs, which costs the broker throughput. y publish · n cancel",
		qName(p.exchange), q(p.key))
}

// startVerify publishes the probe and reads it back from the firehose.
func (m *Model) startVerify() tea.Cmd {
	m.verify = verifyRunning
	m.verifyID++
	p := m.currentProbe()
	headers, _ := ParseHeaders(p.headers)
	known := map[string]bool{}
	for _, qu := range m.router.Vhost().Queues {
		known[qu.Name] = true
	}
	v := Verification{probe: p, Predicted: slices.Clone(m.trace.Queues), Known: known}
	ctx := m.c.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	act, id := m.c.Actions, m.verifyID
	m.render()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
		defer cancel()
		v.Firehose, v.Published, v.Err = publishProbe(ctx, act, p, headers)
		return VerifiedMsg{id: id, v: v}
	}
}

// publishProbe taps the firehose of the probe's exchange, publishes the
// probe with a fresh message id, and waits for the firehose to show it.
func publishProbe(ctx context.Context, act common.Actions, p probe, headers model.Table) (*broker.FirehoseInfo, broker.PublishResult, error) {
	var res broker.PublishResult
	tap, err := act.Tap(ctx, broker.TapOptions{Firehose: true, EnableTracing: true, Exchanges: []string{p.exchange}, MaxPending: 1000})
	if err != nil {
		return nil, res, err
	}
	defer func() { _ = tap.Close() }()
	id := probeID()
	props := model.Properties{MessageID: id, Headers: headers, Has: model.HasMessageID}
	if headers != nil {
		props.Has |= model.HasHeaders
	}
	res, err = act.Publish(ctx, broker.Publishing{Exchange: p.exchange, RoutingKey: p.key, Properties: props, Body: []byte("kaiten verify-live probe")},
		broker.PublishOptions{Mandatory: true, Confirm: true})
	if err != nil {
		return nil, res, err
	}
	for {
		select {
		case b, ok := <-tap.Batches():
			if !ok {
				return nil, res, cmpErr(tap.Err(), errors.New("the firehose tap ended before the probe came back"))
			}
			for _, msg := range b.Messages {
				if msg.Properties.MessageID == id && msg.Firehose != nil {
					return msg.Firehose, res, nil
				}
			}
		case <-ctx.Done():
			return nil, res, fmt.Errorf("the probe was published but the firehose did not show it within %s", verifyTimeout)
		}
	}
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// probeID is a message id no one else uses.
func probeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "kaiten-verify-" + hex.EncodeToString(b)
}

// verifyKey handles the keys of the confirmation.
func (m *Model) verifyKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		if m.verifyNote = m.verifyBlocked(); m.verifyNote != "" {
			m.verify = verifyIdle
			m.render()
			return nil
		}
		return m.startVerify()
	case key.Matches(msg, m.keys.Cancel):
		m.verify = verifyIdle
		m.render()
	}
	return nil
}

// verified takes a verification's result.
func (m *Model) verified(msg VerifiedMsg) {
	if msg.id != m.verifyID {
		return
	}
	m.verify = verifyIdle
	m.verification = &msg.v
	m.render()
}

// verifyRows are the lines that go under the trace's queue list: the
// confirmation, the verification under way, or its outcome.
func (m *Model) verifyRows() []Row {
	var out []Row
	switch {
	case m.verify == verifyAsking:
		return []Row{{Kind: model.LineAlternate, Prefix: "? ", Text: m.confirmText()}}
	case m.verify == verifyRunning:
		return []Row{{Kind: model.LineNote, Prefix: "⟳ ", Text: "verifying live: publishing the probe and reading it back from the firehose…"}}
	case m.verifyNote != "":
		out = append(out, Row{Kind: model.LineError, Prefix: "! ", Text: m.verifyNote})
	}
	v := m.verification
	if v == nil || v.probe != m.currentProbe() {
		return out
	}
	if v.Err != nil {
		return append(out, Row{Kind: model.LineError, Prefix: "✗ ", Text: "verify live failed: " + common.CleanN(v.Err.Error(), common.MaxDetail)})
	}
	missing, extra, ghosts := v.Diff()
	kind, mark := model.LineQueues, "= "
	if len(missing) > 0 || len(extra) > 0 {
		kind, mark = model.LineError, "≠ "
	}
	fi := v.Firehose
	out = append(out, Row{Kind: kind, Prefix: mark, Text: fmt.Sprintf("RabbitMQ routed_queues (%d): %s — %s", len(fi.RoutedQueues), qAll(fi.RoutedQueues), publishOutcome(v.Published))})
	if kind == model.LineQueues {
		out = append(out, Row{Kind: model.LineQueues, Prefix: "  ", Text: "RabbitMQ routed the probe where the trace says"})
	} else {
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "RabbitMQ also routed to "+qAll(missing))
		}
		if len(extra) > 0 {
			parts = append(parts, "RabbitMQ did not route to "+qAll(extra))
		}
		why := "the topology may have changed since the last refresh (ctrl+r refreshes), or a policy or plugin routes differently"
		if fi.Compared && !fi.Differs() {
			why = "kaiten's route on a fresh snapshot agrees with RabbitMQ, so the topology changed since this snapshot (ctrl+r refreshes)"
		}
		out = append(out, Row{Kind: model.LineError, Prefix: "  ", Text: "differs from the trace: " + strings.Join(parts, "; ") + "; " + why})
	}
	if len(ghosts) > 0 {
		out = append(out, Row{Kind: model.LineNote, Prefix: "  ", Text: "no queue is named " + qAll(ghosts) + ": RabbitMQ names a default-exchange queue before it checks that it exists"})
	}
	return out
}

// publishOutcome says what the broker did with the probe.
func publishOutcome(r broker.PublishResult) string {
	switch {
	case r.Nacked > 0:
		return "the broker nacked the probe"
	case r.Returned > 0 && len(r.Returns) > 0:
		return fmt.Sprintf("returned %d %s", r.Returns[0].Code, common.Clean(r.Returns[0].Text))
	case r.Returned > 0:
		return "returned as unroutable"
	case r.Acked > 0:
		return "confirmed"
	}
	return "published"
}
