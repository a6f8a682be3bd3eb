// Package lessons holds kaiten's lessons as data: one folder per lesson,
// named NN-slug, with lesson.md (a YAML front matter, then Markdown) and
// definitions.json (the lesson's topology, as RabbitMQ exports one
// vhost). Package learn loads and runs them; docs/lessons.md says how to
// write one.
package lessons

import "embed"

// FS holds every lesson folder.
//
//go:embed */lesson.md */definitions.json
var FS embed.FS
