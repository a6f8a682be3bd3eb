package broker

import (
	"fmt"
	"time"
)

// State is where a session stands.
type State uint8

// The states of a session.
const (
	// StateConnecting is a session being opened.
	StateConnecting State = iota
	// StateConnected has AMQP and the management API.
	StateConnected
	// StateDegraded has AMQP but not the management API: no live lists,
	// but publish, tap, consume, call and passive checks still work.
	StateDegraded
	// StateReconnecting lost its AMQP connection and is dialling again
	// with backoff.
	StateReconnecting
	// StateClosed was closed.
	StateClosed
)

var stateNames = [...]string{"connecting", "connected", "degraded", "reconnecting", "closed"}

// String names the state in a word.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// Status is a session's state with the details a status bar shows.
// Statuses are comparable with ==.
type Status struct {
	State State
	// ReadOnly is the config's read-only flag: callers hide and refuse
	// every change to the broker.
	ReadOnly bool
	// Generation counts the AMQP connections made, from 1. When it
	// changes, the connection is a new one: taps and consumers must be
	// set up again.
	Generation uint64
	// Attempt and NextRetry say, while reconnecting, how many dials have
	// failed and when the next one starts.
	Attempt   int
	NextRetry time.Time
	// AMQPErr is why AMQP is down (while reconnecting): the lost
	// connection's reason, then each failed dial's error.
	AMQPErr error
	// APIErr is why the management API cannot be used (while degraded).
	APIErr error
	// Since is when the state last changed.
	Since time.Time
}

// Label is the state in one word or two, as a status bar shows it:
// connected, read-only, degraded, reconnecting, closed.
func (s Status) Label() string {
	if s.State == StateConnected && s.ReadOnly {
		return "read-only"
	}
	return s.State.String()
}

// String describes the status in a line, with the reason when something
// is down.
func (s Status) String() string {
	out := s.State.String()
	switch s.State {
	case StateReconnecting:
		out = fmt.Sprintf("reconnecting (attempt %d)", s.Attempt+1)
		if s.AMQPErr != nil {
			out += ": " + s.AMQPErr.Error()
		}
	case StateDegraded:
		out = "degraded: no live lists"
		if s.APIErr != nil {
			out += ": " + s.APIErr.Error()
		}
	}
	if s.ReadOnly && s.State != StateClosed {
		out += " (read-only)"
	}
	return out
}
