package msglist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Format is how the detail pane shows a body.
type Format uint8

// The body formats, in the order the format key cycles through them.
const (
	FormatJSON Format = iota
	FormatText
	FormatHex
	numFormats
)

var formatNames = [...]string{"json", "text", "hex"}

// String names the format.
func (f Format) String() string {
	if f < numFormats {
		return formatNames[f]
	}
	return "format"
}

// Limits on how much of a body the detail pane draws.
const (
	maxBodyText = 64 << 10
	maxBodyHex  = 8 << 10
)

// AutoFormat is the format a body is first shown in: pretty JSON when it
// is JSON, text when it is UTF-8, hex otherwise.
func AutoFormat(body []byte) Format {
	switch {
	case len(body) <= maxBodyText && json.Valid(body):
		return FormatJSON
	case utf8.Valid(body):
		return FormatText
	}
	return FormatHex
}

// Detail draws an entry for the detail pane, one line a slice element:
// where it came from, its properties and headers, its oslo summary, and
// its body in format f (secrets in an oslo.messaging body masked). Every
// broker string is sanitised; lines are cut to the pane by the caller.
func Detail(e *Entry, f Format, st *styles.Styles) []string {
	m := &e.Msg
	d := &detailLines{st: st}
	head := fmt.Sprintf(" message #%d", e.Seq)
	if !m.Received.IsZero() {
		head += " · received " + m.Received.Format(TimeLayout)
	}
	head += fmt.Sprintf(" · %d bytes", len(m.Body))
	d.add(st.Title.Render(head))
	if m.Redelivered {
		d.add(st.Tone(styles.Warn).Render(" redelivered: the broker delivered it before"))
	}
	if s := settledText(e.State); s != "" {
		d.add(st.Tone(styles.OK).Render(" " + s))
	}
	d.field("exchange", st.Tone(styles.Exchange).Render(common.CleanN(nameOr(m.Exchange), common.MaxDetail)))
	d.field("routing key", common.CleanN(strconv.Quote(m.RoutingKey), common.MaxDetail))
	if m.Source != "" && m.Source != m.Exchange {
		d.field("received from", common.CleanN(m.Source, common.MaxDetail))
	}
	if e.Summary != "" {
		d.field("oslo", st.Tone(styles.Accent).Render(common.CleanN(e.Summary, common.MaxDetail)))
	}
	d.properties(m.Properties)
	d.headers(m.Properties.Headers)
	body, redacted := m.DisplayBody()
	d.body(body, f, redacted)
	return d.out
}

func nameOr(x string) string {
	if x == "" {
		return "(AMQP default)"
	}
	return x
}

func settledText(s Settled) string {
	switch s {
	case Acked:
		return "✓ acked: the queue forgot it"
	case Requeued:
		return "↩ requeued: back in the queue, marked redelivered"
	case Rejected:
		return "✗ rejected: dead-lettered, or dropped when the queue has no dead-letter exchange"
	case Settling:
		return "… settling"
	}
	return ""
}

type detailLines struct {
	st  *styles.Styles
	out []string
}

func (d *detailLines) add(s string) { d.out = append(d.out, s) }

func (d *detailLines) field(label, value string) {
	d.add(d.st.Label.Render(fmt.Sprintf(" %-14s", label)) + value)
}

func (d *detailLines) section(title string, n int) {
	d.add("")
	d.add(d.st.Title.Render(" "+title) + d.st.TitleCount.Render(fmt.Sprintf(" (%d)", n)))
}

// PropertyFields lists the basic properties that are set, headers aside,
// by their AMQP field names, with their values as text.
func PropertyFields(p model.Properties) [][2]string {
	var out [][2]string
	add := func(flag model.PropertySet, name, v string) {
		if p.Has&flag != 0 {
			out = append(out, [2]string{name, v})
		}
	}
	add(model.HasContentType, "content_type", p.ContentType)
	add(model.HasContentEncoding, "content_encoding", p.ContentEncoding)
	add(model.HasDeliveryMode, "delivery_mode", deliveryMode(p.DeliveryMode))
	add(model.HasPriority, "priority", strconv.Itoa(int(p.Priority)))
	add(model.HasCorrelationID, "correlation_id", p.CorrelationID)
	add(model.HasReplyTo, "reply_to", p.ReplyTo)
	add(model.HasExpiration, "expiration", p.Expiration)
	add(model.HasMessageID, "message_id", p.MessageID)
	add(model.HasTimestamp, "timestamp", time.Unix(p.Timestamp, 0).UTC().Format(time.RFC3339))
	add(model.HasType, "type", p.Type)
	add(model.HasUserID, "user_id", p.UserID)
	add(model.HasAppID, "app_id", p.AppID)
	add(model.HasClusterID, "cluster_id", p.ClusterID)
	return out
}

func deliveryMode(m uint8) string {
	switch m {
	case 1:
		return "1 (transient)"
	case 2:
		return "2 (persistent)"
	}
	return strconv.Itoa(int(m))
}

func (d *detailLines) properties(p model.Properties) {
	fs := PropertyFields(p)
	if len(fs) == 0 {
		d.field("properties", d.st.Hint.Render("none set"))
		return
	}
	d.section("properties", len(fs))
	for _, f := range fs {
		d.add("   " + d.st.Label.Render(fmt.Sprintf("%-17s", f[0])) + common.CleanN(f[1], common.MaxDetail))
	}
}

func (d *detailLines) headers(h model.Table) {
	if len(h) == 0 {
		d.field("headers", d.st.Hint.Render("none"))
		return
	}
	d.section("headers", len(h))
	width := 0
	for k := range h {
		width = max(width, common.Width(common.Clean(k)))
	}
	width = min(width, 32)
	for _, k := range h.Keys() {
		d.add("   " + d.st.Tone(styles.Binding).Render(common.Fit(common.Clean(k), width, false)) + "  " +
			common.CleanN(h[k].Literal(), common.MaxDetail))
	}
}

// body adds the body in a format. Formats that do not fit the body (JSON
// for a body that is not) fall back and say so.
func (d *detailLines) body(body []byte, f Format, redacted bool) {
	note := " · b: json / text / hex"
	if redacted {
		note = " · secrets masked" + note
	}
	shown := body
	limit := maxBodyText
	if f == FormatHex {
		limit = maxBodyHex
	}
	if len(shown) > limit {
		shown = shown[:limit]
		note = fmt.Sprintf(" · first %s of %s", common.Bytes(uint64(limit)), common.Bytes(uint64(len(body)))) + note
	}
	if f == FormatJSON && (len(shown) < len(body) || !json.Valid(shown)) {
		f = FormatText
		note = " · not JSON, shown as text" + note
	}
	if f == FormatJSON {
		if inner, ok := osloUnwrapped(shown); ok {
			shown = inner
			note = " · oslo.message decoded from its JSON string" + note
		}
	}
	if f == FormatText && !utf8.Valid(shown) && !mostlyText(shown) {
		f = FormatHex
		note = " · not text, shown in hex" + note
	}
	d.add("")
	d.add(d.st.Title.Render(" body ("+f.String()+")") + d.st.TitleCount.Render(note))
	if len(body) == 0 {
		d.add("   " + d.st.Hint.Render("empty"))
		return
	}
	var lines []string
	switch f {
	case FormatJSON:
		lines = jsonLines(shown)
	case FormatText:
		lines = textLines(shown)
	default:
		lines = HexLines(shown)
	}
	for _, l := range lines {
		d.add("   " + l)
	}
}

// osloUnwrapped returns an oslo.messaging 2.0 envelope with its
// "oslo.message", a JSON document in a JSON string, put in as JSON, so
// that indenting shows the message rather than one long string.
func osloUnwrapped(b []byte) ([]byte, bool) {
	var env map[string]json.RawMessage
	if json.Unmarshal(b, &env) != nil || len(env) != 2 {
		return nil, false
	}
	version, ok1 := env["oslo.version"]
	raw, ok2 := env["oslo.message"]
	var inner string
	if !ok1 || !ok2 || json.Unmarshal(raw, &inner) != nil || !json.Valid([]byte(inner)) {
		return nil, false
	}
	return []byte(`{"oslo.version": ` + string(version) + `, "oslo.message": ` + inner + `}`), true
}

// jsonLines indents a JSON body; its strings stay escaped as JSON has
// them, and the lines are made printable all the same.
func jsonLines(b []byte) []string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return textLines(b)
	}
	return textLines(buf.Bytes())
}

// textLines splits a body into printable lines; a line too long for any
// screen is cut.
func textLines(b []byte) []string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for i, l := range lines {
		lines[i] = common.CleanN(strings.TrimSuffix(l, "\r"), common.MaxDetail)
	}
	return lines
}

// HexLines dumps bytes 16 a line: offset, hex, and the printable ASCII.
func HexLines(b []byte) []string {
	out := make([]string, 0, (len(b)+15)/16)
	var line strings.Builder
	for off := 0; off < len(b); off += 16 {
		row := b[off:min(off+16, len(b))]
		line.Reset()
		fmt.Fprintf(&line, "%08x  ", off)
		for i := range 16 {
			if i < len(row) {
				fmt.Fprintf(&line, "%02x ", row[i])
			} else {
				line.WriteString("   ")
			}
			if i == 7 {
				line.WriteByte(' ')
			}
		}
		line.WriteString(" |")
		for _, c := range row {
			if c >= 0x20 && c < 0x7f {
				line.WriteByte(c)
			} else {
				line.WriteByte('.')
			}
		}
		line.WriteByte('|')
		out = append(out, line.String())
	}
	return out
}
