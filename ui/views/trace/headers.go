package trace

import (
	"fmt"
	"strings"

	"github.com/kaiten-bus/kaiten/model"
)

// ParseHeaders reads the headers field: a JSON object, which keeps types
// ({"x-priority": 5} is a long), or k=v pairs separated by spaces or
// commas, whose values are strings. Empty is no headers.
func ParseHeaders(s string) (model.Table, error) {
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
