package msglist

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

func TestSaveWritesJSONLines(t *testing.T) {
	dir := t.TempDir()
	m := New(newCommon(t), 0)
	m.Name = "tap-orders/eu"
	m.Now = func() time.Time { return t0 }
	m.SetSize(80, 20)
	running(m)
	text := msg("orders", "k1", `{"a":1}`, 0)
	text.Properties = model.Properties{ContentType: "application/json", DeliveryMode: 2, Has: model.HasContentType | model.HasDeliveryMode}
	bin := msg("orders", "k2", "\xff\x00", 1)
	secret := osloMsg(t, "nova", "compute", `{"method": "m", "args": {}, "_context_auth_token": "s3cret"}`, 2)
	feedBatch(m, text, bin, secret)
	m.Update(tea.KeyPressMsg{Code: 'w', Text: "w"})
	if !m.Capturing() || !strings.Contains(ansi.Strip(m.View()), "kaiten-tap-orders_eu-20261125-120000.jsonl") {
		t.Fatalf("no prompt with the default path:\n%s", ansi.Strip(m.View()))
	}
	path := filepath.Join(dir, "out.jsonl")
	m.path.SetValue(path)
	cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	saved, ok := cmd().(SavedMsg)
	if !ok || saved.Err != nil || saved.Count != 3 || saved.Path != path {
		t.Fatalf("save gave %+v", saved)
	}
	flash := m.Update(saved)().(common.FlashMsg)
	if flash.Text != "wrote 3 messages to "+path+" (JSON Lines)" {
		t.Errorf("flash %q", flash.Text)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var j map[string]any
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, j)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[0]["body"] != `{"a":1}` || lines[0]["routing_key"] != "k1" || lines[0]["properties"].(map[string]any)["content_type"] != "application/json" ||
		lines[0]["properties"].(map[string]any)["delivery_mode"] != 2.0 {
		t.Errorf("text message: %v", lines[0])
	}
	raw, _ := base64.StdEncoding.DecodeString(lines[1]["body"].(string))
	if lines[1]["body_encoding"] != "base64" || string(raw) != "\xff\x00" {
		t.Errorf("binary message: %v", lines[1])
	}
	if strings.Contains(lines[2]["body"].(string), "s3cret") || lines[2]["redacted"] != true {
		t.Errorf("oslo secret saved: %v", lines[2])
	}
}
