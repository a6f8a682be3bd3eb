package learn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/kaiten-bus/kaiten/broker"
)

// progressFile is the name of the progress file in kaiten's config dir.
const progressFile = "learn-progress.json"

// Progress is which tasks of which lessons the student finished.
type Progress struct {
	// Lessons maps a lesson's slug to the ids of its tasks done.
	Lessons map[string][]string `json:"lessons"`
}

// ConfigDir is kaiten's config directory, where the progress is saved:
// the directory of broker.ConfigPath's config file.
func ConfigDir(getenv func(string) string) (string, error) {
	p, err := broker.ConfigPath(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// LoadProgress reads the progress saved in dir (kaiten's config dir); a
// missing file is no progress.
func LoadProgress(dir string) (Progress, error) {
	var p Progress
	data, err := os.ReadFile(filepath.Join(dir, progressFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Progress{Lessons: map[string][]string{}}, nil
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("%s: %w", filepath.Join(dir, progressFile), err)
	}
	if p.Lessons == nil {
		p.Lessons = map[string][]string{}
	}
	return p, nil
}

// Done returns the ids of the lesson's tasks done.
func (p Progress) Done(slug string) []string { return p.Lessons[slug] }

// Mark records a task as done.
func (p *Progress) Mark(slug, taskID string) {
	if p.Lessons == nil {
		p.Lessons = map[string][]string{}
	}
	if !slices.Contains(p.Lessons[slug], taskID) {
		p.Lessons[slug] = append(p.Lessons[slug], taskID)
		slices.Sort(p.Lessons[slug])
	}
}

// Complete reports whether every task of the lesson is done.
func (p Progress) Complete(l *Lesson) bool {
	for _, t := range l.Tasks {
		if !slices.Contains(p.Lessons[l.Slug], t.ID) {
			return false
		}
	}
	return true
}

// Save writes the progress to dir, creating it, atomically (a temporary
// file renamed over the old one).
func (p Progress) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, progressFile+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, progressFile))
}
