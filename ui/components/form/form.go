// Package form holds what the TUI's forms (publish, rpc, trace) read their
// text fields with: the error that names the field, headers as a JSON
// object or as each form's own k=v grammar, and the look of a JSON body.
// It is pure: no Bubble Tea, no IO.
package form

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// FieldError is a field that cannot be read, named by its label, so a
// form can say what is wrong and focus the field.
type FieldError struct {
	Field string
	Err   error
}

// Error names the field and says what is wrong.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// ParseHeaders reads a headers field: empty (or white space) is no
// headers, a JSON object keeps each value's type ({"n": 5} is a long),
// and anything else is read by pairs, the form's own k=v grammar, whose
// values are strings.
func ParseHeaders(s string, pairs func(s string) (model.Table, error)) (model.Table, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "{") {
		t, err := model.ParseTableJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("headers JSON: %v", err)
		}
		return t, nil
	}
	return pairs(s)
}

// LooksJSON reports whether a body looks meant as JSON: it starts with
// { or [ after white space.
func LooksJSON(body string) bool {
	b := strings.TrimLeft(body, " \t\r\n")
	return strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[")
}
