package learn

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadLessons(t *testing.T) {
	ls, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) < 12 {
		t.Fatalf("%d lessons, want at least the 12 of issue 7", len(ls))
	}
	slugs := map[string]bool{}
	for i, l := range ls {
		if l.Number != i+1 {
			t.Errorf("lesson %d is numbered %d: numbers must run 1, 2, 3…", i+1, l.Number)
		}
		if slugs[l.Slug] {
			t.Errorf("slug %q twice", l.Slug)
		}
		slugs[l.Slug] = true
		if len(l.Tasks) < 1 || len(l.Tasks) > 3 {
			t.Errorf("lesson %d has %d tasks; a lesson has one to three", l.Number, len(l.Tasks))
		}
		if strings.HasPrefix(l.Text, "---") || len(l.Text) < 200 {
			t.Errorf("lesson %d: text %q", l.Number, l.Text)
		}
		for _, task := range l.Tasks {
			if len(task.Hints) == 0 || len(task.Solution) == 0 {
				t.Errorf("lesson %d task %s: hints and a solution are required", l.Number, task.ID)
			}
		}
		if len(l.Definitions.Queues) == 0 {
			t.Errorf("lesson %d: definitions.json defines no queue", l.Number)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	defs := &fstest.MapFile{Data: []byte(`{"queues": [{"name": "q", "durable": true, "auto_delete": false, "arguments": {}}]}`)}
	md := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	good := "---\ntitle: T\ntasks:\n  - id: a\n    title: A\n    check:\n      - queue: {name: q}\n---\nText\n"
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		says string
	}{
		{"folder name", fstest.MapFS{"one/lesson.md": md(good), "one/definitions.json": defs}, "name it NN-slug"},
		{"no front matter", fstest.MapFS{"01-a/lesson.md": md("# hi\n"), "01-a/definitions.json": defs}, "YAML front matter"},
		{"unknown key", fstest.MapFS{"01-a/lesson.md": md(strings.Replace(good, "title: T", "title: T\ntitel: x", 1)), "01-a/definitions.json": defs}, "titel"},
		{"no check", fstest.MapFS{"01-a/lesson.md": md(strings.Replace(good, "    check:\n      - queue: {name: q}\n", "", 1)), "01-a/definitions.json": defs}, "no check"},
		{"bad definitions", fstest.MapFS{"01-a/lesson.md": md(good), "01-a/definitions.json": md("{")}, "definitions.json"},
		{"no definitions", fstest.MapFS{"01-a/lesson.md": md(good)}, "definitions.json"},
		{"same number", fstest.MapFS{"01-a/lesson.md": md(good), "01-a/definitions.json": defs, "01-b/lesson.md": md(good), "01-b/definitions.json": defs}, "same number"},
	} {
		_, err := LoadFS(tc.fs)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.says)
		}
	}
	ls, err := LoadFS(fstest.MapFS{"01-a/lesson.md": md(good), "01-a/definitions.json": defs})
	if err != nil || len(ls) != 1 || ls[0].Slug != "a" || ls[0].Text != "Text\n" || ls[0].Vhost() != "learn-a" {
		t.Fatalf("got %+v, %v", ls, err)
	}
}

func TestProgress(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kaiten")
	p, err := LoadProgress(dir)
	if err != nil || len(p.Done("the-bus")) != 0 {
		t.Fatalf("no file: %+v, %v", p, err)
	}
	p.Mark("the-bus", "publish")
	p.Mark("the-bus", "publish")
	p.Mark("the-bus", "consume")
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Done("the-bus"); !slices.Equal(got, []string{"consume", "publish"}) {
		t.Fatalf("done = %v", got)
	}
	l := Lesson{Slug: "the-bus", Tasks: []Task{{ID: "publish"}, {ID: "consume"}}}
	if !q.Complete(&l) {
		t.Fatal("not complete")
	}
	if err := os.WriteFile(filepath.Join(dir, progressFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadProgress(dir); err == nil || !strings.Contains(err.Error(), progressFile) {
		t.Fatalf("a broken file: %v", err)
	}
}

func TestConfigDir(t *testing.T) {
	env := map[string]string{"XDG_CONFIG_HOME": "/x/config", "HOME": "/home/u"}
	dir, err := ConfigDir(func(k string) string { return env[k] })
	if err != nil || dir != "/x/config/kaiten" {
		t.Fatalf("%q, %v", dir, err)
	}
	delete(env, "XDG_CONFIG_HOME")
	if dir, _ := ConfigDir(func(k string) string { return env[k] }); dir != "/home/u/.config/kaiten" {
		t.Fatalf("%q", dir)
	}
}
