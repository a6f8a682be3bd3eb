package overview

import "testing"

// TestRuntimeLabel: the embedded broker reports its Go version where
// RabbitMQ reports Erlang's; "Erlang go1.26.8" was the QA bug.
func TestRuntimeLabel(t *testing.T) {
	for v, want := range map[string]string{
		"go1.26.8": "runtime go1.26.8",
		"25.3.2.8": "Erlang 25.3.2.8",
		"26.2":     "Erlang 26.2",
	} {
		if got := runtimeLabel(v); got != want {
			t.Errorf("runtimeLabel(%q) = %q, want %q", v, got, want)
		}
	}
}
