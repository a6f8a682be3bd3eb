package bindings

import (
	"strings"

	"github.com/kaiten-bus/kaiten/model"
	"github.com/kaiten-bus/kaiten/ui/common"
)

// Arguments shows an arguments table on one line: k=v, sorted by key,
// values as literals.
func Arguments(t model.Table) string {
	if len(t) == 0 {
		return ""
	}
	parts := make([]string, 0, len(t))
	for _, k := range t.Keys() {
		parts = append(parts, k+"="+t[k].Literal())
	}
	return common.Clean(strings.Join(parts, " "))
}
