package msglist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newCommon(t testing.TB) *common.Common {
	t.Helper()
	th, msg := themes.Lookup("dark")
	if msg != "" {
		t.Fatal(msg)
	}
	return &common.Common{Styles: styles.New(th, false), Data: &common.Data{}, Vhost: "/", Ctx: context.Background()}
}

// msg is a plain message received at t0 plus ms milliseconds.
func msg(exchange, key, body string, ms int) broker.Message {
	return broker.Message{
		Exchange: exchange, RoutingKey: key, Body: []byte(body), Source: exchange,
		Received: t0.Add(time.Duration(ms) * time.Millisecond),
	}
}

// osloEnvelope wraps an oslo.messaging message in its 2.0 envelope.
func osloEnvelope(inner string) string {
	s, _ := json.Marshal(inner)
	return `{"oslo.version": "2.0", "oslo.message": ` + string(s) + `}`
}

// osloMsg is an oslo.messaging message with its summary, as the broker
// fills it.
func osloMsg(t testing.TB, exchange, key, inner string, ms int) broker.Message {
	t.Helper()
	m := msg(exchange, key, osloEnvelope(inner), ms)
	om, ok := m.Oslo()
	if !ok {
		t.Fatalf("not oslo: %s", inner)
	}
	m.Summary = model.OsloSummary(om, exchange, key)
	return m
}

// running makes the list believe a stream runs, so that batches for it
// are taken as a stream's would be.
func running(m *Model) {
	m.feed.id = nextID()
	m.feed.running = true
	m.feed.h = &handle{ctx: context.Background(), cancel: func() {}}
	m.feed.stream = &chanStream{ch: make(chan broker.Batch)}
}

func feedBatch(m *Model, msgs ...broker.Message) tea.Cmd {
	return m.Update(BatchMsg{Owner: m.id, ID: m.feed.id, Batch: broker.Batch{Messages: msgs}})
}

func TestDetailShowsPropertiesHeadersAndBodyFormats(t *testing.T) {
	st := newCommon(t).Styles
	m := msg("orders", "order.eu.created", `{"id":1,"items":["a\u001b[2Jb"]}`, 0)
	m.Properties = model.Properties{
		ContentType: "application/json", DeliveryMode: 2, MessageID: "m-1\x1b[31m",
		Has:     model.HasContentType | model.HasDeliveryMode | model.HasMessageID | model.HasHeaders,
		Headers: model.Table{"x-evil\x1b[2J": model.String("v\x1b]0;t\a"), "n": model.Value{Type: model.TypeLong, Int: 5}},
	}
	e := &Entry{Seq: 7, Msg: m}
	detail := func(f Format) string { return ansi.Strip(strings.Join(Detail(e, f, st), "\n")) }

	js := detail(FormatJSON)
	for _, s := range []string{
		"message #7", "content_type", "application/json", "delivery_mode", "2 (persistent)", `m-1\x1b[31m`,
		"headers (2)", `x-evil\x1b[2J  "v\x1b]0;t\a"`, "n              5", "body (json)", `"id": 1,`, `"items": [`,
	} {
		if !strings.Contains(js, s) {
			t.Errorf("json detail lacks %q:\n%s", s, js)
		}
	}
	if strings.ContainsAny(js, "\x1b\a") {
		t.Errorf("detail holds raw control characters:\n%q", js)
	}
	if txt := detail(FormatText); !strings.Contains(txt, "body (text)") || !strings.Contains(txt, `{"id":1,"items"`) {
		t.Errorf("text detail:\n%s", txt)
	}
	hex := detail(FormatHex)
	if !strings.Contains(hex, "body (hex)") || !strings.Contains(hex, `00000000  7b 22 69 64 22 3a 31 2c  22 69 74 65 6d 73 22 3a  |{"id":1,"items":|`) {
		t.Errorf("hex detail:\n%s", hex)
	}

	e.Msg.Body = []byte("not json")
	if d := detail(FormatJSON); !strings.Contains(d, "not JSON, shown as text") || !strings.Contains(d, "not json") {
		t.Errorf("a body that is not JSON:\n%s", d)
	}
	e.Msg.Body = bytes.Repeat([]byte{0xff, 0x00}, 3000)
	if d := detail(FormatText); !strings.Contains(d, "not text, shown in hex") || !strings.Contains(d, "ff 00 ff 00") {
		t.Errorf("a binary body as text:\n%s", d)
	}
	e.Msg.Body = bytes.Repeat([]byte("y"), 1<<20)
	d := Detail(e, FormatText, st)
	if !strings.Contains(ansi.Strip(strings.Join(d, "\n")), "first 64.0KiB of 1.0MiB") {
		t.Errorf("a huge body does not say it was cut:\n%s", common.Truncate(ansi.Strip(strings.Join(d, "\n")), 2000))
	}
	if len(d) > 64 {
		t.Errorf("a one-line huge body gave %d lines", len(d))
	}
}

func TestDetailMasksOsloSecrets(t *testing.T) {
	st := newCommon(t).Styles
	m := osloMsg(t, "nova", "compute.host1",
		`{"method": "add", "args": {"a": 2, "b": 3}, "_msg_id": "abc", "_context_auth_token": "s3cret-token", "_context_user": "u-1"}`, 0)
	d := ansi.Strip(strings.Join(Detail(&Entry{Seq: 1, Msg: m, Summary: m.Summary}, FormatJSON, st), "\n"))
	if strings.Contains(d, "s3cret-token") {
		t.Fatalf("the auth token is shown:\n%s", d)
	}
	for _, s := range []string{"secrets masked", "call compute.add(a=2, b=3)", "oslo.message decoded", `"oslo.message": {`, `"method": "add",`} {
		if !strings.Contains(d, s) {
			t.Errorf("detail lacks %q:\n%s", s, d)
		}
	}
}

func TestOsloSummaryWithRoundTrip(t *testing.T) {
	m := New(newCommon(t), 0)
	m.SetSize(160, 20)
	running(m)
	call := osloMsg(t, "nova", "compute.host1", `{"method": "add", "args": {"a": 2, "b": 3}, "_msg_id": "c50bb571", "_reply_q": "reply_1", "_context_user": "u-1"}`, 0)
	reply := osloMsg(t, "", "reply_1", `{"result": 5, "failure": null, "ending": true, "_msg_id": "c50bb571"}`, 12)
	note := osloMsg(t, "nova", "notifications.info", `{"event_type": "compute.instance.create.end", "publisher_id": "compute.host1", "priority": "INFO", "payload": {}, "message_id": "6f3c", "timestamp": "2026-11-25 12:00:00"}`, 20)
	feedBatch(m, call, reply, note)
	want := []string{
		"call compute.add(a=2, b=3) on host1 from u-1",
		"reply to c50bb571: 5 (12 ms)",
		"notification compute.instance.create.end from compute.host1 (INFO)",
	}
	for i, w := range want {
		if got := m.Entry(i).Summary; got != w {
			t.Errorf("summary %d = %q, want %q", i, got, w)
		}
		if row := Row(m.Entry(i), 160); !strings.Contains(row, w) {
			t.Errorf("row %d lacks %q: %q", i, w, row)
		}
	}
}

func TestWindowIsBoundedAndCountsWhatScrolledOut(t *testing.T) {
	m := New(newCommon(t), 100)
	m.SetSize(80, 20)
	running(m)
	for i := range 25 {
		batch := make([]broker.Message, 10)
		for j := range batch {
			batch[j] = msg("x", "k", "b", i*10+j)
		}
		feedBatch(m, batch...)
	}
	if m.Len() != 100 || m.ScrolledOut() != 150 {
		t.Fatalf("kept %d, scrolled out %d; want 100 and 150", m.Len(), m.ScrolledOut())
	}
	if first := m.Entry(0); first.Seq != 151 || !first.Msg.Received.Equal(t0.Add(150*time.Millisecond)) {
		t.Errorf("oldest kept is #%d received %v", first.Seq, first.Msg.Received)
	}
	if e, _ := m.Selected(); e.Seq != 250 {
		t.Errorf("the selection does not follow the newest: #%d", e.Seq)
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "100 messages kept · 150 earlier messages not kept") {
		t.Errorf("status line:\n%s", view)
	}
	// A batch larger than the window, with what the stream dropped.
	big := make([]broker.Message, 130)
	for i := range big {
		big[i] = msg("x", "k", "b", 1000+i)
	}
	m.Update(BatchMsg{Owner: m.id, ID: m.feed.id, Batch: broker.Batch{Messages: big, Dropped: 7}, Skipped: 3})
	if m.Len() != 100 || m.ScrolledOut() != 283 || m.Missed() != 7 {
		t.Errorf("kept %d, out %d, missed %d; want 100, 283, 7", m.Len(), m.ScrolledOut(), m.Missed())
	}
	m.SetSize(160, 20)
	if !strings.Contains(ansi.Strip(m.View()), "7 missed (kaiten fell behind, or was paused)") {
		t.Errorf("missed messages not said:\n%s", ansi.Strip(m.View()))
	}
	m.Clear()
	if m.Len() != 0 || m.ScrolledOut() != 0 || m.Missed() != 0 {
		t.Errorf("clear left %d kept, %d out, %d missed", m.Len(), m.ScrolledOut(), m.Missed())
	}
}

func TestSelectionStaysWhileMessagesArrive(t *testing.T) {
	m := New(newCommon(t), 50)
	m.SetSize(80, 12)
	running(m)
	for i := range 20 {
		feedBatch(m, msg("x", "k", "b", i))
	}
	m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if e, _ := m.Selected(); e.Seq != 18 {
		t.Fatalf("selected #%d, want #18", e.Seq)
	}
	for i := range 10 {
		feedBatch(m, msg("x", "k", "b", 100+i))
	}
	if e, _ := m.Selected(); e.Seq != 18 {
		t.Errorf("the selection moved to #%d while messages arrived", e.Seq)
	}
	m.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
	feedBatch(m, msg("x", "k", "b", 200))
	if e, _ := m.Selected(); e.Seq != 31 {
		t.Errorf("G does not follow the newest: #%d", e.Seq)
	}
}

func TestStaleBatchesAreDropped(t *testing.T) {
	m := New(newCommon(t), 0)
	m.SetSize(80, 20)
	running(m)
	old := m.feed.id
	other := New(newCommon(t), 0)
	running(other)
	if cmd := m.Update(BatchMsg{Owner: other.id, ID: other.feed.id, Batch: broker.Batch{Messages: []broker.Message{msg("x", "k", "for the other list", 0)}}}); cmd != nil || m.Len() != 0 {
		t.Fatalf("a batch of another list was taken")
	}
	m.Stop()
	if cmd := m.Update(BatchMsg{Owner: m.id, ID: old, Batch: broker.Batch{Messages: []broker.Message{msg("x", "k", "late", 0)}}}); cmd != nil {
		t.Errorf("a stale batch asked for more")
	}
	if m.Len() != 0 {
		t.Errorf("a batch of a stopped stream was kept")
	}
}

func TestPauseHoldsAndResumeShows(t *testing.T) {
	m := New(newCommon(t), 0)
	m.SetSize(80, 20)
	running(m)
	feedBatch(m, msg("x", "k", "one", 0))
	m.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
	if cmd := feedBatch(m, msg("x", "k", "two", 1)); cmd != nil {
		t.Errorf("a paused list asked for more")
	}
	if m.Len() != 1 || !strings.Contains(ansi.Strip(m.View()), "⏸ paused, 1 waiting") {
		t.Errorf("paused list shows %d messages:\n%s", m.Len(), ansi.Strip(m.View()))
	}
	cmd := m.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
	if m.Len() != 2 || cmd == nil {
		t.Errorf("resume shows %d messages, asks for more: %v", m.Len(), cmd != nil)
	}
}

func TestTraceKeyNavigatesWithProbe(t *testing.T) {
	m := New(newCommon(t), 0)
	m.Vhost = "/"
	m.SetSize(80, 20)
	running(m)
	one := msg("orders", "order.eu.created", "{}", 0)
	one.Properties.Headers = model.Table{"region": model.String("eu")}
	feedBatch(m, one)
	cmd := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
	nav, ok := cmd().(common.NavigateMsg)
	if !ok || nav.Kind != common.KindTrace || nav.Probe == nil {
		t.Fatalf("t gave %#v", nav)
	}
	p := nav.Probe
	if p.Vhost != "/" || p.Exchange != "orders" || p.RoutingKey != "order.eu.created" || p.Headers["region"].Str != "eu" {
		t.Errorf("probe %+v", p)
	}
}

func TestDetailPaneAndFormatKey(t *testing.T) {
	m := New(newCommon(t), 0)
	m.SetSize(80, 21)
	running(m)
	feedBatch(m, msg("orders", "k", `{"a": [1, 2]}`, 0), msg("orders", "k2", "plain text", 1))
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "body (text)") || !strings.Contains(v, "plain text") {
		t.Fatalf("detail of a text body:\n%s", v)
	}
	m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "body (json)") || !strings.Contains(v, `"a": [`) {
		t.Errorf("detail of a JSON body:\n%s", v)
	}
	m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "body (text)") {
		t.Errorf("b does not cycle to text:\n%s", v)
	}
	m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "body (hex)") {
		t.Errorf("b does not cycle to hex:\n%s", v)
	}
	for _, size := range [][2]int{{80, 21}, {160, 45}, {20, 5}} {
		m.SetSize(size[0], size[1])
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%v: line %d is %d wide", size, i, w)
			}
		}
	}
	if !m.Esc() || m.detail {
		t.Errorf("esc does not close the detail pane")
	}
}

func TestFilterShowsMatchesAsTheyArrive(t *testing.T) {
	m := New(newCommon(t), 20)
	m.SetSize(100, 12)
	running(m)
	for i := range 10 {
		key := "billing.us.paid"
		if i%3 == 0 {
			key = "order.eu.created"
		}
		feedBatch(m, msg("orders", key, fmt.Sprintf(`{"n": %d}`, i), i))
	}
	m.SetFilter("OEU")
	if m.Matched() != 4 {
		t.Fatalf("/OEU matches %d, want 4", m.Matched())
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "4 messages match /OEU") || strings.Contains(v, "billing") {
		t.Errorf("filtered view:\n%s", v)
	}
	if e, _ := m.Selected(); e.Msg.RoutingKey != "order.eu.created" || e.Seq != 10 {
		t.Errorf("selected #%d %s", e.Seq, e.Msg.RoutingKey)
	}
	// New messages are matched as they come; those scrolling out are
	// forgotten.
	for i := range 15 {
		feedBatch(m, msg("orders", "order.eu.created", fmt.Sprintf(`{"m": %d}`, i), 100+i))
	}
	if m.Len() != 20 || m.Matched() != 17 { // #7, #10 and the 15 new
		t.Errorf("kept %d, matched %d; want 20 and 17", m.Len(), m.Matched())
	}
	m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
	if e, _ := m.Selected(); e.Seq != 7 {
		t.Errorf("g selects #%d, want the oldest match kept, #7", e.Seq)
	}
	m.SetFilter("nothing at all")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "nothing matches /nothing at all") {
		t.Errorf("no match:\n%s", v)
	}
	m.SetFilter("")
	if m.Matched() != 20 {
		t.Errorf("no filter shows %d", m.Matched())
	}
}

func TestFuzzyMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, text string
		want          bool
	}{
		{"oec", "order.eu.created", true},
		{"OEC", "order.eu.created", true},
		{"ceo", "order.eu.created", false},
		{"交換", "évènement.交換", true},
		{"", "x", true},
		{"x", "", false},
	} {
		if got := fuzzyMatch(tc.pattern, tc.text); got != tc.want {
			t.Errorf("fuzzyMatch(%q, %q) = %v", tc.pattern, tc.text, got)
		}
	}
}

func TestFilterHighlightsMatchedLetters(t *testing.T) {
	c := newCommon(t)
	th := themes.Dark()
	th.Highlight = lipgloss.Color("#123456")
	c.Styles = styles.New(th, false)
	const sgr = "38;2;18;52;86" // #123456 as a foreground
	m := New(c, 0)
	m.SetSize(100, 10)
	running(m)
	feedBatch(m, msg("orders", "order.eu.created", "{}", 0), msg("billing", "billing.us.paid", "{}", 1))
	if strings.Contains(m.View(), sgr) {
		t.Fatal("highlight without a filter")
	}
	m.SetFilter("oeu")
	v := m.View()
	if !strings.Contains(v, sgr) {
		t.Errorf("no letter highlighted:\n%q", v)
	}
	plain := ansi.Strip(v)
	if !strings.Contains(plain, "order.eu.created") || strings.Contains(plain, "billing") {
		t.Errorf("filtered:\n%s", plain)
	}
	for i, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w != 100 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
	if got := fuzzyPositions("oeu", "order.eu.created"); len(got) != 3 || got[0] != 0 || got[1] != 3 || got[2] != 7 {
		t.Errorf("positions %v", got)
	}
}
