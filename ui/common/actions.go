package common

import (
	"context"

	"github.com/kaiten-bus/kaiten/broker"
	"github.com/kaiten-bus/kaiten/model"
)

// Actions is what the views do on the bus: the broker session's publish,
// tap, consume and RPC. A *broker.Session is one. Views call it only from
// a tea.Cmd, never in Update. Common.Actions is nil when the backend
// cannot act (a test fixture), and views then say so.
type Actions interface {
	Publish(ctx context.Context, p broker.Publishing, o broker.PublishOptions) (broker.PublishResult, error)
	Tap(ctx context.Context, o broker.TapOptions) (*broker.Tap, error)
	Consume(ctx context.Context, o broker.ConsumeOptions) (*broker.QueueConsumer, error)
	Call(ctx context.Context, p broker.Publishing, o broker.CallOptions) (*broker.Reply, error)
	Cast(ctx context.Context, p broker.Publishing) (broker.PublishResult, error)
	OsloCall(ctx context.Context, o broker.OsloCallOptions) (*broker.OsloReply, error)
	OsloCast(ctx context.Context, t model.OsloTarget, req model.OsloRequest) (broker.Publishing, broker.PublishResult, error)
}

// Probe is a message to trace: where it was published and with what, so
// that a message seen in a tap or a consume view can be traced with one
// key (NavigateMsg.Probe).
type Probe struct {
	Vhost      string
	Exchange   string
	RoutingKey string
	Headers    model.Table
}
