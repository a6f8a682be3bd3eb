package rpc

import (
	"testing"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/ui/common"
	"github.com/kaiten-bus/kaiten/ui/internal/drive"
)

// TestOpenPlainCall: a CallRef switches the console to plain AMQP with
// the exchange and key filled and the body focused, whatever mode it was
// in; another Ref leaves it as it is.
func TestOpenPlainCall(t *testing.T) {
	m := New(drive.Common())
	if m.Mode() != ModeOslo {
		t.Fatalf("a new console is in mode %v, want oslo", m.Mode())
	}
	m.Open(common.Ref{Type: common.ObjExchange, Key: broker.ObjectKey{Vhost: "/", Name: "nova"}})
	if m.Mode() != ModeOslo || m.AMQPForm().Exchange != "" {
		t.Fatalf("an exchange Ref changed the console: mode %v, form %+v", m.Mode(), m.AMQPForm())
	}
	m.Open(CallRef("rpc", "calculator"))
	if m.Mode() != ModeAMQP || !m.Capturing() || m.Focused() != AMQPBody {
		t.Fatalf("mode %v, editing %v, focus %d; want plain AMQP, editing the body", m.Mode(), m.Capturing(), m.Focused())
	}
	if f := m.AMQPForm(); f.Exchange != "rpc" || f.RoutingKey != "calculator" || f.Body != "" {
		t.Errorf("form %+v", f)
	}
}
