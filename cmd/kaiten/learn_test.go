package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kaiten-bus/kaiten/learn"
)

func TestLearnList(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	p := learn.Progress{}
	p.Mark("the-bus", "publish")
	p.Mark("the-bus", "consume")
	p.Mark("topic-routing", "reach-eu")
	cfg, err := learn.ConfigDir(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Save(cfg); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	// A buffer is not a terminal: plain `kaiten learn` lists too.
	for _, args := range [][]string{{"learn", "--list"}, {"learn"}} {
		out.Reset()
		if code := run(args, nil, &out, &errb); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 13 {
			t.Fatalf("%v: %d lines:\n%s", args, len(lines), out.String())
		}
		if !strings.HasPrefix(lines[1], "✓  1  The bus") || !strings.Contains(lines[1], "2/2") {
			t.Errorf("lesson 1: %q", lines[1])
		}
		if !strings.Contains(lines[6], "Topic routing") || !strings.Contains(lines[6], "1/3") || strings.HasPrefix(lines[6], "✓") {
			t.Errorf("lesson 6: %q", lines[6])
		}
	}
	out.Reset()
	if code := run([]string{"learn", "--list", "--output", "json"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var first struct {
		Number int      `json:"number"`
		Slug   string   `json:"slug"`
		Tasks  int      `json:"tasks"`
		Done   []string `json:"done"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out.String(), "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Number != 1 || first.Slug != "the-bus" || first.Tasks != 2 || len(first.Done) != 2 {
		t.Fatalf("%+v", first)
	}
}

func TestLearnCheck(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var out, errb bytes.Buffer
	if code := run([]string{"learn", "6", "--check"}, nil, &out, &errb); code != exitFailed {
		t.Fatalf("an untouched lesson: exit %d, want %d: %s%s", code, exitFailed, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "Lesson 6: Topic routing") || !strings.Contains(out.String(), "[ ] reach-eu") || strings.Contains(out.String(), "[x]") {
		t.Fatalf("untouched:\n%s", out.String())
	}
	out.Reset()
	if code := run([]string{"learn", "6", "--check", "--solve"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("solved: exit %d: %s%s", code, out.String(), errb.String())
	}
	if strings.Count(out.String(), "[x]") != 3 {
		t.Fatalf("solved:\n%s", out.String())
	}
	out.Reset()
	if code := run([]string{"learn", "--check", "--solve", "1", "--output", "json"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errb.String())
	}
	if n := strings.Count(out.String(), `"done":true`); n != 2 {
		t.Fatalf("json:\n%s", out.String())
	}
}

func TestLearnUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"learn", "99"}, "there is no lesson 99"},
		{[]string{"learn", "x"}, "named by its number"},
		{[]string{"learn", "--check"}, "--check needs a lesson number"},
		{[]string{"learn", "1", "--solve"}, "--solve goes with --check"},
		{[]string{"learn", "1", "2"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, nil, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), tc.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), exitUsage, tc.says)
		}
	}
}
