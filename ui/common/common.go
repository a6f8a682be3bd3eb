package common

import (
	"context"

	"github.com/kaiten-bus/kaiten/ui/styles"
)

// Common is what every view reads: the styles, the live data and the
// vhost in view. The root owns it and changes it only in its Update; views
// hold the pointer. Styles is a stable pointer whose value the root
// replaces when the theme changes, so no view has to be told.
type Common struct {
	Styles *styles.Styles
	Data   *Data
	// Vhost is the vhost the views show.
	Vhost string
	// ReadOnly is the session's read-only flag.
	ReadOnly bool
	// Actions acts on the bus; nil when the backend cannot.
	Actions Actions
	// Ctx ends with the UI; commands that start streams use it.
	Ctx context.Context
}
