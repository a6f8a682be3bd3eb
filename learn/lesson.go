// Package learn runs kaiten's lessons: it loads them from the lesson data
// (package lessons), sets each up in a vhost of its own on a broker,
// watches what the student does there (snapshots of the management API
// and the vhost's firehose), and says which tasks are done and, when not,
// what is still wrong.
//
// Lessons are data: Markdown with a YAML front matter that names the
// tasks, their checks (see Check), hints, and the steps of a solution and
// of a wrong attempt (see Step). docs/lessons.md says how to write one.
package learn

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kaiten-bus/kaiten/lessons"
	"github.com/kaiten-bus/kaiten/model"
)

// Lesson is one lesson: text to read, a topology, and tasks.
type Lesson struct {
	Number  int    // 1-based, from the folder name
	Slug    string // "topic-routing"
	Title   string
	Summary string
	Text    string // Markdown, without front matter
	Tasks   []Task

	// Definitions is the lesson's topology (definitions.json), as RabbitMQ
	// exports one vhost; DefinitionsJSON is the file itself, imported into
	// the lesson's vhost as it is.
	Definitions     model.Vhost
	DefinitionsJSON []byte
	// Setup are steps run when the lesson starts, after the topology is
	// loaded: messages waiting in a queue, an RPC server answering calls.
	Setup []Step
}

// Task is one thing the student does in a lesson.
type Task struct {
	ID    string
	Title string   // "Publish a message that reaches q.eu only"
	Hints []string // shown one at a time on request

	// Checks must all hold for the task to be done.
	Checks []Check
	// Solution are the steps that do the task; Wrong the steps of a
	// plausible mistake, which must leave it undone. WrongSays are words
	// the explanation of that mistake must contain (the lesson tests
	// assert them).
	Solution  []Step
	Wrong     []Step
	WrongSays []string
}

// frontMatter is the YAML head of lesson.md.
type frontMatter struct {
	Title   string     `yaml:"title"`
	Summary string     `yaml:"summary"`
	Setup   []Step     `yaml:"setup"`
	Tasks   []taskYAML `yaml:"tasks"`
}

type taskYAML struct {
	ID        string   `yaml:"id"`
	Title     string   `yaml:"title"`
	Hints     []string `yaml:"hints"`
	Check     []Check  `yaml:"check"`
	Solution  []Step   `yaml:"solution"`
	Wrong     []Step   `yaml:"wrong"`
	WrongSays []string `yaml:"wrong_says"`
}

// Load reads every lesson, in order, from lessons.FS.
func Load() ([]Lesson, error) { return LoadFS(lessons.FS) }

// LoadFS reads every lesson from a file system laid out like lessons.FS:
// one folder per lesson named NN-slug, holding lesson.md and
// definitions.json.
func LoadFS(fsys fs.FS) ([]Lesson, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Lesson
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		l, err := loadLesson(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b Lesson) int { return a.Number - b.Number })
	for i := 1; i < len(out); i++ {
		if out[i].Number == out[i-1].Number {
			return nil, fmt.Errorf("lessons %q and %q have the same number %d", out[i-1].Slug, out[i].Slug, out[i].Number)
		}
	}
	return out, nil
}

// loadLesson reads one lesson folder.
func loadLesson(fsys fs.FS, dir string) (Lesson, error) {
	num, slug, ok := strings.Cut(dir, "-")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || slug == "" {
		return Lesson{}, fmt.Errorf("lesson folder %q: name it NN-slug, like 01-the-bus", dir)
	}
	l := Lesson{Number: n, Slug: slug}
	md, err := fs.ReadFile(fsys, path.Join(dir, "lesson.md"))
	if err != nil {
		return l, fmt.Errorf("lesson %s: %w", dir, err)
	}
	if err := l.parseMarkdown(md); err != nil {
		return l, fmt.Errorf("lesson %s/lesson.md: %w", dir, err)
	}
	defs, err := fs.ReadFile(fsys, path.Join(dir, "definitions.json"))
	if err != nil {
		return l, fmt.Errorf("lesson %s: %w", dir, err)
	}
	d, err := model.ParseDefinitions(path.Join(dir, "definitions.json"), defs, "/")
	if err != nil {
		return l, err
	}
	if len(d.Vhosts) != 1 {
		return l, fmt.Errorf("lesson %s/definitions.json: export one vhost, not %d", dir, len(d.Vhosts))
	}
	l.Definitions, l.DefinitionsJSON = d.Vhosts[0], defs
	return l, l.validate()
}

// parseMarkdown splits the front matter from the text and reads it.
func (l *Lesson) parseMarkdown(md []byte) error {
	md = bytes.ReplaceAll(md, []byte("\r\n"), []byte("\n"))
	rest, ok := bytes.CutPrefix(md, []byte("---\n"))
	if !ok {
		return fmt.Errorf("it must start with a YAML front matter between --- lines")
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return fmt.Errorf("the front matter has no closing --- line")
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		return fmt.Errorf("front matter: %w", err)
	}
	l.Title, l.Summary, l.Setup = fm.Title, fm.Summary, fm.Setup
	l.Text = strings.TrimSpace(string(body)) + "\n"
	for _, t := range fm.Tasks {
		l.Tasks = append(l.Tasks, Task{
			ID: t.ID, Title: t.Title, Hints: t.Hints, Checks: t.Check,
			Solution: t.Solution, Wrong: t.Wrong, WrongSays: t.WrongSays,
		})
	}
	return nil
}

// validate finds the mistakes a teacher can make in a lesson's data.
func (l *Lesson) validate() error {
	if l.Title == "" {
		return fmt.Errorf("lesson %d-%s: no title", l.Number, l.Slug)
	}
	if len(l.Tasks) == 0 {
		return fmt.Errorf("lesson %d-%s: no tasks", l.Number, l.Slug)
	}
	seen := map[string]bool{}
	for i, t := range l.Tasks {
		where := fmt.Sprintf("lesson %d-%s: task %d (%s)", l.Number, l.Slug, i+1, t.ID)
		if t.ID == "" || t.Title == "" {
			return fmt.Errorf("%s: a task needs an id and a title", where)
		}
		if seen[t.ID] {
			return fmt.Errorf("%s: the id is used twice", where)
		}
		seen[t.ID] = true
		if len(t.Checks) == 0 {
			return fmt.Errorf("%s: no check", where)
		}
		for j, c := range t.Checks {
			if err := c.validate(); err != nil {
				return fmt.Errorf("%s: check %d: %w", where, j+1, err)
			}
		}
		for j, s := range slices.Concat(t.Solution, t.Wrong) {
			if err := s.validate(); err != nil {
				return fmt.Errorf("%s: step %d: %w", where, j+1, err)
			}
		}
	}
	for j, s := range l.Setup {
		if err := s.validate(); err != nil {
			return fmt.Errorf("lesson %d-%s: setup step %d: %w", l.Number, l.Slug, j+1, err)
		}
	}
	return nil
}

// Task returns the task with the id.
func (l *Lesson) Task(id string) (*Task, bool) {
	for i := range l.Tasks {
		if l.Tasks[i].ID == id {
			return &l.Tasks[i], true
		}
	}
	return nil, false
}

// Vhost is the name of the vhost the lesson runs in.
func (l *Lesson) Vhost() string { return "learn-" + l.Slug }
