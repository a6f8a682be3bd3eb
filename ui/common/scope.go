package common

import tea "charm.land/bubbletea/v2"

// ScopeMsg asks the root to show a vhost and act through other Actions
// while something runs there: a lesson opens its own vhost with its own
// session, and the normal views (publish, trace, queues, ...) then work
// in the lesson. A ScopeMsg with nil Actions ends the scope: the root
// goes back to its own session and the vhost shown before.
type ScopeMsg struct {
	Vhost   string
	Actions Actions
	// Label names the scope in the flash message: "lesson 1".
	Label string
}

// EscFollower is an Escaper with work to do once it used esc: a lesson
// left for the list still has to be closed and its scope ended. The root
// runs the command of AfterEsc right after Esc reports true.
type EscFollower interface {
	EscCmd() tea.Cmd
}

// AfterEsc is the command a view that just used esc wants run, nil for
// most.
func AfterEsc(v View) tea.Cmd {
	if f, ok := v.(EscFollower); ok {
		return f.EscCmd()
	}
	return nil
}
