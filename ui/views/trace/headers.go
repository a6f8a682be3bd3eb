package trace

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/components/form"
)

// ParseHeaders reads the headers field: a JSON object, which keeps types
// ({"x-priority": 5} is a long), or k=v pairs separated by spaces or
// commas, whose values are strings. Empty is no headers.
func ParseHeaders(s string) (model.Table, error) {
	return form.ParseHeaders(s, headerPairs)
}

// headerPairs reads k=v pairs separated by spaces or commas: the trace
// form's headers field is one line.
func headerPairs(s string) (model.Table, error) {
	t := model.Table{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("headers: want k=v pairs or a JSON object, and %q is neither", f)
		}
		t[k] = model.String(v)
	}
	return t, nil
}
