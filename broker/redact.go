package broker

import (
	"errors"
	"net/url"
	"strings"
)

// redactedMark stands where a password was.
const redactedMark = "xxxxx"

// secret holds a password behind a pointer. fmt prints a pointer met
// inside a struct as an address, so printing any value that holds a
// secret, with any verb, never shows the password.
type secret struct{ p *string }

func newSecret(s string) secret { return secret{p: &s} }

// reveal returns the password, for the few places that must send it.
func (s secret) reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// String hides the password when the secret is printed on its own.
func (s secret) String() string {
	if s.reveal() == "" {
		return ""
	}
	return redactedMark
}

// GoString hides the password from %#v.
func (s secret) GoString() string { return `"` + s.String() + `"` }

// minScrub is the shortest password scrubbing looks for: a shorter one is
// as likely to be part of an ordinary word as a leak.
const minScrub = 4

// scrubber removes passwords from text that came from elsewhere (a dial
// error, a server's reply) before it becomes part of an error.
type scrubber struct{ secrets []string }

// newScrubber scrubs each password in the plain and percent-encoded forms
// it could take in a URL. A password equal to the user name is left
// alone: scrubbing it would hide the user name, which is shown anyway.
func newScrubber(user string, passwords ...string) scrubber {
	var s scrubber
	for _, p := range passwords {
		if len(p) < minScrub || p == user {
			continue
		}
		s.secrets = append(s.secrets, p, url.QueryEscape(p), url.PathEscape(p), url.UserPassword("", p).String()[1:])
	}
	return s
}

// text returns s with every password replaced by the mark.
func (sc scrubber) text(s string) string {
	for _, p := range sc.secrets {
		if p != "" && strings.Contains(s, p) {
			s = strings.ReplaceAll(s, p, redactedMark)
		}
	}
	return s
}

// config scrubs the text of a *ConfigError (a file name can hold
// anything) and leaves other errors alone.
func (sc scrubber) config(err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return &ConfigError{Problem: sc.text(ce.Problem)}
	}
	return err
}

// err returns err unchanged when its text holds no password, and else a
// plain error with the password replaced, so that nothing reachable
// through Unwrap can print it either.
func (sc scrubber) err(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := sc.text(msg); clean != msg {
		return errors.New(clean)
	}
	return err
}
