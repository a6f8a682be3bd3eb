package connections

import "testing"

func TestClientSide(t *testing.T) {
	for name, want := range map[string]string{
		"127.0.0.1:37588 -> 127.0.0.1:5672":     "127.0.0.1:37588",
		"127.0.0.1:37588 -> 127.0.0.1:5672 (3)": "127.0.0.1:37588 (3)",
		"[::1]:5000 -> [::1]:5672 (12)":         "[::1]:5000 (12)",
		"my-connection":                         "",
		" -> x":                                 "",
	} {
		if got := ClientSide(name); got != want {
			t.Errorf("ClientSide(%q) = %q, want %q", name, got, want)
		}
	}
}
